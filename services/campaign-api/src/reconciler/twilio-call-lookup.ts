import { decryptSecret } from '@dialer/platform';
import type { ConnectionRow } from './reconciler.repository';

/** A call at Twilio, as its Calls list answers it. */
export interface TwilioListedCall {
  sid: string;
  status: string;
  answeredBy: string | null;
  durationSeconds: number | null;
  createdAt: Date;
}

/**
 * Twilio has no idempotency key, so an attempt whose worker died before the provider's answer is
 * found by listing the account's calls to the number since the attempt's day
 * (`GET /2010-04-01/Accounts/{sid}/Calls.json?To=…&StartTime>=YYYY-MM-DD`) and keeping those created
 * at or after the attempt (less a small clock skew).
 */
export async function listTwilioCallsTo(
  conn: ConnectionRow, secretsKey: string, to: string, since: Date, timeoutMs = 5_000,
): Promise<TwilioListedCall[]> {
  const accountSid = String(conn.config.accountSid ?? '');
  const { authToken } = JSON.parse(decryptSecret(conn.secretsSealed, secretsKey)) as { authToken?: string };
  const base = (conn.baseUrl ?? 'https://api.twilio.com').replace(/\/+$/, '');
  const query = new URLSearchParams({ To: to, PageSize: '100' });
  const url = `${base}/2010-04-01/Accounts/${encodeURIComponent(accountSid)}/Calls.json?${query.toString()}&StartTime>=${since.toISOString().slice(0, 10)}`;
  const res = await fetch(url, {
    headers: { Authorization: `Basic ${Buffer.from(`${accountSid}:${authToken ?? ''}`).toString('base64')}` },
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`Twilio Calls list answered ${res.status}`);
  const body = (await res.json()) as { calls?: Array<Record<string, unknown>> };
  const skewMs = 5_000;
  return (body.calls ?? [])
    .map((c) => ({
      sid: String(c.sid),
      status: String(c.status),
      answeredBy: typeof c.answered_by === 'string' ? c.answered_by : null,
      durationSeconds: c.duration === null || c.duration === undefined ? null : Number(c.duration),
      createdAt: new Date(String(c.date_created)),
    }))
    .filter((c) => c.createdAt.getTime() >= since.getTime() - skewMs)
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}
