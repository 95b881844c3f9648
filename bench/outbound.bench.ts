/**
 * Outbound event webhooks end to end: events are committed into the outbox (outbound_events, as
 * the changes that cause them write it) at a steady rate, event-delivery (its own process, or
 * several) relays and POSTs them signed to a local receiver. Figures: deliveries per second
 * sustained (unique events received over the time from the first commit to the last delivery),
 * p50/p99 from an event's commit to its first arrival at the receiver, and lost (committed, never
 * received after a drain). Targets: ≥ 2,000/s, p99 ≤ 1 s, 0 lost.
 *   pnpm bench outbound --seconds 10 --rate 2500 [--replicas 1] [--concurrency 200]
 */

/** One line for `pnpm bench` (the list). */
export const summary = 'outbound event webhooks: outbox → signed delivery to a local sink (deliveries/s, commit→delivery p50/p99, lost)';
import { randomUUID } from 'node:crypto';
import { insertOutboundEnvelopes, type OutboundEnvelope } from '@dialer/db';
import { DEV_SECRETS_KEY, encryptSecret } from '@dialer/platform';
import { createTestContext, freePort, spawnService, startWebhookSink, type RunningProcess } from '@dialer/testing';

const SECRET = `whsec_${Buffer.from('the outbound bench signing secret!').toString('base64')}`;
const TICK_MS = 20;

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

export async function run(args: Record<string, string>): Promise<Record<string, unknown>> {
  const seconds = Number(args.seconds ?? 10);
  const rate = Number(args.rate ?? 2500);
  const replicas = Number(args.replicas ?? 1);
  const concurrency = Number(args.concurrency ?? 200);
  const ctx = await createTestContext('benchoutbound');
  const firstArrival = new Map<string, number>();
  const sink = await startWebhookSink((r) => {
    const id = String(r.headers['webhook-id']);
    if (!firstArrival.has(id)) firstArrival.set(id, r.receivedAt);
    return {};
  });
  const procs: RunningProcess[] = [];
  try {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('bench') RETURNING id`);
    const tenantId = t.id as string;
    await ctx.ds.query(
      `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret_sealed) VALUES ($1, $2, '{call.ended}', $3)`,
      [tenantId, `${sink.url}/events`, encryptSecret(SECRET, DEV_SECRETS_KEY)]);
    for (let i = 0; i < replicas; i++) {
      procs.push(await spawnService('event-delivery', {
        port: await freePort(), instance: String(i + 1),
        env: {
          ...ctx.env, LOG_LEVEL: 'warn', RELAY_INTERVAL_MS: '20', RELAY_BATCH: '1000',
          DELIVERY_CONCURRENCY: String(concurrency), ENDPOINT_CONCURRENCY: String(concurrency),
        },
      }));
    }

    // Warm-up (not measured): connections, the endpoint's keep-alive sockets, the JIT.
    const warm = Array.from({ length: Math.min(500, Math.max(50, rate / 4)) }, (_, n) => ({
      env: { id: randomUUID(), type: 'call.ended', createdAt: new Date().toISOString(), tenantId, data: { warmup: n } }, campaignId: null,
    }));
    await insertOutboundEnvelopes(ctx.ds, warm);
    const warmIds = new Set(warm.map((w) => w.env.id));
    for (let waited = 0; [...warmIds].some((id) => !firstArrival.has(id)) && waited < 60_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    for (const id of warmIds) firstArrival.delete(id);

    // Open loop: every tick commits the events due by then, one transaction per tick.
    const committedAt = new Map<string, number>();
    const total = Math.round(rate * seconds);
    const start = performance.now();
    const startedAt = Date.now();
    let made = 0;
    while (made < total) {
      const due = Math.min(total, Math.round(((performance.now() - start) / 1000) * rate));
      if (due > made) {
        const rows: Array<{ env: OutboundEnvelope; campaignId: null }> = [];
        for (; made < due; made++) {
          rows.push({ env: { id: randomUUID(), type: 'call.ended', createdAt: new Date().toISOString(), tenantId, data: { n: made, outcome: 'answered' } }, campaignId: null });
        }
        await insertOutboundEnvelopes(ctx.ds, rows);
        const at = Date.now();
        for (const r of rows) committedAt.set(r.env.id, at);
      }
      await new Promise((r) => setTimeout(r, TICK_MS));
    }
    const commitSeconds = (Date.now() - startedAt) / 1000;

    // Drain: wait until everything arrived or nothing moved for 10 s.
    let last = -1;
    let still = Date.now();
    while (firstArrival.size < committedAt.size && Date.now() - still < 10_000) {
      if (firstArrival.size !== last) {
        last = firstArrival.size;
        still = Date.now();
      }
      await new Promise((r) => setTimeout(r, 100));
    }

    const latencies: number[] = [];
    let lost = 0;
    let lastArrival = startedAt;
    for (const [id, at] of committedAt) {
      const got = firstArrival.get(id);
      if (got === undefined) {
        lost++;
        continue;
      }
      latencies.push(got - at);
      lastArrival = Math.max(lastArrival, got);
    }
    latencies.sort((a, b) => a - b);
    const spanS = (lastArrival - startedAt) / 1000;
    const perS = spanS > 0 ? latencies.length / spanS : 0;
    const [stage] = await ctx.ds.query(
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM e.relayed_at - e.created_at) * 1000) AS relay_p50_ms,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM d.last_attempt_at - e.relayed_at) * 1000) AS relayed_to_posted_p50_ms
         FROM outbound_events e JOIN webhook_deliveries d ON d.event_id = e.id WHERE NOT (e.payload -> 'data' ? 'warmup')`);
    process.stdout.write(`${JSON.stringify({
      relay_p50_ms: Math.round(Number(stage.relay_p50_ms)), relayed_to_posted_p50_ms: Math.round(Number(stage.relayed_to_posted_p50_ms)),
      detail: 'outbound', events: committedAt.size, requests: sink.received.length - warm.length, commit_rate_per_s: Math.round(committedAt.size / commitSeconds),
      span_s: Number(spanS.toFixed(2)), replicas, concurrency,
    })}\n`);
    return { deliveries_per_s: Math.round(perS), p50_ms: Math.round(percentile(latencies, 50)), p99_ms: Math.round(percentile(latencies, 99)), lost };
  } finally {
    for (const p of procs) await p.stop().catch(() => undefined);
    await sink.close();
    await ctx.close();
  }
}
