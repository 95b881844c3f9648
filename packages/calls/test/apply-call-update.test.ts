import { applyCallUpdate } from '@dialer/calls';
import { foldCallAttempt, readLeadCounts } from '@dialer/db';
import { createTestContext, type TestContext } from '@dialer/testing';

describe('call attempt repository', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('attempts');
  });
  afterAll(async () => ctx.close());

  async function seed(opts: { maxAttempts?: number; policy?: object } = {}) {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const [c] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, max_attempts, retry_policy, default_timezone, calling_window)
       VALUES ($1, 'c', 'running', $2, $3, 'Etc/UTC', '{"start":"00:00","end":"23:59"}') RETURNING id`,
      [t.id, opts.maxAttempts ?? 3, JSON.stringify(opts.policy ?? {})]);
    // A UK number: no rule pack, so the retry time does not depend on the hour the test runs at.
    const [l] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts) VALUES ($1, $2, '+447911123456', 'dialing', 1) RETURNING id`, [t.id, c.id]);
    const [a] = await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_call_id, status)
       VALUES ($1, $2, $3, 1, 'twilio', $4, 'queued') RETURNING id`, [t.id, c.id, l.id, `CA${Math.random().toString(16).slice(2)}`]);
    return { tenantId: t.id as string, campaignId: c.id as string, leadId: l.id as string, attemptId: a.id as string };
  }

  it('when completed arrives and then a late ringing, then the attempt stays completed and the lead is done answered', async () => {
    const s = await seed();
    const r1 = await applyCallUpdate(ctx.ds, s.attemptId, { status: 'completed', rawStatus: 'completed', outcome: 'answered', durationSeconds: 42 });
    expect(r1).toMatchObject({ applied: true, terminal: true, lead: { final: true, disposition: 'answered' } });
    const r2 = await applyCallUpdate(ctx.ds, s.attemptId, { status: 'ringing', rawStatus: 'ringing' });
    expect(r2).toEqual({ applied: false, reason: 'not_forward' });
    const [a] = await ctx.ds.query(`SELECT status, outcome, duration_seconds, lead_final FROM call_attempts WHERE id = $1`, [s.attemptId]);
    expect(a).toEqual({ status: 'completed', outcome: 'answered', duration_seconds: 42, lead_final: true });
    const [l] = await ctx.ds.query(`SELECT status, disposition FROM leads WHERE id = $1`, [s.leadId]);
    expect(l).toEqual({ status: 'done', disposition: 'answered' });
  });

  it('when busy with attempts left, then the lead is pending again after the retry delay', async () => {
    const s = await seed({ policy: { busy: { enabled: true, delaySeconds: 600 } } });
    const at = new Date();
    const r = await applyCallUpdate(ctx.ds, s.attemptId, { status: 'busy', rawStatus: 'busy', outcome: 'busy', at });
    expect(r).toMatchObject({ applied: true, terminal: true, lead: { final: false, disposition: 'busy' } });
    const [l] = await ctx.ds.query(`SELECT status, next_attempt_at FROM leads WHERE id = $1`, [s.leadId]);
    expect(l.status).toBe('pending');
    expect(new Date(l.next_attempt_at).getTime()).toBe(at.getTime() + 600_000);
  });

  it('when the campaign was stopped while the call was live, then a busy call ends the lead as stopped, not retried', async () => {
    const s = await seed({ policy: { busy: { enabled: true, delaySeconds: 60 } } });
    await ctx.ds.query(`UPDATE campaigns SET status = 'stopped' WHERE id = $1`, [s.campaignId]);
    const r = await applyCallUpdate(ctx.ds, s.attemptId, { status: 'busy', rawStatus: 'busy', outcome: 'busy' });
    expect(r).toMatchObject({ applied: true, terminal: true, lead: { final: true, disposition: 'stopped' } });
    const [l] = await ctx.ds.query(`SELECT status, disposition FROM leads WHERE id = $1`, [s.leadId]);
    expect(l).toEqual({ status: 'done', disposition: 'stopped' });
  });

  it('when the attempt a callback brought about ends, then the callback is dialled (no longer pending) with its attempt number', async () => {
    const s = await seed({ policy: { busy: { enabled: true, delaySeconds: 600 } } });
    await ctx.ds.query(
      `INSERT INTO callbacks (tenant_id, campaign_id, lead_id, source, requested_at, due_at, prior_status, prior_next_attempt_at)
       VALUES ($1, $2, $3, 'api', now(), now(), 'pending', now())`, [s.tenantId, s.campaignId, s.leadId]);
    await applyCallUpdate(ctx.ds, s.attemptId, { status: 'busy', rawStatus: 'busy', outcome: 'busy' });
    const cbs = await ctx.ds.query(`SELECT status, attempt_no FROM callbacks WHERE lead_id = $1`, [s.leadId]);
    expect(cbs).toEqual([{ status: 'dialled', attempt_no: 1 }]);
  });

  it('when an ended attempt is folded twice, then the campaign counters move once', async () => {
    const s = await seed({ maxAttempts: 1 });
    expect(await foldCallAttempt(ctx.ds, s.attemptId)).toEqual({ counted: false }); // not ended yet
    await applyCallUpdate(ctx.ds, s.attemptId, { status: 'no_answer', rawStatus: 'no-answer', outcome: 'no_answer' });
    expect(await foldCallAttempt(ctx.ds, s.attemptId)).toMatchObject({ counted: true, campaignId: s.campaignId, outcome: 'no_answer' });
    expect(await foldCallAttempt(ctx.ds, s.attemptId)).toEqual({ counted: false });
    const [st] = await ctx.ds.query(`SELECT calls_ended, no_answer FROM campaign_stats WHERE campaign_id = $1`, [s.campaignId]);
    expect(st).toEqual({ calls_ended: '1', no_answer: '1' });
    // The lead's end is counted by the lead-count triggers, not by the fold.
    const leads = await readLeadCounts(ctx.ds, s.tenantId, s.campaignId);
    expect(leads).toMatchObject({ done: 1, dispositions: { exhausted: 1 } });
  });
});
