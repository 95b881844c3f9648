import axios, { type AxiosInstance, isAxiosError } from 'axios';
import { isTerminalCallStatus } from '@dialer/domain';
import {
  ProviderError, type CallSnapshot, type IncomingWebhook, type NormalizedCallEvent, type PlaceCallRequest,
  type PlacedCall, type ProviderAdapter,
} from '../adapter';
import { verifyTwilioSignature } from './twilio-signature';
import { TWILIO_STATUS, twilioOutcome } from './twilio-status';

export interface TwilioCredentials {
  accountSid: string;
  authToken: string;
  fromNumber: string;
  /** API base URL; https://api.twilio.com unless pointed at provider-sim. */
  baseUrl?: string;
  /** TwiML URL the call fetches when answered; a plain TwiML is sent when absent. */
  twimlUrl?: string;
  requestTimeoutMs?: number;
}

export const TWILIO_API = 'https://api.twilio.com';

function header(h: IncomingWebhook['headers'], name: string): string | undefined {
  const v = h[name] ?? h[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

export class TwilioAdapter implements ProviderAdapter {
  readonly type = 'twilio' as const;
  private readonly http: AxiosInstance;

  constructor(private readonly creds: TwilioCredentials) {
    this.http = axios.create({
      baseURL: `${(creds.baseUrl ?? TWILIO_API).replace(/\/$/, '')}/2010-04-01/Accounts/${encodeURIComponent(creds.accountSid)}`,
      auth: { username: creds.accountSid, password: creds.authToken },
      timeout: creds.requestTimeoutMs ?? 5_000,
      validateStatus: () => true,
    });
  }

  async placeCall(req: PlaceCallRequest): Promise<PlacedCall> {
    const form = new URLSearchParams();
    form.append('To', req.to);
    form.append('From', this.creds.fromNumber);
    if (this.creds.twimlUrl) form.append('Url', this.creds.twimlUrl);
    else form.append('Twiml', '<Response><Say>Hello from the dialer.</Say></Response>');
    form.append('StatusCallback', req.statusCallbackUrl);
    form.append('StatusCallbackMethod', 'POST');
    for (const e of ['initiated', 'ringing', 'answered', 'completed']) form.append('StatusCallbackEvent', e);
    form.append('Timeout', String(req.timeoutSeconds ?? 30));
    const res = await this.send(() => this.http.post('/Calls.json', form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }), true);
    const body = res.data as { sid?: string; status?: string };
    if (!body?.sid) throw new ProviderError('ambiguous', 'Twilio answered without a call sid', res.status);
    return { providerCallId: body.sid, rawStatus: body.status ?? 'queued' };
  }

  async hangup(providerCallId: string): Promise<void> {
    const form = new URLSearchParams({ Status: 'completed' });
    await this.send(() => this.http.post(`/Calls/${encodeURIComponent(providerCallId)}.json`, form.toString(), {
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    }), false);
  }

  async fetchCall(providerCallId: string): Promise<CallSnapshot> {
    const res = await this.send(() => this.http.get(`/Calls/${encodeURIComponent(providerCallId)}.json`), false);
    const body = res.data as { sid: string; status: string; duration?: string | null };
    const status = TWILIO_STATUS[body.status] ?? 'failed';
    return {
      providerCallId: body.sid,
      status,
      rawStatus: body.status,
      durationSeconds: body.duration ? Number(body.duration) : null,
    };
  }

  verifyWebhook(hook: IncomingWebhook): boolean {
    return verifyTwilioSignature(this.creds.authToken, hook.url, hook.body, header(hook.headers, 'X-Twilio-Signature'));
  }

  parseWebhook(hook: IncomingWebhook): NormalizedCallEvent {
    const b = hook.body as Record<string, string | undefined>;
    const callSid = b.CallSid;
    const raw = b.CallStatus;
    if (!callSid || !raw) throw new ProviderError('rejected', 'Twilio callback lacks CallSid or CallStatus');
    const status = TWILIO_STATUS[raw];
    if (!status) throw new ProviderError('rejected', `unknown Twilio CallStatus "${raw}"`);
    const answeredBy = b.AnsweredBy ?? null;
    const terminal = isTerminalCallStatus(status);
    const seq = b.SequenceNumber;
    return {
      eventKey: `${callSid}:${seq ?? raw}:${raw}`,
      providerCallId: callSid,
      status,
      rawStatus: raw,
      outcome: terminal ? twilioOutcome(status, answeredBy) : null,
      answeredBy,
      durationSeconds: b.CallDuration !== undefined ? Number(b.CallDuration) : null,
      occurredAt: b.Timestamp ? new Date(b.Timestamp) : new Date(),
    };
  }

  /** Sends with up to 3 tries on network errors before sending, 5xx and 429 (with backoff and jitter). */
  private async send(call: () => Promise<import('axios').AxiosResponse>, creating: boolean) {
    let lastErr: ProviderError | undefined;
    for (let attempt = 0; attempt < 3; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 200 * 2 ** attempt * (0.5 + Math.random())));
      try {
        const res = await call();
        if (res.status >= 200 && res.status < 300) return res;
        const msg = (res.data as { message?: string })?.message ?? `HTTP ${res.status}`;
        if (res.status === 429) {
          lastErr = new ProviderError('capacity', `Twilio is at capacity: ${msg}`, 429);
          continue;
        }
        if (res.status >= 500) {
          lastErr = new ProviderError('transient', `Twilio error ${res.status}: ${msg}`, res.status);
          continue;
        }
        throw new ProviderError('rejected', `Twilio refused the request (${res.status}): ${msg}`, res.status);
      } catch (err) {
        if (err instanceof ProviderError) throw err;
        if (isAxiosError(err)) {
          const sent = err.code === 'ECONNABORTED' || err.code === 'ETIMEDOUT' || err.code === 'ECONNRESET';
          // A create that timed out after sending may have created the call: never retry it blindly.
          if (creating && sent) throw new ProviderError('ambiguous', `Twilio did not answer in time (${err.code})`);
          lastErr = new ProviderError('transient', `Twilio unreachable: ${err.code ?? err.message}`);
          continue;
        }
        throw err;
      }
    }
    throw lastErr ?? new ProviderError('transient', 'Twilio request failed');
  }
}
