/**
 * The provider-spec schema as JSON Schema (draft 2020-12), for editors: specs/schema.json is generated from
 * {@link ProviderSpec} with `npm run schema`, and a test keeps the two in step.
 * @see https://json-schema.org/draft/2020-12
 */
import { z } from 'zod';
import { ProviderSpec } from './schema.ts';

/** JSON Schema of a provider spec file (input form: defaults are optional). */
export function specJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ProviderSpec, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://oauthgate.dev/schema/provider-spec.json',
    title: 'oauthgate provider spec',
    description: 'A provider\'s OAuth 2.0 token-endpoint contract, every value traced to a document line, an RFC section or a stated assumption.',
  };
}
