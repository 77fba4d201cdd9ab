/**
 * `oauthgate mock` as its own process for the benchmarks: started on port 0 with a credentials file, resolved
 * once it says where it listens, with the client credentials it wrote.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

export interface MockProcess {
  child: ChildProcess;
  url: string;
  creds: { clientId: string; clientSecret: string };
}

/** Starts `oauthgate mock --spec <specId>` (`nodeArgs` before the script, e.g. `--expose-gc`). */
export async function startMockProcess(specId: string, nodeArgs: string[] = []): Promise<MockProcess> {
  const credFile = join(mkdtempSync(join(tmpdir(), 'oauthgate-bench-mock-')), 'target.yaml');
  const child = spawn(process.execPath, [...nodeArgs, 'bin/oauthgate.mjs', 'mock', '--spec', specId, '--port', '0', '--credentials-file', credFile], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += String(d);
      const m = /listening on (http:\/\/\S+)[\s\S]*Ctrl-C stops it\./.exec(out);
      if (m) resolve(m[1]!);
    });
    child.on('exit', (code) => reject(new Error(`the mock exited ${code}: ${out}`)));
  });
  return { child, url, creds: parse(readFileSync(credFile, 'utf8')) as MockProcess['creds'] };
}
