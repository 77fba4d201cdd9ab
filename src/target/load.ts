/**
 * Target files: a live server to check, with its credentials. Values may be `${ENV}` references so that
 * secrets never have to sit in the file; `popPrivateKey` is a path to a PEM file, relative to the target file.
 */
import { readFileSync, existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { createPrivateKey } from 'node:crypto';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { UserError } from '../errors.ts';
import { didYouMean } from '../cli/suggest.ts';
import { formatIssues, listBundledSpecIds, loadSpec, overlaySpec, type LoadedSpec } from '../spec/load.ts';
import { readInputFile, yamlToJs } from '../io/input-file.ts';
import type { Redactor } from '../redact.ts';
import { resolveSpec } from '../spec/resolve.ts';
import type { Target } from './target.ts';

/** The target-file schema. */
export const TargetFile = z
  .object({
    spec: z.string().min(1).describe('Bundled spec id, or a path relative to this file.'),
    baseUrl: z.string().url().refine((u) => /^https?:/.test(u), 'expected an http(s) URL'),
    clientId: z.string().min(1),
    clientSecret: z.string().min(1).optional().describe('Client secret; may be left out only where the spec lists the `none` method (a public client, RFC 6749 §2.1).'),
    username: z.string().optional(),
    password: z.string().optional(),
    popPrivateKey: z.string().optional().describe('Path to the PEM (PKCS#8) private key for TAAP PoP tokens.'),
    redirectUri: z.string().url().optional(),
    headers: z.record(z.string(), z.string()).default({}),
    endpoints: z.object({ token: z.string(), authorize: z.string().nullable(), revoke: z.string().nullable(), resource: z.string() }).partial().strict().default({})
      .describe('Paths on this server that differ from the spec\'s; `revoke: null` or `authorize: null`: the server has no such endpoint.'),
    overrides: z.record(z.string(), z.unknown()).optional()
      .describe('Spec fields this server differs in, laid over the spec (objects merge, values replace, null turns an optional part off); validated by the spec schema.'),
    waitBudgetSeconds: z.number().int().nonnegative().default(0),
    autoConsent: z.boolean().default(false).describe('The authorize endpoint redirects without a human (test servers).'),
    issuer: z.string().optional(),
    jwksUri: z.string().url().optional(),
  })
  .strict();
export type TargetFile = z.infer<typeof TargetFile>;

const SECRET_KEYS = new Set(['clientSecret', 'password']);

/** Replaces `${NAME}` with environment values; a missing variable is a user error naming the field. */
function interpolate(node: unknown, path: string[], file: string, env: NodeJS.ProcessEnv, problems: string[], redactor?: Redactor): unknown {
  if (typeof node === 'string') {
    const fromEnv = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/.test(node);
    const out = node.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_m, name: string) => {
      const v = env[name];
      if (v === undefined) {
        problems.push(`${file}: ${path.join('.')}: environment variable ${name} is not set`);
        return '';
      }
      return v;
    });
    if (fromEnv || SECRET_KEYS.has(path.at(-1) ?? '')) if (SECRET_KEYS.has(path.at(-1) ?? '') || /authorization|secret|token|key/i.test(path.at(-1) ?? '')) redactor?.add(out);
    return out;
  }
  if (Array.isArray(node)) return node.map((n, i) => interpolate(n, [...path, String(i)], file, env, problems, redactor));
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolate(v, [...path, k], file, env, problems, redactor)]));
  }
  return node;
}

/** Checks the target's `spec` field names a bundled id or an existing file; a problem names the target file and field. */
function specField(value: string, ref: string, path: string): string {
  const isPath = value.includes('/') || value.endsWith('.yaml') || value.endsWith('.yml');
  if (isPath && !existsSync(ref)) throw new UserError(`${path}: spec: spec file not found: ${value}`);
  if (!isPath && !listBundledSpecIds().includes(value)) throw new UserError(`${path}: spec: unknown spec id "${value}"${didYouMean(value, listBundledSpecIds())} (bundled: ${listBundledSpecIds().join(', ')})`);
  return ref;
}

/** A loaded live target and the spec it names. */
export interface LoadedTarget {
  target: Target;
  spec: LoadedSpec;
  file: string;
  jwksUri?: string;
}

