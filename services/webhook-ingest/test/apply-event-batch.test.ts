import { createLogger } from '@dialer/platform';
import type { NormalizedCallEvent } from '@dialer/providers';
import { ConcurrencyLease, createQueue, leaseMember } from '@dialer/queue';
import type { Queue } from 'bullmq';
import { createTestContext, type TestContext } from '@dialer/testing';
import type { ApplyDeps, StoredCallEvent } from '../src/apply-call-event';
import { applyEventBatch } from '../src/apply-event-batch';
import { seedDialingLead, type Seeded } from './fixtures';

const KEY = 'batch-test-secrets-key-0123456789abcdef';

let ctx: TestContext;
let callFinished: Queue;
let deps: ApplyDeps;

beforeAll(async () => {
  ctx = await createTestContext('applybatch');
  callFinished = createQueue('callFinished', ctx.redis, ctx.queuePrefix);
  deps = { ds: ctx.ds, lease: new ConcurrencyLease(ctx.redis, ctx.queuePrefix), callFinishedQueue: callFinished, logger: createLogger({ service: 'test', level: 'silent' }) };
});

afterAll(async () => {
  await callFinished?.close();
  await ctx?.close();
});

const TERMINAL: Record<string, Pick<NormalizedCallEvent, 'status' | 'outcome'>> = {
  ringing: { status: 'ringing', outcome: null },
  'in-progress': { status: 'in_progress', outcome: null },
  completed: { status: 'completed', outcome: 'answered' },
  busy: { status: 'busy', outcome: 'busy' },
};

/** Stores a raw event row (as the writer does) and returns it ready to apply. */
async function stored(s: Seeded, raw: keyof typeof TERMINAL, at: Date, opts: { byAttemptId?: boolean } = {}): Promise<StoredCallEvent> {
  const key = `${s.callSid}:${raw}`;
  const [row] = await ctx.ds.query(
    `INSERT INTO webhook_events (tenant_id, provider, provider_connection_id, event_key, provider_call_id, payload)
     VALUES ($1, 'twilio', $2, $3, $4, '{}'::jsonb) RETURNING id`, [s.tenantId, s.connectionId, key, s.callSid]);
  return {
    eventId: String(row.id),
    tenantId: s.tenantId,
    providerConnectionId: s.connectionId,
    callAttemptId: opts.byAttemptId ? s.attemptId : null,
    event: {
      eventKey: key, providerCallId: s.callSid, rawStatus: raw, answeredBy: null, durationSeconds: raw === 'completed' ? 12 : null,
      occurredAt: at, ...(TERMINAL[raw] as Pick<NormalizedCallEvent, 'status' | 'outcome'>),
    },
  };
}

const seed = (): Promise<Seeded> => seedDialingLead(ctx.ds, ctx.redis, ctx.queuePrefix, KEY, { maxAttempts: 1 });

it('when one batch holds several calls\' events out of order, then each call ends as if they were applied one by one', async () => {
  const [a, b, c, d] = [await seed(), await seed(), await seed(), await seed()];
  const unknown = await seedDialingLead(ctx.ds, ctx.redis, ctx.queuePrefix, KEY, { withAttempt: false });
  const base = Date.now() - 60_000;
  const t = (s: number) => new Date(base + s * 1000);
  const batch = [
    await stored(a!, 'ringing', t(1)),
    await stored(b!, 'completed', t(5), { byAttemptId: true }),
    await stored(a!, 'in-progress', t(2)),
    await stored(c!, 'in-progress', t(3)),
    await stored(b!, 'ringing', t(1)), // late: b is already completed
    await stored(a!, 'completed', t(9)),
    await stored(c!, 'ringing', t(2)), // late: c is already answered
    await stored(unknown, 'ringing', t(1)),
    await stored(d!, 'busy', t(4)),
  ];

  const outcomes = await applyEventBatch(deps, batch, 2);

  expect(outcomes).toEqual(['applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'applied', 'pending', 'applied']);
  const rows: Array<{ id: string; status: string; answered_at: Date | null; ended_at: Date | null; outcome: string | null }> = await ctx.ds.query(
    `SELECT id, status, answered_at, ended_at, outcome FROM call_attempts WHERE id = ANY($1::uuid[])`, [[a!.attemptId, b!.attemptId, c!.attemptId, d!.attemptId]]);
  const by = new Map(rows.map((r) => [r.id, r]));
  expect(by.get(a!.attemptId)).toMatchObject({ status: 'completed', outcome: 'answered', answered_at: t(2), ended_at: t(9) });
  expect(by.get(b!.attemptId)).toMatchObject({ status: 'completed', outcome: 'answered', answered_at: null });
  expect(by.get(c!.attemptId)).toMatchObject({ status: 'in_progress', answered_at: t(3), ended_at: null });
  expect(by.get(d!.attemptId)).toMatchObject({ status: 'busy', outcome: 'busy' });

  // Leads of the ended calls are settled, their slots freed and their fold jobs added.
  const leads: Array<{ id: string; status: string; disposition: string | null }> = await ctx.ds.query(
    `SELECT id, status, disposition FROM leads WHERE id = ANY($1::uuid[])`, [[a!.leadId, b!.leadId, c!.leadId, d!.leadId]]);
  const lead = new Map(leads.map((l) => [l.id, l]));
  expect(lead.get(a!.leadId)).toMatchObject({ status: 'done', disposition: 'answered' });
  expect(lead.get(d!.leadId)).toMatchObject({ status: 'done' });
  expect(lead.get(c!.leadId)).toMatchObject({ status: 'dialing' });
  for (const s of [a!, b!, d!]) {
    expect(await deps.lease.members(s.campaignId)).not.toContain(leaseMember(s.leadId, 1));
    expect(await callFinished.getJob(s.attemptId)).toBeDefined();
  }
  expect(await deps.lease.members(c!.campaignId)).toContain(leaseMember(c!.leadId, 1));

  // Every event but the unknown call's is marked applied, with its attempt; that one waits for the sweeper.
  const events: Array<{ id: string; applied: boolean; call_attempt_id: string | null }> = await ctx.ds.query(
    `SELECT id::text, applied_at IS NOT NULL AS applied, call_attempt_id FROM webhook_events WHERE id = ANY($1::bigint[]) ORDER BY id`,
    [batch.map((e) => e.eventId)]);
  expect(events.filter((e) => !e.applied).map((e) => e.id)).toEqual([batch[7]!.eventId]);
  expect(events.filter((e) => e.applied).every((e) => e.call_attempt_id !== null)).toBe(true);

  // Applying the same batch again changes nothing (the sweeper may repeat it after a crash).
  const again = await applyEventBatch(deps, batch, 2);
  expect(again[7]).toBe('pending');
  const [after] = await ctx.ds.query(`SELECT status, ended_at FROM call_attempts WHERE id = $1`, [a!.attemptId]);
  expect(after).toMatchObject({ status: 'completed', ended_at: t(9) });
});
