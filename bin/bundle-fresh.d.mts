/** Newest modification time of the .ts sources and package.json under `root`. */
export declare function newestSource(root: string): number;
/** Whether `root`/dist/oauthgate.mjs exists and is not older than any source. */
export declare function bundleIsFresh(root: string): boolean;
