/**
 * The suite registry, in run order. Each suite is one concern; `oauthgate run --suite <name>` selects by name.
 */
import type { SuiteDef } from '../src/runner/suite.ts';
import tokenEndpoint from './token-endpoint.ts';
import grantTypes from './grant-types.ts';
import authorizationCode from './authorization-code.ts';
import resource from './resource.ts';
import scope from './scope.ts';
import redirectUri from './redirect-uri.ts';
import pkce from './pkce.ts';
import requestSyntax from './request-syntax.ts';
import expiry from './expiry.ts';
import rotation from './rotation.ts';
import revocation from './revocation.ts';
import pop from './pop.ts';
import dpop from './dpop.ts';
import issuedJwt from './issued-jwt.ts';
import fuzz from './fuzz.ts';

export const SUITES: SuiteDef[] = [tokenEndpoint, requestSyntax, grantTypes, authorizationCode, scope, resource, redirectUri, pkce, expiry, rotation, revocation, pop, dpop, issuedJwt, fuzz];

/** Looks up suites by name; returns the unknown names separately. */
export function selectSuites(names: string[]): { suites: SuiteDef[]; unknown: string[] } {
  if (names.length === 0) return { suites: SUITES, unknown: [] };
  const unknown = names.filter((n) => !SUITES.some((s) => s.name === n));
  return { suites: SUITES.filter((s) => names.includes(s.name)), unknown };
}
