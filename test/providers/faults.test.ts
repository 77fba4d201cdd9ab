/**
 * Faults are named patches of the mock's behaviour: each changes the clean behaviour of some bundled spec (none
 * is a silent no-op everywhere), leaves the clean behaviour itself untouched, and `accept-missing-parameter`
 * lets a missing parameter through without also accepting a wrong one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { isDeepStrictEqual } from 'node:util';
import { FAULTS, FAULT_NAMES, FAULT_PATCHES, applyFaults } from '../../providers/faults.ts';
import { cleanBehaviour } from '../../providers/behaviour.ts';
import { loadAllSpecs, loadSpec } from '../../src/spec/load.ts';
import { resolveSpec } from '../../src/spec/resolve.ts';
import { startMockServer, type MockServer } from '../../providers/mock-server.ts';
import { HttpClient, formEncode } from '../../src/http/client.ts';

const cleans = loadAllSpecs().map(({ spec }) => cleanBehaviour(resolveSpec(spec)));
const http = new HttpClient({ timeoutMs: 5000 });
const mocks: MockServer[] = [];
afterAll(async () => {
  await Promise.all(mocks.map((m) => m.close()));
  await http.close();
});

describe('fault patches', () => {
  it('every fault has a description and a patch, and no patch without a fault', () => {
    expect(Object.keys(FAULT_PATCHES).sort()).toEqual([...FAULT_NAMES].sort());
    for (const f of FAULT_NAMES) expect(FAULTS[f].length).toBeGreaterThan(10);
  });

  it.each(FAULT_NAMES)('%s changes the behaviour of some bundled spec and leaves the clean one as it was', (f) => {
    const changed = cleans.filter((b) => {
      const before = structuredClone({ ...b, documents: undefined });
      const patched = FAULT_PATCHES[f](b);
      const after = structuredClone({ ...b, documents: undefined });
      // toEqual only on a difference (780 deep comparisons): isDeepStrictEqual is the stricter, so verdicts are the same.
      if (!isDeepStrictEqual(after, before)) expect(after).toEqual(before);
      return !isDeepStrictEqual({ ...patched, documents: undefined }, { ...b, documents: undefined });
    });
    expect(changed.length, `${f} is a no-op on every bundled spec`).toBeGreaterThan(0);
  });

  it('applies several faults in order', () => {
    const b = applyFaults(cleans[0]!, ['no-cache-control', 'error-200']);
    expect(b.token.cacheControl).toBeUndefined();
    expect(b.response.errorStatus).toBe(200);
  });
});

describe('accept-missing-parameter', () => {
  it('lets a missing password through but still refuses a wrong one (tangoe, password grant)', async () => {
    const m = await startMockServer({ spec: loadSpec('tangoe').spec, faults: ['accept-missing-parameter'] });
    mocks.push(m);
    const c = m.credentials;
    const token = (fields: Record<string, string | undefined>) => http.send({
      method: 'POST', url: `${m.url}/oauth/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...c.headers },
      body: formEncode({ grant_type: 'password', client_id: c.clientId, client_secret: c.clientSecret, username: c.username, ...fields }),
    });
    expect((await token({ password: undefined })).status).toBe(200);
    const wrong = await token({ password: `${c.password}x` });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toMatchObject({ error: 'invalid_grant' });
  });
});
