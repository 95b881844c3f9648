import type { Response } from 'express';
import type { Logger } from '@dialer/platform';
import { campaignEventsChannel, closeRedis, createRedis, type Redis } from '@dialer/queue';

/** A finished call as published by metrics-aggregator (no phone number, no lead data). */
export interface CallEvent {
  callAttemptId: string;
  attemptNo: number;
  outcome: string | null;
  durationSeconds: number | null;
  endedAt: string;
  leadFinal: boolean;
}

export interface CampaignEventsHubDeps {
  /** A connection of its own: it enters subscriber mode. */
  subscriber: Redis;
  /** Called by stop() after every stream ended. */
  closeSubscriber?: () => Promise<unknown>;
  prefix: string;
  logger: Logger;
  /** The stats a client receives (tenant-scoped). */
  loadStats(tenantId: string, campaignId: string): Promise<unknown>;
  /** At most one update per client per this many ms (coalescing). */
  minIntervalMs?: number;
  heartbeatMs?: number;
}

/** Calls listed in one `calls` event at most; the rest are counted in `dropped`. */
const MAX_CALLS_PER_EVENT = 100;

interface Watch {
  tenantId: string;
  clients: Set<Response>;
  statsDirty: boolean;
  calls: CallEvent[];
  dropped: number;
  lastFlush: number;
  timer: NodeJS.Timeout | undefined;
  flushing: Promise<void> | undefined;
}

/**
 * Live campaign updates over Server-Sent Events. One subscriber connection per process; a campaign's
 * channel is subscribed while at least one client watches it. Updates are coalesced per campaign
 * (so per client): at most one flush every `minIntervalMs`, carrying one `stats` event (fresh stats
 * read once for all its clients) and one `calls` event with the calls that ended since the last
 * flush. Comments keep idle connections alive. stop() ends every stream and closes the subscriber.
 */
