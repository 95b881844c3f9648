import type { Worker } from 'node:worker_threads';
import type { NormalizedCallEvent } from '@dialer/providers';
import { createLogger } from '@dialer/platform';
import { createTestContext, eventually, type TestContext } from '@dialer/testing';
import type { StoredCallEvent } from '../src/apply-call-event';
import { ApplyThread, type ApplyThreadConfig } from '../src/apply-thread';
import { seedDialingLead, type Seeded } from './fixtures';

/**
 * The apply thread: events pushed on the main thread are applied on the worker thread (real
 * Postgres and Redis), their results come back for the metrics, and a thread that dies is replaced
 * while what it held stays stored for the sweeper.
 */
const KEY = 'thread-test-secrets-key-0123456789abcdef';

let ctx: TestContext;
let cfg: ApplyThreadConfig;
const logged: Array<Record<string, unknown>> = [];
const logger = createLogger({ service: 'webhook-ingest', level: 'warn', destination: { write: (l: string) => void logged.push(JSON.parse(l) as Record<string, unknown>) } });

beforeAll(async () => {
  ctx = await createTestContext('applythread');
  cfg = {
    DATABASE_URL: ctx.databaseUrl, DB_SCHEMA: ctx.schema, REDIS_URL: ctx.redisUrl, QUEUE_PREFIX: ctx.queuePrefix, LOG_LEVEL: 'warn',
    WEBHOOK_APPLY_DB_POOL: 3, WEBHOOK_APPLY_BATCH: 100, WEBHOOK_APPLY_CONCURRENCY: 2, WEBHOOK_APPLY_NICE: 10,
  };
});
afterAll(async () => ctx?.close());

async function stored(s: Seeded, raw: 'completed' | 'bogus'): Promise<StoredCallEvent> {
  const key = `${s.callSid}:${raw}`;
  const [row] = await ctx.ds.query(
    `INSERT INTO webhook_events (tenant_id, provider, provider_connection_id, event_key, provider_call_id, payload)
     VALUES ($1, 'twilio', $2, $3, $4, '{}'::jsonb) RETURNING id`, [s.tenantId, s.connectionId, key, s.callSid]);
  const event: NormalizedCallEvent = raw === 'completed'
    ? { eventKey: key, providerCallId: s.callSid, rawStatus: 'completed', status: 'completed', outcome: 'answered', answeredBy: null, durationSeconds: 12, occurredAt: new Date() }
    : { eventKey: key, providerCallId: s.callSid, rawStatus: 'bogus', status: null, outcome: null, answeredBy: null, durationSeconds: null, occurredAt: new Date(), unmapped: 'CallStatus=bogus' };
  return { eventId: String(row.id), tenantId: s.tenantId, providerConnectionId: s.connectionId, callAttemptId: null, event };
}

const seed = (): Promise<Seeded> => seedDialingLead(ctx.ds, ctx.redis, ctx.queuePrefix, KEY, { maxAttempts: 1 });
const applied = async (ids: string[]): Promise<number> =>
  (await ctx.ds.query(`SELECT count(*)::int AS n FROM webhook_events WHERE id = ANY($1::bigint[]) AND applied_at IS NOT NULL`, [ids]))[0].n as number;

it('when events are pushed, then the thread applies them, reports each result and relays its log lines', async () => {
  const results: Record<string, number> = {};
  const thread = await ApplyThread.start(cfg, logger, (r) => {
    for (const [k, n] of Object.entries(r)) results[k] = (results[k] ?? 0) + (n ?? 0);
  });
  try {
    const calls = await Promise.all(Array.from({ length: 6 }, seed));
    const events = await Promise.all(calls.map((c) => stored(c, 'completed')));
    const odd = await stored(await seed(), 'bogus');
    for (const e of [...events, odd]) thread.push(e);
    expect(thread.pending).toBe(7);
    await eventually(async () => thread.pending === 0, { timeoutMs: 20_000, what: 'every pushed event applied' });
    expect(results).toEqual({ applied: 6, failed: 1 });
    expect(await applied(events.map((e) => e.eventId))).toBe(6);
    const [lead] = await ctx.ds.query(`SELECT status, disposition FROM leads WHERE id = $1`, [calls[0]!.leadId]);
    expect(lead).toEqual({ status: 'done', disposition: 'answered' });
    // The unmapped value's warning was written on the thread and comes out of the main thread's logger.
    expect(logged).toContainEqual(expect.objectContaining({ level: 'warn', thread: 'apply', msg: expect.stringContaining('outside the mapping tables'), name: 'webhook-ingest' }));
  } finally {
    await thread.stop();
  }
});

it('when the thread dies, then a new one takes the next events and what the dead one held stays stored for the sweeper', async () => {
  const thread = await ApplyThread.start(cfg, createLogger({ service: 'webhook-ingest', level: 'silent' }), () => undefined);
  try {
    const first = (thread as unknown as { worker: Worker }).worker;
    await first.terminate();
    await eventually(async () => {
      const now = (thread as unknown as { worker: Worker | null }).worker;
      return now !== null && now !== first;
    }, { timeoutMs: 20_000, what: 'a new apply thread' });
    const e = await stored(await seed(), 'completed');
    thread.push(e);
    await eventually(async () => (await applied([e.eventId])) === 1, { timeoutMs: 20_000, what: 'the event applied by the new thread' });
  } finally {
    await thread.stop();
  }
});

it('when stopped, then pushes are refused quietly (the events are stored) and the thread is gone', async () => {
  const thread = await ApplyThread.start(cfg, logger, () => undefined);
  await thread.stop();
  const e = await stored(await seed(), 'completed');
  thread.push(e);
  expect(thread.pending).toBe(0);
  expect((thread as unknown as { worker: Worker | null }).worker).toBeNull();
  expect(await applied([e.eventId])).toBe(0);
});
