/**
 * Outbound event webhooks across a crash (issue 17): the delivery worker runs as its own process
 * (event-delivery, relay and worker), events are committed into the outbox while it delivers them to
 * a local receiver, and it is killed with SIGKILL mid-stream; more events are committed while it is
 * down; it is started again. Every event reaches the receiver at least once (0 lost), every request
 * carries a valid Standard Webhooks signature (checked with the standardwebhooks package), and every
 * delivery ends succeeded in the log. Duplicates are allowed (at-least-once; receivers deduplicate
 * on webhook-id) and counted.
 */
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { insertOutboundEnvelopes, type OutboundEnvelope } from '@dialer/db';
import { DEV_SECRETS_KEY, encryptSecret } from '@dialer/platform';
import {
  createTestContext, eventually, freePort, spawnService, startWebhookSink, type RunningProcess, type TestContext, type WebhookSink,
} from '@dialer/testing';

jest.setTimeout(180_000);

const SECRET = `whsec_${Buffer.from('the fault test signing secret, 32b').toString('base64')}`;
const EVENTS = 600;

describe('outbound delivery across a kill -9 of the delivery worker', () => {
  let ctx: TestContext;
  let sink: WebhookSink;
  let proc: RunningProcess | undefined;
  const procs: RunningProcess[] = [];

  beforeAll(async () => {
    ctx = await createTestContext('outboundfault');
    // A receiver that takes a few ms per request, so deliveries are in flight when the worker dies.
    sink = await startWebhookSink(() => ({ delayMs: 5 }));
  });
  afterAll(async () => {
    for (const p of procs) await p.stop().catch(() => undefined);
    await sink?.close();
    await ctx?.close();
  });

  async function start(): Promise<RunningProcess> {
    const p = await spawnService('event-delivery', {
      port: await freePort(),
      env: { ...ctx.env, RELAY_INTERVAL_MS: '50', RELAY_BATCH: '50', DELIVERY_CONCURRENCY: '10', ENDPOINT_CONCURRENCY: '10', DELIVERY_LOCK_MS: '3000', DELIVERY_RETRY_BASE_MS: '200' },
    });
    procs.push(p);
    return p;
  }

  it('when the worker is killed with SIGKILL mid-stream and started again, then every event is delivered at least once, signed', async () => {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('fault') RETURNING id`);
    const tenantId = t.id as string;
    await ctx.ds.query(
      `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret_sealed) VALUES ($1, $2, '{call.ended}', $3)`,
      [tenantId, `${sink.url}/events`, encryptSecret(SECRET, DEV_SECRETS_KEY)]);
    const committed = new Set<string>();
    const commit = async (n: number): Promise<void> => {
      const rows: Array<{ env: OutboundEnvelope; campaignId: null }> = [];
      for (let i = 0; i < n; i++) {
        const env = { id: randomUUID(), type: 'call.ended', createdAt: new Date().toISOString(), tenantId, data: { n: committed.size + i } };
        rows.push({ env, campaignId: null });
      }
      await insertOutboundEnvelopes(ctx.ds, rows);
      for (const r of rows) committed.add(r.env.id);
    };
    const delivered = () => new Set(sink.received.map((r) => String(r.headers['webhook-id'])));

    proc = await start();
    // Events keep coming while it delivers; kill it once a part is through and more are in flight.
    let adding = true;
    const producer = (async () => {
      while (adding && committed.size < EVENTS / 2) {
        await commit(25);
        await new Promise((r) => setTimeout(r, 20));
      }
    })();
    await eventually(async () => delivered().size >= 100, { what: '100 events delivered', intervalMs: 5 });
    proc.kill('SIGKILL');
    await proc.exited;
    adding = false;
    await producer;
    const atKill = delivered().size;
    expect(atKill).toBeLessThan(committed.size);
    // More events while it is down: the outbox keeps them.
    while (committed.size < EVENTS) await commit(50);

    proc = await start();
    await eventually(async () => [...committed].every((id) => delivered().has(id)), { what: 'every committed event delivered', timeoutMs: 120_000, intervalMs: 100 });

    const lost = [...committed].filter((id) => !delivered().has(id));
    expect(lost).toEqual([]);
    const wh = new Webhook(SECRET);
    const bad = sink.received.filter((r) => {
      try {
        wh.verify(r.body, { 'webhook-id': String(r.headers['webhook-id']), 'webhook-timestamp': String(r.headers['webhook-timestamp']), 'webhook-signature': String(r.headers['webhook-signature']) });
        return false;
      } catch {
        return true;
      }
    });
    expect(bad).toEqual([]);
    const states = await eventually(async () => {
      const rows: Array<{ status: string; n: number }> = await ctx.ds.query(`SELECT status, count(*)::int AS n FROM webhook_deliveries GROUP BY status`);
      return rows.length === 1 && rows[0]!.status === 'succeeded' && rows[0]!.n === EVENTS ? rows : undefined;
    }, { what: 'every delivery succeeded in the log' });
    expect(states).toEqual([{ status: 'succeeded', n: EVENTS }]);
    // At least once: the requests in flight at the kill may come twice, never a flood.
    expect(sink.received.length).toBeLessThan(EVENTS + 100);
  });
});
