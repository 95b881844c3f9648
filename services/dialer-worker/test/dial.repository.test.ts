import { createTestContext, type TestContext } from '@dialer/testing';
import { beginAttempt, finishLeadUndialled, returnLeadToPending, undoAttempt } from '../src/dial.repository';

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
});