export class CampaignEventsHub {
  private readonly watches = new Map<string, Watch>();
  private readonly minIntervalMs: number;
  private readonly heartbeat: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly deps: CampaignEventsHubDeps) {
    this.minIntervalMs = deps.minIntervalMs ?? 250;
    deps.subscriber.on('message', (channel: string, message: string) => this.onMessage(channel, message));
    this.heartbeat = setInterval(() => this.ping(), deps.heartbeatMs ?? 15_000);
    this.heartbeat.unref();
  }

  /** Number of open streams (for tests and metrics). */
  get clientCount(): number {
    let n = 0;
    for (const w of this.watches.values()) n += w.clients.size;
    return n;
  }

  /**
   * Starts a stream on `res` for a campaign the caller has already authorized: subscribes first,
   * then sends the current stats, so no update falls between the two.
   */
  async attach(tenantId: string, campaignId: string, res: Response): Promise<void> {
    if (this.stopped) {
      res.status(503).json({ error: { code: 'unavailable', message: 'the server is stopping' } });
      return;
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.flushHeaders();
    res.write('retry: 2000\n\n');
    let w = this.watches.get(campaignId);
    const first = !w;
    if (!w) {
      w = { tenantId, clients: new Set(), statsDirty: false, calls: [], dropped: 0, lastFlush: 0, timer: undefined, flushing: undefined };
      this.watches.set(campaignId, w);
    }
    w.clients.add(res);
    res.on('close', () => this.detach(campaignId, res));
    try {
      if (first) await this.deps.subscriber.subscribe(campaignEventsChannel(this.deps.prefix, campaignId));
      const stats = await this.deps.loadStats(tenantId, campaignId);
      if (!res.writableEnded) res.write(sse('stats', stats));
      const status = finalStatus(stats);
      if (status && !res.writableEnded) res.end(sse('end', { campaignId, status }));
    } catch (err) {
      this.deps.logger.warn({ err, campaignId }, 'could not read the stats for a new event stream');
    }
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeat);
    const flushing: Array<Promise<void>> = [];
    for (const w of this.watches.values()) {
      if (w.timer) clearTimeout(w.timer);
      if (w.flushing) flushing.push(w.flushing);
      for (const res of w.clients) res.end();
      w.clients.clear();
    }
    this.watches.clear();
    await Promise.all(flushing);
    await this.deps.closeSubscriber?.();
  }

  private detach(campaignId: string, res: Response): void {
    const w = this.watches.get(campaignId);
    if (!w || !w.clients.delete(res) || w.clients.size > 0) return;
    if (w.timer) clearTimeout(w.timer);
    this.watches.delete(campaignId);
    if (this.stopped) return;
    this.deps.subscriber.unsubscribe(campaignEventsChannel(this.deps.prefix, campaignId)).catch((err: unknown) => {
      this.deps.logger.warn({ err, campaignId }, 'could not unsubscribe from campaign events');
    });
  }

  private onMessage(channel: string, message: string): void {
    const campaignId = channel.slice(channel.lastIndexOf(':') + 1);
    const w = this.watches.get(campaignId);
    if (!w) return;
    try {
      const msg = JSON.parse(message) as { type?: string; call?: CallEvent };
      if (msg.type === 'call' && msg.call) {
        if (w.calls.length < MAX_CALLS_PER_EVENT) w.calls.push(msg.call);
        else w.dropped += 1;
      }
    } catch {
      // A message we cannot read still means "something changed".
    }
    w.statsDirty = true;
    this.schedule(campaignId, w);
  }

  private schedule(campaignId: string, w: Watch): void {
    if (w.timer || w.flushing || this.stopped) return;
    const wait = Math.max(0, w.lastFlush + this.minIntervalMs - Date.now());
    w.timer = setTimeout(() => {
      w.timer = undefined;
      w.flushing = this.flush(campaignId, w).finally(() => {
        w.flushing = undefined;
        // Updates that arrived during the flush go out in the next one.
        if (w.statsDirty && this.watches.get(campaignId) === w) this.schedule(campaignId, w);
      });
    }, wait);
  }

  private async flush(campaignId: string, w: Watch): Promise<void> {
    w.lastFlush = Date.now();
    w.statsDirty = false;
    const calls = w.calls;
    const dropped = w.dropped;
    w.calls = [];
    w.dropped = 0;
    let stats: unknown;
    try {
      stats = await this.deps.loadStats(w.tenantId, campaignId);
    } catch (err) {
      this.deps.logger.warn({ err, campaignId }, 'could not read the stats for event streams');
    }
    let out = '';
    if (calls.length || dropped) out += sse('calls', { calls, dropped });
    if (stats !== undefined) out += sse('stats', stats);
    // A campaign that reached a final status sends nothing more: its streams say so and end.
    const status = finalStatus(stats);
    if (status) out += sse('end', { campaignId, status });
    if (!out) return;
    for (const res of w.clients) {
      if (res.writableEnded) continue;
      if (status) res.end(out);
      else res.write(out);
    }
  }

  /** The channel of a campaign's updates (publish `{"type":"status"}` on it when its status changes). */
  channelOf(campaignId: string): string {
    return campaignEventsChannel(this.deps.prefix, campaignId);
  }

  private ping(): void {
    for (const w of this.watches.values()) for (const res of w.clients) if (!res.writableEnded) res.write(': ping\n\n');
  }
}

/** Statuses after which a campaign changes no more: its streams end. */
const FINAL_STATUSES: readonly string[] = ['completed', 'stopped', 'cancelled'];

function finalStatus(stats: unknown): string | undefined {
  const status = (stats as { status?: unknown } | undefined)?.status;
  return typeof status === 'string' && FINAL_STATUSES.includes(status) ? status : undefined;
}

function sse(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

/** The hub with a subscriber connection of its own; stop() ends every stream, then closes the connection. */
export function startCampaignEvents(opts: {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  loadStats(tenantId: string, campaignId: string): Promise<unknown>;
}): CampaignEventsHub {
  const subscriber = createRedis(opts.redisUrl, 'worker', 'campaign-api-events');
  return new CampaignEventsHub({ ...opts, subscriber, closeSubscriber: () => closeRedis(subscriber) });
}
