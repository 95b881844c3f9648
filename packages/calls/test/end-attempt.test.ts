import { Writable } from 'node:stream';
import { Queue } from 'bullmq';
import { endAttempt, leaseRecoveryFromPostgres, type EndAttemptDeps } from '@dialer/calls';
import { createLogger } from '@dialer/platform';
import { ConcurrencyLease, createRedis, leaseMember, QUEUES } from '@dialer/queue';
import { createTestContext, type TestContext } from '@dialer/testing';

describe('endAttempt: apply outcome → settle lead → free slot → ask for the fold', () => {
  let ctx: TestContext;
  let callFinished: Queue;
  let lease: ConcurrencyLease;
  const logLines: string[] = [];
  const logger = createLogger({
    service: 'calls-test',
    destination: new Writable({
      write(chunk: Buffer, _enc, cb) {
        logLines.push(chunk.toString('utf8'));
        cb();
      },
    }),
  });
  let deps: EndAttemptDeps;

  beforeAll(async () => {
    ctx = await createTestContext('endattempt');
    callFinished = new Queue(QUEUES.callFinished.name, { connection: ctx.redis, prefix: ctx.queuePrefix });
    lease = new ConcurrencyLease(ctx.redis, ctx.queuePrefix);
    deps = { ds: ctx.ds, lease, callFinishedQueue: callFinished, logger };
  });
  afterAll(async () => {
    await callFinished?.close();
    await ctx?.close();
  });

  /** A running campaign (all-day window, UK number: no rule pack), a lead dialing attempt 1, its live attempt holding a slot. */
  async function seed(opts: { maxAttempts?: number } = {}) {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const [c] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, max_attempts, retry_policy, default_timezone, calling_window)
       VALUES ($1, 'c', 'running', $2, '{"busy":{"enabled":true,"delaySeconds":600}}', 'Etc/UTC', '{"start":"00:00","end":"24:00"}') RETURNING id`,
      [t.id, opts.maxAttempts ?? 3]);
    const [l] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts) VALUES ($1, $2, '+447911123456', 'dialing', 1) RETURNING id`,
      [t.id, c.id]);
    const [a] = await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status) VALUES ($1, $2, $3, 1, 'twilio', 'ringing') RETURNING id`,
      [t.id, c.id, l.id]);
    const s = { tenantId: t.id as string, campaignId: c.id as string, leadId: l.id as string, attemptId: a.id as string };
    await lease.rebuild([], 60_000); // the marker: the leases are intact
    expect(await lease.take(s.campaignId, leaseMember(s.leadId, 1), 5, 60_000)).toBe('held');
    return s;
  }

  it('when a busy ends the lead\'s current attempt, then the lead is pending at the retry time, the slot is free and the fold job is added once', async () => {
    const s = await seed();
    const at = new Date();
    const r = await endAttempt(deps, s.attemptId, { status: 'busy', rawStatus: 'busy', outcome: 'busy', at });
    expect(r).toMatchObject({ applied: true, terminal: true, lead: { final: false, disposition: 'busy', nextAttemptAt: new Date(at.getTime() + 600_000) } });
    const [lead] = await ctx.ds.query(`SELECT status, disposition FROM leads WHERE id = $1`, [s.leadId]);
    expect(lead).toEqual({ status: 'pending', disposition: 'busy' });
    const [attempt] = await ctx.ds.query(`SELECT status, outcome, lead_final FROM call_attempts WHERE id = $1`, [s.attemptId]);
    expect(attempt).toEqual({ status: 'busy', outcome: 'busy', lead_final: false });
    expect(await lease.members(s.campaignId)).toEqual([]);
    expect((await callFinished.getJob(s.attemptId))?.data).toEqual({ tenantId: s.tenantId, campaignId: s.campaignId, callAttemptId: s.attemptId });

    // The same terminal status again (a duplicate webhook): nothing changes, the slot taken since stays held.
    expect(await lease.take(s.campaignId, leaseMember(s.leadId, 2), 5, 60_000)).toBe('held');
    expect(await endAttempt(deps, s.attemptId, { status: 'busy', rawStatus: 'busy', outcome: 'busy' })).toEqual({ applied: false, reason: 'not_forward' });
    expect(await lease.members(s.campaignId)).toEqual([leaseMember(s.leadId, 2)]);
    expect(await callFinished.getJobCounts('waiting', 'delayed', 'active', 'completed')).toMatchObject({ waiting: 1 });
  });

  it('when a progress status arrives, then the attempt moves forward and keeps its slot, and no fold is asked for', async () => {
    const s = await seed();
    const r = await endAttempt(deps, s.attemptId, { status: 'in_progress', rawStatus: 'in-progress' });
    expect(r).toMatchObject({ applied: true, terminal: false });
    expect(await lease.members(s.campaignId)).toEqual([leaseMember(s.leadId, 1)]);
    expect(await callFinished.getJob(s.attemptId)).toBeUndefined();
  });

  it('when freeing the slot fails (Redis unreachable), then the attempt and lead stay settled, nothing is thrown, and a warning says the sweeper repeats it', async () => {
    const s = await seed({ maxAttempts: 1 });
    // A producer connection to a port nothing listens on: its commands fail at once.
    const down = createRedis('redis://127.0.0.1:1', 'producer');
    try {
      const r = await endAttempt({ ...deps, lease: new ConcurrencyLease(down, ctx.queuePrefix) }, s.attemptId,
        { status: 'no_answer', rawStatus: 'no-answer', outcome: 'no_answer' });
      expect(r).toMatchObject({ applied: true, terminal: true, lead: { final: true, disposition: 'exhausted' } });
    } finally {
      down.disconnect();
    }
    const [lead] = await ctx.ds.query(`SELECT status, disposition FROM leads WHERE id = $1`, [s.leadId]);
    expect(lead).toEqual({ status: 'done', disposition: 'exhausted' });
    expect(await lease.members(s.campaignId)).toEqual([leaseMember(s.leadId, 1)]); // left for the sweeper
    const warning = logLines.map((l) => JSON.parse(l) as { level: string; msg: string; callAttemptIds?: string[] })
      .find((l) => l.callAttemptIds?.includes(s.attemptId));
    expect(warning).toMatchObject({ level: 'warn', msg: 'terminal post-steps failed; the sweeper will repeat them' });
  });

  it('when Redis lost the leases, then leaseRecoveryFromPostgres rebuilds the slot of every live attempt, once', async () => {
    const s = await seed();
    await ctx.redis.del(lease.markerKey(), lease.key(s.campaignId));
    const recovery = leaseRecoveryFromPostgres(ctx.ds, lease, 60_000, logger);
    const [first, second] = await Promise.all([recovery.ensure(), recovery.ensure()]);
    expect([first, second]).toEqual([true, true]); // one rebuild, shared
    expect(await lease.members(s.campaignId)).toEqual([leaseMember(s.leadId, 1)]);
    expect(await recovery.ensure()).toBe(false);
  });

  it('when an endpoint listens, then the end writes call.ended and lead.completed into the outbox in its transaction, the recording and analysis as the compliance mode allows', async () => {
    for (const mode of ['standard', 'hipaa'] as const) {
      const s = await seed({ maxAttempts: 1 });
      await ctx.ds.query(`UPDATE campaigns SET compliance_mode = $2 WHERE id = $1`, [s.campaignId, mode]);
      await ctx.ds.query(
        `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret_sealed) VALUES ($1, 'https://crm.example.com/h', '{call.ended,lead.completed}', 'sealed')`,
        [s.tenantId]);
      await endAttempt(deps, s.attemptId, {
        status: 'completed', rawStatus: 'completed', outcome: 'answered', durationSeconds: 42, recordingUrl: 'https://rec.example.com/1.mp3',
        analysis: { summary: 'interested' },
      });
      const rows: Array<{ type: string; campaign_id: string; payload: Record<string, any> }> = await ctx.ds.query(
        `SELECT type, campaign_id, payload FROM outbound_events WHERE tenant_id = $1 ORDER BY type`, [s.tenantId]);
      expect(rows.map((r) => r.type)).toEqual(['call.ended', 'lead.completed']);
      const [ended, completed] = rows.map((r) => r.payload);
      expect(ended).toMatchObject({
        type: 'call.ended', tenantId: s.tenantId,
        data: {
          callAttemptId: s.attemptId, leadId: s.leadId, campaignId: s.campaignId, outcome: 'answered', durationSeconds: 42,
          recordingUrl: mode === 'standard' ? 'https://rec.example.com/1.mp3' : null, analysis: mode === 'standard' ? { summary: 'interested' } : null,
          lead: { final: true, disposition: 'answered' },
        },
      });
      expect(completed).toMatchObject({ type: 'lead.completed', data: { leadId: s.leadId, disposition: 'answered', attempts: 1 } });
      expect(JSON.stringify(rows)).not.toContain('+447911123456');
    }
  });

  it('when nobody listens, then the end writes no outbox row', async () => {
    const s = await seed({ maxAttempts: 1 });
    await endAttempt(deps, s.attemptId, { status: 'completed', rawStatus: 'completed', outcome: 'answered' });
    expect(await ctx.ds.query(`SELECT id FROM outbound_events WHERE tenant_id = $1`, [s.tenantId])).toEqual([]);
  });
});
