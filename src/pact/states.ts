/**
 * Provider-state handlers: before each interaction the verifier asks for its states, and these obtain what the
 * interaction needs from the real target through the harness's own steps — an access token, a refresh token, an
 * authorization code. Handlers are keyed by the state sentences of {@link STATE}; a consumer's state naming a
 * concrete value ("client abc exists") finds the handler of its template ("client {clientId} exists").
 * @see https://docs.pact.io/getting_started/provider_states
 */
import { Unavailable, type SuiteContext } from '../runner/suite.ts';
import { obtainCode, obtainToken } from '../steps/requests.ts';
import { obtainRefreshableToken } from '../steps/refresh.ts';
import { STATE } from './contracts.ts';
import type { RealValues } from './placeholders.ts';

type JsonMap = Record<string, string>;

/** Why a provider state could not be set up. */
export interface StateFailure {
  reason: string;
  /** The harness could not attempt it (the target allows no automatic consent, has no key...). */
  unavailable: boolean;
}
type Handler = { setup: (params?: unknown) => Promise<JsonMap>; teardown: () => Promise<JsonMap> };

/** What the states of the current interaction obtained, plus why a state could not be set up. */
export class StateStore {
  accessToken?: string;
  refreshToken?: string;
  code?: string;
  /**
   * States whose setup failed: the reason, and whether the harness could not even attempt it (no consent, no key:
   * `Unavailable`, which blames nobody) rather than the server failing it.
   */
  readonly failures = new Map<string, StateFailure>();

  constructor(readonly t: SuiteContext) {}

  /** Credentials and state values for the request filter. */
  values(): RealValues {
    const { target } = this.t;
    return {
      clientId: target.clientId, headers: target.headers,
      ...(target.clientSecret !== undefined ? { clientSecret: target.clientSecret } : {}),
      ...(target.username !== undefined ? { username: target.username } : {}),
      ...(target.password !== undefined ? { password: target.password } : {}),
      ...(this.accessToken ? { accessToken: this.accessToken } : {}),
      ...(this.refreshToken ? { refreshToken: this.refreshToken } : {}),
      ...(this.code ? { code: this.code } : {}),
    };
  }
}

/** The state handlers for a verification, as an object the pact-js proxy indexes by state name. */
export function stateHandlers(store: StateStore): Record<string, Handler> {
  const { t } = store;
  const guarded = (name: string, setup: () => Promise<JsonMap>, teardown: () => void = () => {}): Handler => ({
    setup: async () => {
      try {
        store.failures.delete(name);
        return await setup();
      } catch (e) {
        store.failures.set(name, { reason: t.redactor.redact(e instanceof Error ? e.message : String(e)), unavailable: e instanceof Unavailable });
        return {};
      }
    },
    teardown: async () => {
      teardown();
      return {};
    },
  });
  const handlers: Record<string, Handler> = {
    [STATE.clientExists]: guarded(STATE.clientExists, async () => {
      if (!t.target.clientId || !t.target.clientSecret) throw new Error('the target has no client credentials');
      return { clientId: t.target.clientId };
    }),
    [STATE.clientUnknown]: guarded(STATE.clientUnknown, async () => ({})),
    [STATE.accessToken]: guarded(STATE.accessToken, async () => {
      const tok = await obtainToken(t);
      store.accessToken = tok.accessToken;
      return { accessToken: tok.accessToken };
    }, () => { store.accessToken = undefined; }),
    [STATE.refreshToken]: guarded(STATE.refreshToken, async () => {
      const tok = await obtainRefreshableToken(t);
      store.refreshToken = tok.refreshToken;
      store.accessToken = tok.accessToken;
      return { refreshToken: tok.refreshToken, accessToken: tok.accessToken };
    }, () => { store.refreshToken = undefined; store.accessToken = undefined; }),
    [STATE.code]: guarded(STATE.code, async () => {
      // The contract redeems the code with `code` alone, so it is requested without PKCE (RFC 9700 §2.1.1 lets a
      // confidential client omit it; a spec with pkce: required can't be covered by this state yet).
      const { code } = await obtainCode(t, { pkce: 'none' });
      store.code = code;
      return { code };
    }, () => { store.code = undefined; }),
  };
  return new Proxy(handlers, {
    get(target, name) {
      if (typeof name !== 'string') return undefined;
      return target[name] ?? target[templateOf(name, Object.keys(target)) ?? ''];
    },
  });
}

/** The template a concrete state name instantiates: "client abc exists" -> "client {clientId} exists". */
export function templateOf(name: string, templates: string[]): string | undefined {
  return templates.find((tpl) => {
    if (!tpl.includes('{')) return false;
    const re = new RegExp(`^${tpl.split(/\{[^}]+\}/).map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.+')}$`);
    return re.test(name);
  });
}
