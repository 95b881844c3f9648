import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { guardedLookup, isPrivateAddress } from '@dialer/platform';

/**
 * One signed POST of an event to an endpoint, the Standard Webhooks way: `webhook-id` (the event
 * id: receivers deduplicate on it), `webhook-timestamp` (seconds), `webhook-signature` (`v1,<HMAC-SHA256
 * of id.timestamp.body>`, one per live secret, space-separated, so a rotation's grace period signs
 * with both). A 2xx is a success; anything else, a timeout or a refused address is a failure.
 * Redirects are not followed (a 3xx fails), and at most `excerptBytes` of the answer are read.
 */
export interface PostOptions {
  timeoutMs: number;
  excerptBytes: number;
  /** Refuse private, loopback and link-local addresses (production), at connect time. */
  guard: boolean;
}

export interface PostResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  excerpt: string | null;
  error: string | null;
}

/** The signer of each live secret (`whsec_…`). */
export function signers(secrets: readonly string[]): Webhook[] {
  return secrets.map((s) => new Webhook(s));
}

export function signatureHeader(ws: readonly Webhook[], id: string, at: Date, body: string): string {
  return ws.map((w) => w.sign(id, at, body)).join(' ');
}

/** Keep-alive agents (one pair per guard setting), so a busy endpoint reuses its connections. */
export class Agents {
  readonly http: http.Agent;
  readonly https: https.Agent;
  constructor(guard: boolean, maxSockets = 256) {
    const lookup = guard ? guardedLookup() : undefined;
    this.http = new http.Agent({ keepAlive: true, maxSockets, lookup });
    this.https = new https.Agent({ keepAlive: true, maxSockets, lookup });
  }

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

export async function postSigned(
  url: string, ws: readonly Webhook[], msg: { id: string; body: string }, agents: Agents, o: PostOptions,
): Promise<PostResult> {
  const started = performance.now();
  const took = (): number => Math.round(performance.now() - started);
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return { ok: false, statusCode: null, latencyMs: 0, excerpt: null, error: 'the endpoint URL is not valid' };
  }
  const host = target.hostname.replace(/^\[|\]$/g, '');
  // A literal IP never goes through lookup: judge it here.
  if (o.guard && isIP(host) && isPrivateAddress(host)) {
    return { ok: false, statusCode: null, latencyMs: 0, excerpt: null, error: `refused: ${host} is a private, loopback or link-local address` };
  }
  const at = new Date();
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'dialer-webhooks/1',
    'webhook-id': msg.id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': signatureHeader(ws, msg.id, at, msg.body),
    'content-length': String(Buffer.byteLength(msg.body)),
  };
  const isHttps = target.protocol === 'https:';
  return new Promise<PostResult>((resolve) => {
    let done = false;
    const finish = (r: Omit<PostResult, 'latencyMs'>): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve({ ...r, latencyMs: took() });
    };
    const req = (isHttps ? https : http).request(target, {
      method: 'POST', headers, agent: isHttps ? agents.https : agents.http,
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const end = (): void => {
        const status = res.statusCode ?? 0;
        const excerpt = Buffer.concat(chunks).subarray(0, o.excerptBytes).toString('utf8');
        finish({
          ok: status >= 200 && status < 300, statusCode: status, excerpt: excerpt || null,
          error: status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? `redirect (${status}) not followed` : `answered ${status}`,
        });
      };
      res.on('data', (c: Buffer) => {
        if (size < o.excerptBytes) chunks.push(c);
        size += c.length;
        // Read no more than the cap: the rest of a large answer is not waited for.
        if (size >= o.excerptBytes) {
          end();
          res.destroy();
        }
      });
      res.on('end', end);
      res.on('error', (err) => finish({ ok: false, statusCode: res.statusCode ?? null, excerpt: null, error: err.message }));
    });
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${o.timeoutMs} ms`));
    }, o.timeoutMs);
    req.on('error', (err: NodeJS.ErrnoException) => {
      finish({ ok: false, statusCode: null, excerpt: null, error: err.code === 'ESSRF' ? `refused: ${err.message}` : err.message });
    });
    req.end(msg.body);
  });
}
