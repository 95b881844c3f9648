import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request a webhook sink received. */
export interface SinkRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  receivedAt: number;
}

export interface SinkAnswer {
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  delayMs?: number;
}

/**
 * A local HTTP receiver standing in for a tenant's webhook endpoint (the outside world): it keeps
 * every request and answers as `answer` says (200 "ok" by default).
 */
export interface WebhookSink {
  url: string;
  port: number;
  received: SinkRequest[];
  answer: (r: SinkRequest) => SinkAnswer;
  close(): Promise<void>;
}

export async function startWebhookSink(answer: (r: SinkRequest) => SinkAnswer = () => ({})): Promise<WebhookSink> {
  const sink = { received: [] as SinkRequest[], answer } as WebhookSink;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: SinkRequest = { path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), receivedAt: Date.now() };
      sink.received.push(r);
      const a = sink.answer(r);
      const send = (): void => {
        res.writeHead(a.status ?? 200, { 'content-type': 'text/plain', ...a.headers });
        res.end(a.body ?? 'ok');
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  sink.port = port;
  sink.url = `http://127.0.0.1:${port}`;
  sink.close = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return sink;
}
