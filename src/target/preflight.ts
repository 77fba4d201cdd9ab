/**
 * Preflight: before any suite runs against a live target, one TCP connection to its base URL's origin, bounded
 * by the run's timeout. A target that cannot be reached is reported once, as one failed MUST check
 * (`target.reachable`) and one line "cannot connect to <origin>: <reason>", instead of every suite failing and
 * skipping its way through the same dead socket.
 */
import { connect } from 'node:net';
import type { CheckResult } from '../checks/check.ts';
import { countResults, type SpecRun } from '../runner/engine.ts';

/** Whether the origin accepted a connection, or why not (`ECONNREFUSED`, `ENOTFOUND`, `timeout after 10 s`). */
export type Reachability = { ok: true } | { ok: false; reason: string };

/** Host and port a base URL connects to (default ports by scheme, IPv6 brackets removed). */
export function originOf(baseUrl: string): { origin: string; host: string; port: number } {
  const u = new URL(baseUrl);
  const port = u.port ? Number(u.port) : u.protocol === 'https:' ? 443 : 80;
  return { origin: u.origin, host: u.hostname.replace(/^\[(.*)\]$/, '$1'), port };
}

/** Opens (and closes) one TCP connection to the base URL's origin within `timeoutMs`. */
export function checkReachable(baseUrl: string, timeoutMs: number): Promise<Reachability> {
  const { host, port } = originOf(baseUrl);
  return new Promise((done) => {
    const socket = connect({ host, port });
    const finish = (r: Reachability) => {
      clearTimeout(timer);
      socket.destroy();
      done(r);
    };
    const timer = setTimeout(() => finish({ ok: false, reason: `timeout after ${timeoutMs / 1000} s` }), timeoutMs);
    socket.once('connect', () => finish({ ok: true }));
    socket.once('error', (e: NodeJS.ErrnoException) => finish({ ok: false, reason: e.code ?? e.message }));
  });
}

/** The line printed for an unreachable target: `cannot connect to http://127.0.0.1:1: ECONNREFUSED`. */
export const unreachableLine = (baseUrl: string, reason: string) => `cannot connect to ${originOf(baseUrl).origin}: ${reason}`;

/** The run of a spec whose target could not be reached: one failed MUST check, in place of every suite. */
export function unreachableRun(spec: string, targetLabel: string, baseUrl: string, reason: string): SpecRun {
  const check: CheckResult = {
    id: 'target.reachable',
    suite: 'preflight',
    title: 'The target accepts connections',
    severity: 'MUST',
    status: 'failed',
    reason: unreachableLine(baseUrl, reason),
    requirement: 'harness: the target must be reachable',
    durationMs: 0,
    field: 'connection',
    expected: `a TCP connection to ${originOf(baseUrl).origin}`,
    observed: reason,
  };
  return { spec, target: targetLabel, checks: [check], counts: countResults([check]), durationMs: 0 };
}
