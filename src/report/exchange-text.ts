/**
 * Evidence as HTTP-like text, for the reports that show it to people (Markdown, Allure attachments). The evidence is
 * already redacted; callers redact the text again on the way out.
 * @see https://www.rfc-editor.org/rfc/rfc9110#section-6
 */
import type { Evidence } from './evidence.ts';

/** The request line, headers and body excerpt. */
export function requestText(e: Evidence): string {
  const lines = [`${e.method} ${e.url}`];
  for (const [k, v] of Object.entries(e.requestHeaders)) lines.push(`${k}: ${v}`);
  if (e.requestBody) lines.push('', e.requestBody);
  return lines.join('\n');
}

/** The status line, headers and body excerpt, or why no response came. */
export function responseText(e: Evidence): string {
  if (e.failure) return `(no response: ${e.failure.code} ${e.failure.message})`;
  const lines = [`HTTP ${e.status}`];
  for (const [k, v] of Object.entries(e.responseHeaders)) lines.push(`${k}: ${v}`);
  if (e.responseBody) lines.push('', e.responseBody);
  if (e.responseBodyLength !== undefined) lines.push(`(body of ${e.responseBodyLength} characters, cut)`);
  return lines.join('\n');
}

/** Request and response together. */
export const exchangeText = (e: Evidence): string => `${requestText(e)}\n\n${responseText(e)}`;
