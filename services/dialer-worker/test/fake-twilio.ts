import { randomBytes } from 'node:crypto';
import express from 'express';
import { listen } from '@dialer/platform';

/** One Calls.json request as the fake received it. */
export interface FakeCallRequest {
  accountSid: string;
  /** Decoded Basic auth "user:password". */
  auth: string;
  body: Record<string, string | string[]>;
  status: number;
  /** When the request arrived (real time). */
  at: number;
}

export interface FakeBehaviour {
  status: number;
  delayMs?: number;
}

export interface FakeTwilio {
  url: string;
  requests: FakeCallRequest[];
  /** Requests for one callee. */
  callsTo(to: string): FakeCallRequest[];
  /** How to answer calls to this number from now on (default 201 after no delay). */
  behave(to: string, b: FakeBehaviour): void;
  close(): Promise<void>;
}

/** A stand-in for Twilio's Calls API: records every create request and answers as told. */
export async function startFakeTwilio(): Promise<FakeTwilio> {
  const requests: FakeCallRequest[] = [];
  const behaviours = new Map<string, FakeBehaviour>();
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.post('/2010-04-01/Accounts/:sid/Calls.json', async (req, res) => {
    const body = req.body as Record<string, string | string[]>;
    const to = String(body.To ?? '');
    const b = behaviours.get(to) ?? { status: 201 };
    const header = req.headers.authorization ?? '';
    const auth = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString('utf8') : '';
    requests.push({ accountSid: String(req.params.sid), auth, body, status: b.status, at: Date.now() });
    if (b.delayMs) await new Promise((r) => setTimeout(r, b.delayMs));
    if (b.status === 201) {
      res.status(201).json({ sid: `CA${randomBytes(16).toString('hex')}`, status: 'queued', to });
    } else if (b.status === 429) {
      res.status(429).json({ code: 20429, message: 'Too Many Requests', status: 429 });
    } else if (b.status === 400) {
      res.status(400).json({ code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 });
    } else {
      res.status(b.status).json({ code: 20500, message: 'Internal Server Error', status: b.status });
    }
  });
  const server = await listen(app, 0, '127.0.0.1');
  return {
    url: `http://127.0.0.1:${server.port}`,
    requests,
    callsTo: (to) => requests.filter((r) => r.body.To === to),
    behave: (to, b) => behaviours.set(to, b),
    close: () => server.close(),
  };
}
