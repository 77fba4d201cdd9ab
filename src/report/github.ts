/**
 * GitHub Actions workflow commands (`::error` / `::warning` lines), printed by the terminal reporter when
 * `GITHUB_ACTIONS=true`: a failure that fails the gate is an error, a failure below the gate's threshold or accepted
 * by the baseline is a warning, and so are the baseline's own warnings; an expired baseline entry is an error.
 * @see https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions
 */
import type { Redactor } from '../redact.ts';
import { acceptedEntry, failsThreshold, type GatedSummary } from './gate.ts';

/** Escapes a workflow command's message (`%`, CR, LF). */
export const escapeData = (s: string): string => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** Escapes a workflow command's property value (also `:` and `,`). */
export const escapeProperty = (s: string): string => escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** One annotation line. */
export function annotation(level: 'error' | 'warning', title: string, message: string, red: Redactor): string {
  return `::${level} title=${escapeProperty(red.redact(title))}::${escapeData(red.redact(message))}`;
}

/** The annotation lines of a run: one per failed check, and one per gate warning or error. */
export function annotations(summary: GatedSummary, red: Redactor): string[] {
  const failOn = summary.gate?.failOn ?? 'must';
  const out: string[] = [];
  for (const run of summary.runs) {
    for (const r of run.checks) {
      if (r.status !== 'failed') continue;
      const accepted = acceptedEntry(summary, run.spec, r.id);
      const gating = failsThreshold(r, failOn) && !accepted;
      const msg = `${accepted ? `accepted until ${accepted.expires} (${accepted.reason}): ` : ''}${r.reason ?? r.title} [${r.requirement}]`;
      out.push(annotation(gating ? 'error' : 'warning', `${run.spec} ${r.severity} ${r.id}`, msg, red));
    }
  }
  for (const w of summary.gate?.warnings ?? []) out.push(annotation('warning', 'oauthgate baseline', w, red));
  for (const e of summary.gate?.errors ?? []) out.push(annotation('error', 'oauthgate baseline', e, red));
  return out;
}
