/**
 * A target: the server a run checks, with the credentials to talk to it. Either a built-in mock (with a
 * clock the suites can move) or a live server described by a target file.
 */
import type { KeyObject } from 'node:crypto';
import type { JWK } from 'jose';

export interface Target {
  kind: 'mock' | 'live';
  /** How the target appears in reports (never contains secrets). */
  label: string;
  baseUrl: string;
  clientId: string;
  /** Absent for a public client (RFC 6749 §2.1): the spec lists `none` and the target file gives no secret. */
  clientSecret?: string;
  username?: string;
  password?: string;
  redirectUri?: string;
  /** Headers sent with every call (Tangoe's tenant header, for instance). */
  headers: Record<string, string>;
  /** Path overrides for token, authorize, revoke and resource. */
  endpoints: Partial<Record<'token' | 'authorize' | 'revoke' | 'resource', string>>;
  /** Private key for TAAP PoP tokens. */
  popPrivateKey?: KeyObject;
  /** Keys that sign issued JWTs, when known. */
  jwks?: { keys: JWK[] };
  /** Expected issuer of issued JWTs, when known. */
  issuer?: string;
  /** Longest real wait a live run may spend on one expiry check, in seconds. */
  waitBudgetSeconds: number;
  /** Whether the authorize endpoint redirects without a human (mocks do; test servers may). */
  autoConsent: boolean;
  /** Moves the target's clock (mocks only). */
  advanceClock?: (seconds: number) => void;
  /** The target's notion of now, epoch seconds (a mock's clock; real time for live targets). */
  now: () => number;
}
