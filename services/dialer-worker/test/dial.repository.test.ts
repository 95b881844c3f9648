import { createTestContext, type TestContext } from '@dialer/testing';
import { beginAttempt, finishLeadUndialled, markDialedMany, returnLeadToPending, undoAttempt } from '../src/dial.repository';

/** The guarded writes of the dial path: each must change nothing when the lead has moved on. */
describe('dial repository guards', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('dialrepo');
  });
  afterAll(async () => ctx.close());

  async function seed(leadStatus: string, attempts = 0) {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`);
    const [c] = await ctx.ds.query(`INSERT INTO campaigns (tenant_id, name, status) VALUES ($1, 'c', 'running') RETURNING id`, [t.id]);
    const [l] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts) VALUES ($1, $2, '+14155552671', $3, $4) RETURNING id`,
      [t.id, c.id, leadStatus, attempts]);
    const [p] = await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, secrets_sealed) VALUES ($1, 'p', 'twilio', 'x') RETURNING id`, [t.id]);
    return { tenantId: t.id as string, campaignId: c.id as string, leadId: l.id as string, attemptNo: attempts + 1, connectionId: p.id as string };
  }
  /** Attempts from the lead counters; null when nothing was ever counted for the campaign. */
  const stats = async (campaignId: string) => {
    const [r] = await ctx.ds.query(
      `SELECT count(*)::int AS rows, COALESCE(sum(n), 0)::int AS attempts FROM (
         SELECT n FROM campaign_lead_counts WHERE campaign_id = $1 AND key = 'attempts'
         UNION ALL SELECT n FROM lead_count_deltas WHERE campaign_id = $1 AND key = 'attempts') x`, [campaignId]);
    return r.rows === 0 ? null : { attempts: r.attempts };
  };
  const attemptRows = async (leadId: string) =>
    (await ctx.ds.query(`SELECT count(*)::int AS n FROM call_attempts WHERE lead_id = $1`, [leadId]))[0].n as number;

  it('when the lead is no longer queued at commit time, then no attempt is written and nothing is counted', async () => {
    const ref = await seed('pending');
    expect(await beginAttempt(ctx.ds, ref, { type: 'twilio', connectionId: ref.connectionId })).toEqual({ kind: 'stale', campaignRunning: true });
    expect(await attemptRows(ref.leadId)).toBe(0);
    expect(await stats(ref.campaignId)).toBeNull();
  });

  it('when the lead is queued, then the attempt is written, the lead dials and the attempt is counted once', async () => {
    const ref = await seed('queued');
    const r = await beginAttempt(ctx.ds, ref, { type: 'twilio', connectionId: ref.connectionId });
    expect(r.kind).toBe('created');
    expect(await beginAttempt(ctx.ds, ref, { type: 'twilio', connectionId: ref.connectionId })).toMatchObject({ kind: 'duplicate' });
    expect(await attemptRows(ref.leadId)).toBe(1);
    expect(await stats(ref.campaignId)).toEqual({ attempts: 1 });
    // Undo twice: only the first takes anything back.
    const attemptId = (r as { attemptId: string }).attemptId;
    expect(await undoAttempt(ctx.ds, ref, attemptId, null)).toBe(true);
    expect(await undoAttempt(ctx.ds, ref, attemptId, null)).toBe(false);
    expect(await stats(ref.campaignId)).toEqual({ attempts: 0 });
  });

  it('when a row for the attempt exists while the lead still looks due, then it is a duplicate and the lead is not touched', async () => {
    const ref = await seed('queued');
    await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, status) VALUES ($1, $2, $3, 1, 'twilio', 'created')`,
      [ref.tenantId, ref.campaignId, ref.leadId]);
    expect(await beginAttempt(ctx.ds, ref, { type: 'twilio', connectionId: ref.connectionId })).toMatchObject({ kind: 'duplicate' });
    const [l] = await ctx.ds.query(`SELECT status, attempts FROM leads WHERE id = $1`, [ref.leadId]);
    expect(l).toEqual({ status: 'queued', attempts: 0 });
    expect(await attemptRows(ref.leadId)).toBe(1);
  });

  it('when the campaign is paused at commit time, then nothing is written and the result says so', async () => {
    const ref = await seed('queued');
    await ctx.ds.query(`UPDATE campaigns SET status = 'paused' WHERE id = $1`, [ref.campaignId]);
    expect(await beginAttempt(ctx.ds, ref, { type: 'twilio', connectionId: ref.connectionId })).toEqual({ kind: 'stale', campaignRunning: false });
    const [l] = await ctx.ds.query(`SELECT status, attempts FROM leads WHERE id = $1`, [ref.leadId]);
    expect(l).toEqual({ status: 'queued', attempts: 0 });
    expect(await attemptRows(ref.leadId)).toBe(0);
  });

  it('when the number has a 24-hour cap, then the attempt is written behind the cap check, and refused once the cap is reached', async () => {
    const ref = await seed('queued');
    const now = new Date();
    const check = { phoneE164: '+14155552671', cap: 1, now };
    expect((await beginAttempt(ctx.ds, ref, { type: 'twilio', connectionId: ref.connectionId }, check)).kind).toBe('created');
    await ctx.ds.query(`UPDATE leads SET status = 'queued' WHERE id = $1`, [ref.leadId]);
    const second = await beginAttempt(ctx.ds, { ...ref, attemptNo: 2 }, { type: 'twilio', connectionId: ref.connectionId }, check);
    expect(second.kind).toBe('capped');
    expect(await attemptRows(ref.leadId)).toBe(1);
  });

  it('when the lead is not queued, then returning it or finishing it undialled changes nothing', async () => {
    const ref = await seed('dialing', 1);
    const stale = { ...ref, attemptNo: 1 };
    const before = await stats(ref.campaignId);
    expect(await returnLeadToPending(ctx.ds, stale)).toBe(false);
    expect(await finishLeadUndialled(ctx.ds, stale, 'dnc')).toBe(false);
    expect(await stats(ref.campaignId)).toEqual(before);
    expect((await ctx.ds.query(`SELECT count(*)::int AS n FROM campaign_stats WHERE campaign_id = $1`, [ref.campaignId]))[0].n).toBe(0);
    const [l] = await ctx.ds.query(`SELECT status FROM leads WHERE id = $1`, [ref.leadId]);
    expect(l.status).toBe('dialing');
  });

  it('when a lead a callback made due ends without a call (DNC at dial time), then its callback is closed, not left pending', async () => {
    const ref = await seed('queued');
    await ctx.ds.query(
      `INSERT INTO callbacks (tenant_id, campaign_id, lead_id, source, requested_at, due_at, prior_status, prior_next_attempt_at)
       VALUES ($1, $2, $3, 'api', now(), now(), 'pending', now())`, [ref.tenantId, ref.campaignId, ref.leadId]);
    expect(await finishLeadUndialled(ctx.ds, ref, 'dnc')).toBe(true);
    const cbs = await ctx.ds.query(`SELECT status, closed_at IS NOT NULL AS closed FROM callbacks WHERE lead_id = $1`, [ref.leadId]);
    expect(cbs).toEqual([{ status: 'cancelled', closed: true }]);
    const [l] = await ctx.ds.query(`SELECT status, disposition FROM leads WHERE id = $1`, [ref.leadId]);
    expect(l).toEqual({ status: 'done', disposition: 'dnc' });
  });

  it('when the provider accepted calls and an endpoint wants call.started, then the mark writes the event with it; without a listener it writes none', async () => {
    const listened = await seed('queued');
    await ctx.ds.query(
      `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret_sealed) VALUES ($1, 'https://crm.example.com/h', '{call.started}', 'sealed')`,
      [listened.tenantId]);
    const quiet = await seed('queued');
    const begun = await Promise.all([listened, quiet].map(async (ref) => {
      const r = await beginAttempt(ctx.ds, ref, { type: 'twilio', connectionId: ref.connectionId });
      if (r.kind !== 'created') throw new Error(r.kind);
      return { attemptId: r.attemptId, ref };
    }));
    await markDialedMany(ctx.ds, begun.map((b, i) => ({ attemptId: b.attemptId, providerCallId: `CA${i}`, ref: b.ref })));
    const events: Array<{ tenant_id: string; type: string; payload: Record<string, any> }> = await ctx.ds.query(
      `SELECT tenant_id, type, payload FROM outbound_events WHERE tenant_id = ANY($1::uuid[])`, [[listened.tenantId, quiet.tenantId]]);
    expect(events).toEqual([{
      tenant_id: listened.tenantId, type: 'call.started',
      payload: expect.objectContaining({ data: expect.objectContaining({ callAttemptId: begun[0]!.attemptId, leadId: listened.leadId, attemptNo: 1, providerCallId: 'CA0' }) }),
    }]);
    const marked = await ctx.ds.query(`SELECT provider_call_id FROM call_attempts WHERE id = ANY($1::uuid[]) ORDER BY provider_call_id`, [begun.map((b) => b.attemptId)]);
    expect(marked).toEqual([{ provider_call_id: 'CA0' }, { provider_call_id: 'CA1' }]);
  });
});
