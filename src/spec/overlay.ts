/**
 * Overlays: a user's own facts laid over a provider spec, without copying it. A target file's `overrides` (or a
 * spec file that says `extends: <id>`) changes any field; `null` turns an optional part off (`endpoints.revoke:
 * null`, `pop: null`, `grants.implicit: null`). The result is validated by the same schema and cross-field
 * rules as any spec, and the paths it changed are recorded so that a report shows the contract actually checked.
 *
 * Merge rule: objects merge key by key, recursively; arrays and scalars replace; `null` deletes.
 */
import type { ProviderSpec } from './schema.ts';

const overridden = new WeakMap<ProviderSpec, readonly string[]>();

/** The dotted paths an overlay changed in `spec` (empty for a spec loaded as written). */
export function overridesOf(spec: ProviderSpec): readonly string[] {
  return overridden.get(spec) ?? [];
}

/** Records the paths an overlay changed in `spec` (the loader calls this once, before resolving the spec). */
export function recordOverrides(spec: ProviderSpec, paths: readonly string[]): void {
  if (paths.length) overridden.set(spec, [...paths]);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `base` with `overlay` laid over it (see the module comment), and the dotted paths the overlay set or removed:
 * one path per replaced value, never the objects that merely contain one.
 */
export function applyOverlay(base: unknown, overlay: unknown): { merged: unknown; paths: string[] } {
  const paths: string[] = [];
  const merged = merge(base, overlay, '', paths);
  return { merged, paths };
}

function merge(base: unknown, overlay: unknown, path: string, paths: string[]): unknown {
  if (!isPlainObject(overlay) || !isPlainObject(base)) {
    paths.push(path || '(root)');
    return overlay;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    const p = path ? `${path}.${k}` : k;
    if (v === null) {
      if (k in out) paths.push(p);
      delete out[k];
    } else if (isPlainObject(v) && isPlainObject(out[k])) out[k] = merge(out[k], v, p, paths);
    else {
      paths.push(p);
      out[k] = v;
    }
  }
  return out;
}
