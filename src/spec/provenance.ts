/**
 * Where a spec value comes from. Every section of a provider spec is traced (src/spec/schema.ts): a citation of
 * a provider document line (`source`), the standard it follows (`standard`), or a stated `assumption`. A section
 * may carry both a citation and an assumption; then `assumed` names the fields that rest on the assumption.
 * A target file's `overrides` (src/spec/overlay.ts) are the user's own statement about their server.
 *
 * Checks judging a value that is only an assumption fail at most as SHOULD (issue 8 item 5): a server that differs
 * from an assumption has not broken a documented rule. {@link fieldProvenance} is the one place that decides.
 * @see https://www.rfc-editor.org/rfc/rfc2119
 */
import type { ProviderSpec } from './schema.ts';
import { overridesOf } from './overlay.ts';

/** The kind of basis a spec value has. */
export type ProvenanceKind = 'source' | 'standard' | 'assumption' | 'override' | 'untraced';

/** Where one spec value comes from. */
export interface Provenance {
  kind: ProvenanceKind;
  /** The dotted path asked about. */
  path: string;
  /** The assumption's text, when the kind is `assumption`. */
  assumption?: string;
  /** The standard, when the kind is `standard`. */
  standard?: string;
}

interface Traced {
  source?: unknown;
  standard?: string;
  assumption?: string;
  assumed?: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isTraced = (v: unknown): v is Traced & Record<string, unknown> => isObject(v) && ('source' in v || 'standard' in v || 'assumption' in v);

/**
 * The provenance of the value at dotted `path` in `spec` (`refresh.invalidatesOldAccessToken`, `pop.requiredParts`,
 * `errors.cases.invalid_scope.status`): the deepest traced section on the path decides. A field listed in that
 * section's `assumed`, or any field of a section traced by an assumption alone, is an `assumption`; otherwise a
 * citation makes it `source`, else a standard makes it `standard`. A path a target's overlay set is `override`.
 */
export function fieldProvenance(spec: ProviderSpec, path: string): Provenance {
  const overridden = overridesOf(spec);
  if (overridden.some((p) => p === path || path.startsWith(`${p}.`))) return { kind: 'override', path };
  const parts = path.split('.');
  let node: unknown = spec;
  let section: Traced | undefined;
  let fieldInSection: string | undefined;
  for (const part of parts) {
    if (!isObject(node)) break;
    node = node[part];
    if (isTraced(node)) {
      section = node;
      fieldInSection = undefined;
    } else if (section && fieldInSection === undefined) fieldInSection = part;
  }
  if (!section) return { kind: 'untraced', path };
  const assumedHere = section.assumption !== undefined
    && ((section.source === undefined && section.standard === undefined) || (fieldInSection !== undefined && (section.assumed ?? []).includes(fieldInSection)));
  if (assumedHere) return { kind: 'assumption', path, assumption: section.assumption! };
  if (section.source !== undefined) return { kind: 'source', path };
  if (section.standard !== undefined) return { kind: 'standard', path, standard: section.standard };
  return { kind: 'untraced', path };
}

/** The first of `paths` whose value is only an assumption of the spec, if any. */
export function firstAssumption(spec: ProviderSpec, paths: readonly string[]): Provenance | undefined {
  for (const p of paths) {
    const prov = fieldProvenance(spec, p);
    if (prov.kind === 'assumption') return prov;
  }
  return undefined;
}
