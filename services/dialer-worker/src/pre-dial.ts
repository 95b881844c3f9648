import { randomUUID } from 'node:crypto';
import axios, { type AxiosInstance } from 'axios';
import { Webhook } from 'standardwebhooks';
import type { PreDialHook } from '@dialer/db';
import { decryptSecret, outboundAgents, type OutboundAgents } from '@dialer/platform';

/** Most bytes of a hook's answer that are read (an eligibility verdict is a few dozen). */
export const PRE_DIAL_MAX_ANSWER_BYTES = 4096;
/** Longest reason kept from a refusal. */
const MAX_REASON = 500;

/** What the dialer sends a campaign's pre-dial hook about one call it is about to place. */
export interface PreDialLead {
  tenantId: string;
  campaignId: string;
  leadId: string;
  attemptNo: number;
  phone: string;
  firstName: string | null;
  lastName: string | null;
  email: string | null;
  custom: Record<string, unknown>;
}

/** The hook's verdict on one call. */
export type PreDialVerdict =
  | { kind: 'eligible' }
  /** Refused: with retryAt the lead is due again then (no attempt spent); without, it ends `predial_refused`. */
  | { kind: 'refused'; reason: string; retryAt: Date | null }
  /** No usable answer in time (timeout, connection refused or blocked, non-2xx, not the expected JSON). */
  | { kind: 'error'; reason: string };

export interface PreDialClientOptions {
  /** The key that seals the hooks' signing secrets (as provider credentials). */
  secretsKey: string;
  /** Outside production: hooks on private or loopback addresses are allowed (development, tests). */
  allowPrivate: boolean;
}

/**
 * Asks a campaign's pre-dial hook whether a lead may be called now: POSTs the lead as a Standard
 * Webhooks message (`webhook-id`, `webhook-timestamp`, `webhook-signature` over id.timestamp.body,
 * HMAC-SHA256 with the campaign's secret), with a hard deadline (the campaign's timeoutMs: the whole
 * exchange, not only the connect) and at most PRE_DIAL_MAX_ANSWER_BYTES of answer read. In production
 * the SSRF guard refuses private, loopback and link-local targets when the socket connects.
 */
export class PreDialClient {
  private readonly agents: OutboundAgents;
  private readonly http: AxiosInstance;

  constructor(private readonly o: PreDialClientOptions) {
    this.agents = outboundAgents({ allowPrivate: o.allowPrivate });
    this.http = axios.create({
      httpAgent: this.agents.httpAgent,
      httpsAgent: this.agents.httpsAgent,
      maxRedirects: 0,
      maxContentLength: PRE_DIAL_MAX_ANSWER_BYTES,
      responseType: 'text',
      transformResponse: (d: unknown) => d,
      validateStatus: () => true,
      proxy: false,
    });
  }

  async check(hook: PreDialHook, secretSealed: string | null, lead: PreDialLead): Promise<PreDialVerdict> {
    if (!secretSealed) return { kind: 'error', reason: 'the hook has no signing secret' };
    let secret: string;
    try {
      secret = decryptSecret(secretSealed, this.o.secretsKey);
    } catch {
      return { kind: 'error', reason: 'the hook\'s signing secret cannot be read' };
    }
    const id = `msg_${randomUUID()}`;
    const now = new Date();
    const body = JSON.stringify({
      id, type: 'lead.pre_dial', createdAt: now.toISOString(), tenantId: lead.tenantId,
      data: {
        leadId: lead.leadId, campaignId: lead.campaignId, attemptNo: lead.attemptNo, phone: lead.phone,
        firstName: lead.firstName, lastName: lead.lastName, email: lead.email, custom: lead.custom,
      },
    });
    let signature: string;
    try {
      signature = new Webhook(secret).sign(id, now, body);
    } catch {
      return { kind: 'error', reason: 'the hook\'s signing secret is not a valid Standard Webhooks secret' };
    }
    try {
      this.agents.check(hook.url);
      const res = await this.http.post<string>(hook.url, body, {
        headers: {
          'content-type': 'application/json', 'user-agent': 'dialer-pre-dial/1',
          'webhook-id': id, 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signature,
        },
        timeout: hook.timeoutMs,
        signal: AbortSignal.timeout(hook.timeoutMs),
      });
      if (res.status < 200 || res.status > 299) return { kind: 'error', reason: `the hook answered HTTP ${res.status}` };
      return parseVerdict(res.data);
    } catch (err) {
      return { kind: 'error', reason: describeFailure(err, hook.timeoutMs) };
    }
  }

  close(): void {
    this.agents.httpAgent.destroy();
    this.agents.httpsAgent.destroy();
  }
}

/** The hook's answer: `{"eligible": true}`, or `{"eligible": false, "reason": "…", "retryAt": "<ISO 8601>"}`. */
export function parseVerdict(text: unknown): PreDialVerdict {
  let v: unknown;
  try {
    v = JSON.parse(typeof text === 'string' ? text : '');
  } catch {
    return { kind: 'error', reason: 'the hook\'s answer is not JSON' };
  }
  if (!v || typeof v !== 'object' || typeof (v as { eligible?: unknown }).eligible !== 'boolean') {
    return { kind: 'error', reason: 'the hook\'s answer has no boolean "eligible"' };
  }
  const a = v as { eligible: boolean; reason?: unknown; retryAt?: unknown };
  if (a.eligible) return { kind: 'eligible' };
  const reason = typeof a.reason === 'string' && a.reason.trim() ? a.reason.trim().slice(0, MAX_REASON) : 'refused by the pre-dial hook';
  if (a.retryAt === undefined || a.retryAt === null) return { kind: 'refused', reason, retryAt: null };
  const ms = typeof a.retryAt === 'string' ? Date.parse(a.retryAt) : NaN;
  if (Number.isNaN(ms)) return { kind: 'error', reason: 'the hook\'s retryAt is not an ISO 8601 time' };
  return { kind: 'refused', reason, retryAt: new Date(ms) };
}

function describeFailure(err: unknown, timeoutMs: number): string {
  const e = err as { code?: string; name?: string; message?: string };
  if (e.code === 'ESSRF') return 'the hook\'s address is private, loopback or link-local (refused in production)';
  if (e.code === 'ECONNABORTED' || e.code === 'ETIMEDOUT' || e.name === 'CanceledError' || e.name === 'AbortError' || e.code === 'ERR_CANCELED') {
    return `the hook did not answer within ${timeoutMs} ms`;
  }
  if (e.code === 'ERR_BAD_RESPONSE' && /maxContentLength/.test(e.message ?? '')) return `the hook's answer is longer than ${PRE_DIAL_MAX_ANSWER_BYTES} bytes`;
  return `the hook could not be reached (${e.code ?? 'error'})`;
}
