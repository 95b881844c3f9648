import { createHmac } from 'node:crypto';

/**
 * provider-sim's own X-Twilio-Signature, written independently of @dialer/providers so that tests
 * cross-check two implementations: base64(HMAC-SHA1(authToken, url + for each POST parameter,
 * sorted by name, its name followed by its value)).
 * https://www.twilio.com/docs/usage/security#validating-requests
 */
export function signTwilioCallback(authToken: string, url: string, params: ReadonlyArray<readonly [string, string]>): string {
  const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const hmac = createHmac('sha1', authToken);
  hmac.update(url, 'utf8');
  for (const [name, value] of sorted) hmac.update(name + value, 'utf8');
  return hmac.digest('base64');
}
