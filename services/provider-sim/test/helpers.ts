import express from 'express';
import axios, { type AxiosInstance } from 'axios';
import { createLogger, listen, loadConfig, type RunningServer } from '@dialer/platform';
import { ProviderSimConfig } from '../src/config';
import { startService, type RunningProviderSim } from '../src/service';

export interface TestSim {
  sim: RunningProviderSim;
  baseUrl: string;
  /** JSON client for the sim (never throws on HTTP status). */
  api: AxiosInstance;
  stop(): Promise<void>;
}

/** Starts provider-sim in-process on a free port, fast time scale, silent logs. */
export async function startTestSim(env: Record<string, string> = {}): Promise<TestSim> {
  const cfg = loadConfig(ProviderSimConfig, {
    PROVIDER_SIM_PORT: '0',
    SIM_TIME_SCALE: '0.01',
    SIM_OUTCOMES: 'completed:1',
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ...env,
  });
  const sim = await startService(cfg, createLogger({ service: 'provider-sim-test', level: 'silent' }));
  const baseUrl = `http://127.0.0.1:${sim.port}`;
  const api = axios.create({ baseURL: baseUrl, validateStatus: () => true });
  return { sim, baseUrl, api, stop: () => sim.stop() };
}

export interface ReceivedHook {
  originalUrl: string;
  /** The JSON body as sent (Vapi, Exotel JSON callbacks). */
  rawBody?: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, string>;
  receivedAt: Date;
}

export interface Receiver {
  port: number;
  hooks: ReceivedHook[];
  /** URL the sim should post to (`path` may carry a query string). */
  url(path?: string): string;
  /** The full URL a hook was posted to, as the signature covers it. */
  fullUrl(hook: ReceivedHook): string;
  forCall(callSid: string): ReceivedHook[];
  /** Decides the HTTP status of each answer (default 204). */
  respond: (hook: ReceivedHook, nth: number) => number;
  close(): Promise<void>;
}

/** A tiny express server that collects status callbacks, as webhook-ingest would receive them. */
export async function startReceiver(): Promise<Receiver> {
  const app = express();
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json({ verify: (req, _res, buf) => { (req as unknown as { rawBody: string }).rawBody = buf.toString('utf8'); } }));
  const seen = new Map<string, number>();
  const receiver: Receiver = {
    port: 0,
    hooks: [],
    url: (path = '/v1/webhooks/twilio/conn-1?attemptId=att-1') => `http://127.0.0.1:${receiver.port}${path}`,
    fullUrl: (hook) => `http://127.0.0.1:${receiver.port}${hook.originalUrl}`,
    forCall: (sid) => receiver.hooks.filter((h) => h.body.CallSid === sid),
    respond: () => 204,
    close: () => Promise.resolve(),
  };
  app.post('/{*rest}', (req, res) => {
    const hook: ReceivedHook = {
      originalUrl: req.originalUrl, headers: req.headers, body: req.body as Record<string, string>, receivedAt: new Date(),
      rawBody: (req as unknown as { rawBody?: string }).rawBody,
    };
    const key = `${hook.body.CallSid}:${hook.body.SequenceNumber}`;
    const nth = (seen.get(key) ?? 0) + 1;
    seen.set(key, nth);
    const status = receiver.respond(hook, nth);
    if (status < 300) receiver.hooks.push(hook);
    res.status(status).end();
  });
  const server: RunningServer = await listen(app, 0, '127.0.0.1');
  receiver.port = server.port;
  receiver.close = () => server.close();
  return receiver;
}

/** Polls `check` until it stops throwing (or returns without error), up to `timeoutMs`. */
export async function eventually<T>(check: () => T | Promise<T>, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }
}

export const ACCOUNT_SID = 'AC0123456789abcdef0123456789abcdef';
export const AUTH_TOKEN = 'test-auth-token-1234';

/** Form body with repeated keys, as Twilio's API expects. */
export function form(params: Array<[string, string]>): string {
  return new URLSearchParams(params).toString();
}

export const FORM = { 'Content-Type': 'application/x-www-form-urlencoded' };
