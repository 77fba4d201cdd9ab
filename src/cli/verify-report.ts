/**
 * `oauthgate verify-report <out> --key <public pem | jwks>`: checks `<out>/evidence.jws` against the key, then every
 * report file against the signed hashes. Exit 0 when intact; 1 naming each file that changed, vanished or appeared.
 * @see https://www.rfc-editor.org/rfc/rfc7515#section-5.2
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UserError } from '../errors.ts';
import { loadVerifyKey, verifyReport } from '../report/signature.ts';
import type { Command } from './commands.ts';

/** The `verify-report` command. */
export const verifyReportCommand: Command = {
  name: 'verify-report',
  summary: 'check a signed run\'s evidence.jws and that no report file changed since',
  usage: 'verify-report <out-dir> --key <public key PEM | JWKS file>',
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, strict: true, allowPositionals: true, options: { key: { type: 'string' } } });
    if (positionals.length !== 1) throw new UserError(`verify-report: expected one output folder, observed ${positionals.length}\nusage: oauthgate ${verifyReportCommand.usage}`);
    if (!values.key) throw new UserError(`verify-report: expected --key <public key PEM | JWKS file>`);
    const key = loadVerifyKey(resolve(io.cwd, values.key), values.key);
    const dir = resolve(io.cwd, positionals[0]!);
    const r = await verifyReport(dir, key);
    if (!r.ok) {
      for (const p of r.problems) io.stdout.write(`FAIL ${p}\n`);
      io.stdout.write(`${positionals[0]}: not intact (${r.problems.length} problem(s))\n`);
      return 1;
    }
    const m = r.manifest!;
    io.stdout.write(`signature: ${r.header!.alg}, key ${r.header!.kid ?? '(no kid)'}\n`);
    io.stdout.write(`run: ${m.harness.name} ${m.harness.version}, ${m.startedAt} to ${m.finishedAt}\n`);
    for (const s of m.specs) io.stdout.write(`spec: ${s.id} ${s.file} sha256:${s.sha256}\n`);
    io.stdout.write(`${positionals[0]}: intact (${Object.keys(m.files).length} files match the signed hashes)\n`);
    return 0;
  },
};
