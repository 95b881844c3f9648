import { isUuid } from '@dialer/platform';
import type { IncomingWebhook } from './adapter';

/** One header's value (first of several), by case-insensitive name. */
export function headerOf(h: IncomingWebhook['headers'], name: string): string | undefined {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** `${base}/v1/webhooks/<type>/<connection>[/<token>]?attemptId=<attempt>`: the paths webhook-ingest serves. */
export function webhookUrl(base: string, type: string, connectionId: string, callAttemptId: string, token?: string): string {
  const root = `${base.replace(/\/+$/, '')}/v1/webhooks/${type}/${encodeURIComponent(connectionId)}`;
  const withToken = token ? `${root}/${encodeURIComponent(token)}` : root;
  return `${withToken}?attemptId=${encodeURIComponent(callAttemptId)}`;
}

/** A finite, non-negative whole number of seconds, or null. */
export function seconds(v: unknown): number | null {
  if (v === undefined || v === null || v === '') return null;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? Math.round(n) : null;
}

/** A date from an ISO/RFC string or epoch milliseconds; `fallback` when absent or invalid. */
export function dateOr(v: unknown, fallback: Date): Date {
  if (typeof v === 'number') return new Date(v);
  if (typeof v === 'string' && v !== '') {
    const d = new Date(v);
    if (Number.isFinite(d.getTime())) return d;
  }
  return fallback;
}

export function uuidOrNull(v: unknown): string | null {
  return isUuid(v) ? v : null;
}
