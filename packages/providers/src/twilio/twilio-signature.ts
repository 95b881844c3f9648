import { createHmac } from 'node:crypto';
import { safeEqual } from '@dialer/platform';

/**
 * Twilio's X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + each POST param name and value,
 * params sorted by name)). See https://www.twilio.com/docs/usage/security#validating-requests
 */
export function twilioSignature(authToken: string, url: string, params: Record<string, unknown>): string {
  let data = url;
  for (const name of Object.keys(params).sort()) {
    const v = params[name];
    const values = Array.isArray(v) ? v : [v];
    for (const item of values) data += name + (item === undefined || item === null ? '' : String(item));
  }
  return createHmac('sha1', authToken).update(Buffer.from(data, 'utf-8')).digest('base64');
}

/** Twilio may sign the URL with or without the default port; accept either, as its own helpers do. */
function urlVariants(url: string): string[] {
  const u = new URL(url);
  const variants = new Set([url]);
  const defaultPort = u.protocol === 'https:' ? '443' : '80';
  if (u.port) {
    const without = new URL(url);
    without.port = '';
    variants.add(without.toString());
  } else {
    const host = `${u.hostname}:${defaultPort}`;
    variants.add(url.replace(u.host, host));
  }
  return [...variants];
}

export function verifyTwilioSignature(authToken: string, url: string, params: Record<string, unknown>, signature: string | undefined): boolean {
  if (!signature) return false;
  return urlVariants(url).some((v) => safeEqual(twilioSignature(authToken, v, params), signature));
}
