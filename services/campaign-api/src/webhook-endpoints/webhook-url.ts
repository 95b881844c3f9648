import { isIP } from 'node:net';
import { AppError, isPrivateAddress } from '@dialer/platform';

const LOCAL_HOSTS = new Set(['localhost', '127.0.0.1', '::1']);

/**
 * Whether an endpoint URL may be saved: https in production (and not a private address written as
 * an IP); outside production https anywhere or http to localhost. The delivery worker checks the
 * address again at connect time (the SSRF guard): a name can resolve elsewhere later.
 */
export function checkWebhookUrl(url: string, production: boolean): void {
  const u = new URL(url);
  const host = u.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const bad = (message: string): AppError =>
    new AppError('validation_failed', `request body is invalid: url ${message}`, { status: 400, details: [{ field: 'url', reason: message }] });
  if (u.username || u.password) throw bad('must not carry a user name or password');
  if (production) {
    if (u.protocol !== 'https:') throw bad('must use https');
    if (LOCAL_HOSTS.has(host) || (isIP(host) && isPrivateAddress(host))) throw bad('must not point to a private, loopback or link-local address');
    return;
  }
  if (u.protocol !== 'https:' && !LOCAL_HOSTS.has(host)) throw bad('must use https (http is allowed only to localhost outside production)');
}
