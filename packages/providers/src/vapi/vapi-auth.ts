import { createHmac } from 'node:crypto';
import { safeEqual } from '@dialer/platform';
import type { IncomingWebhook } from '../adapter';
import { headerOf } from '../webhook-util';

/**
 * How a Vapi connection's server-URL requests prove they come from Vapi.
 * - `secret` / `bearer`: the shared secret in `X-Vapi-Secret` or `Authorization: Bearer <secret>`
 *   (Vapi's `server.secret` and Bearer Token custom credential). Either header is accepted.
 * - `hmac`: Vapi's HMAC custom credential: HMAC(secret, payloadFormat) in `signatureHeader`.
 * https://docs.vapi.ai/server-url/server-authentication
 */
export interface VapiHmacSettings {
  /** `sha256` (default), `sha512` or `sha1`. */
  algorithm?: 'sha256' | 'sha512' | 'sha1';
  /** Header carrying the signature; Vapi's default `x-signature`. */
  signatureHeader?: string;
  /** Header carrying the timestamp; Vapi's default `x-timestamp`. */
  timestampHeader?: string;
  /** What is signed; Vapi's default `{timestamp}.{body}` (`{body}` alone when no timestamp is included). */
  payloadFormat?: string;
  /** Whether the timestamp is part of the payload (Vapi's default true). */
  includeTimestamp?: boolean;
  /** Prefix of the signature value, e.g. `sha256=`. */
  signaturePrefix?: string;
  /** `hex` (default) or `base64`. */
  signatureEncoding?: 'hex' | 'base64';
  /** Oldest accepted timestamp, in seconds from now (replay window); default 300. */
  toleranceSeconds?: number;
}

export interface VapiWebhookAuth {
  mode: 'secret' | 'hmac';
  hmac?: VapiHmacSettings;
}

/** Signs a body as Vapi's HMAC credential would (used by provider-sim and tests). */
export function vapiHmacSignature(secret: string, rawBody: string, timestamp: string | null, s: VapiHmacSettings = {}): string {
  const includeTs = s.includeTimestamp ?? true;
  const format = s.payloadFormat ?? (includeTs ? '{timestamp}.{body}' : '{body}');
  const payload = format.replace('{timestamp}', timestamp ?? '').replace('{body}', rawBody);
  const digest = createHmac(s.algorithm ?? 'sha256', secret).update(payload, 'utf8').digest(s.signatureEncoding ?? 'hex');
  return `${s.signaturePrefix ?? ''}${digest}`;
}

export function verifyVapiWebhook(hook: IncomingWebhook, secret: string, auth: VapiWebhookAuth, now: () => number = Date.now): boolean {
  if (!secret) return false;
  if (auth.mode === 'hmac') {
    const s = auth.hmac ?? {};
    const signature = headerOf(hook.headers, s.signatureHeader ?? 'x-signature');
    if (!signature || hook.rawBody === undefined) return false;
    const includeTs = s.includeTimestamp ?? true;
    const timestamp = includeTs ? headerOf(hook.headers, s.timestampHeader ?? 'x-timestamp') ?? null : null;
    if (includeTs) {
      if (!timestamp) return false;
      const ts = Number(timestamp);
      const ms = ts > 1e12 ? ts : ts * 1000;
      if (!Number.isFinite(ms) || Math.abs(now() - ms) > (s.toleranceSeconds ?? 300) * 1000) return false;
    }
    return safeEqual(vapiHmacSignature(secret, hook.rawBody, timestamp, s), signature);
  }
  const given = headerOf(hook.headers, 'x-vapi-secret');
  if (given !== undefined) return safeEqual(given, secret);
  const bearer = headerOf(hook.headers, 'authorization');
  const m = bearer ? /^Bearer\s+(.+)$/i.exec(bearer) : null;
  return m?.[1] !== undefined && safeEqual(m[1].trim(), secret);
}