/** Reads, interpolates and validates a target file. Throws {@link UserError} with one line per problem. */
export function loadTargetFile(path: string, opts: { env?: NodeJS.ProcessEnv; redactor?: Redactor; cwd?: string } = {}): LoadedTarget {
  const file = resolve(opts.cwd ?? process.cwd(), path);
  const doc = parseDocument(readInputFile(file, path, 'target'), { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length) throw new UserError(doc.errors.map((e) => `${path}: line ${e.linePos?.[0]?.line ?? '?'}: YAML: ${e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '')}`));
  const problems: string[] = [];
  const raw = interpolate(yamlToJs(doc, path), [], path, opts.env ?? process.env, problems, opts.redactor);
  if (problems.length) throw new UserError(problems);
  const parsed = TargetFile.safeParse(raw);
  if (!parsed.success) throw new UserError(formatIssues(path, parsed.error.issues, { schema: TargetFile }));
  const t = parsed.data;
  const specRef = t.spec.includes('/') || t.spec.endsWith('.yaml') ? resolve(dirname(file), t.spec) : t.spec;
  const spec = withOverrides(loadSpec(specField(t.spec, specRef, path)), t, path);
  let popPrivateKey;
  if (t.popPrivateKey) {
    const keyPath = resolve(dirname(file), t.popPrivateKey);
    try {
      const pem = readFileSync(keyPath, 'utf8');
      opts.redactor?.add(pem);
      popPrivateKey = createPrivateKey(pem);
    } catch (e) {
      throw new UserError(`${path}: popPrivateKey: cannot read a PEM private key from ${t.popPrivateKey} (${(e as NodeJS.ErrnoException).code ?? 'invalid key'})`);
    }
  } else if (spec.spec.pop?.profile === 'taap') {
    throw new UserError(`${path}: popPrivateKey: expected a PEM file path, because spec "${spec.spec.id}" requires TAAP PoP tokens`);
  }
  if (t.clientSecret === undefined && resolveSpec(spec.spec).clientAuth.secretRequired) {
    throw new UserError(`${path}: clientSecret: expected a client secret, because spec "${spec.spec.id}" does not list the "none" client authentication method (public clients)`);
  }
  for (const s of [t.clientSecret, t.password]) opts.redactor?.add(s);
  const target: Target = {
    kind: 'live',
    label: new URL(t.baseUrl).origin,
    baseUrl: t.baseUrl,
    clientId: t.clientId,
    ...(t.clientSecret !== undefined ? { clientSecret: t.clientSecret } : {}),
    ...(t.username !== undefined ? { username: t.username } : {}),
    ...(t.password !== undefined ? { password: t.password } : {}),
    ...(t.redirectUri ? { redirectUri: t.redirectUri } : spec.spec.redirectUri ? { redirectUri: spec.spec.redirectUri.registered } : {}),
    headers: t.headers,
    endpoints: endpointPaths(t.endpoints),
    ...(popPrivateKey ? { popPrivateKey } : {}),
    ...(t.issuer ? { issuer: t.issuer } : {}),
    waitBudgetSeconds: t.waitBudgetSeconds,
    autoConsent: t.autoConsent,
    now: () => Math.floor(Date.now() / 1000),
  };
  return { target, spec, file, ...(t.jwksUri ? { jwksUri: t.jwksUri } : {}) };
}

/**
 * The target's spec with its `overrides`, and endpoints it turns off (`endpoints.revoke: null`), laid over the
 * spec; problems name the target file and `overrides.<field>`.
 */
function withOverrides(loaded: LoadedSpec, t: TargetFile, path: string): LoadedSpec {
  const off = Object.entries(t.endpoints).filter(([, v]) => v === null).map(([k]) => k);
  if (!t.overrides && off.length === 0) return loaded;
  const overrides: Record<string, unknown> = { ...(t.overrides ?? {}) };
  if (off.length) {
    const ep = overrides.endpoints;
    overrides.endpoints = { ...(ep && typeof ep === 'object' && !Array.isArray(ep) ? ep : {}), ...Object.fromEntries(off.map((k) => [k, null])) };
  }
  return { ...loaded, spec: overlaySpec(loaded.spec, overrides, path) };
}

/** Endpoint path overrides without the ones turned off. */
function endpointPaths(e: TargetFile['endpoints']): Partial<Record<'token' | 'authorize' | 'revoke' | 'resource', string>> {
  return Object.fromEntries(Object.entries(e).filter((kv): kv is [string, string] => typeof kv[1] === 'string'));
}
