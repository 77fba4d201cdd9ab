/**
 * Process settings for Pact's native core: no anonymous usage tracking (it would call out to the network, and
 * this harness talks to nothing but its targets).
 * @see https://docs.pact.io/metrics
 */

/** Turns Pact's usage tracking off for this process unless the user decided otherwise. */
export function quietPact(): void {
  process.env.PACT_DO_NOT_TRACK ??= 'true';
}
