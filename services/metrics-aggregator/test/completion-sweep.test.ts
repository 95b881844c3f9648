import { reportWaitParams } from '@dialer/db';
import { createTestContext, type TestContext } from '@dialer/testing';
import { COMPLETE_ALL, completeFinishedCampaigns } from '../src/campaigns.repository';

/**
 * The completion sweep runs over every running campaign. A campaign with open leads must be ruled
 * out by its leads alone: its call attempts (the post-call report check) are read only for
 * campaigns whose leads have all ended. Checked on the plan the sweep actually ran.
 */
describe('completion sweep', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('sweep');
  });
  afterAll(async () => ctx?.close());

  type PlanNode = { 'Relation Name'?: string; 'Actual Loops'?: number; 'Actual Rows'?: number; Plans?: PlanNode[] };
  const visits = (n: PlanNode, rel: string): number =>
    (n['Relation Name'] === rel ? (n['Actual Loops'] ?? 0) : 0) + (n.Plans ?? []).reduce((a, p) => a + visits(p, rel), 0);

  it('when 200 running campaigns have open leads and recent Vapi calls, then the sweep never reads their call attempts, and completes only the finished one', async () => {
    const [t] = await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('s') RETURNING id`);
    await ctx.ds.query(
      `WITH c AS (INSERT INTO campaigns (tenant_id, name, status, started_at) SELECT $1, 'c' || g, 'running', now() FROM generate_series(1, 200) g RETURNING id),
            l AS (INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts)
                  SELECT $1, c.id, '+1415555' || lpad(g::text, 4, '0'), CASE WHEN g = 1 THEN 'pending' ELSE 'done' END, 1 FROM c, generate_series(1, 20) g RETURNING id, campaign_id)
       INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_call_id, status, ended_at)
       SELECT $1, l.campaign_id, l.id, 1, 'vapi', 'call-' || l.id, 'completed', now() - interval '5 minutes' FROM l`, [t.id]);
    const [done] = await ctx.ds.query(`INSERT INTO campaigns (tenant_id, name, status, started_at) VALUES ($1, 'finished', 'running', now()) RETURNING id`, [t.id]);
    await ctx.ds.query(`INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts) VALUES ($1, $2, '+14155559999', 'done', 1)`, [t.id, done.id]);

    const params = reportWaitParams({ graceMs: 120_000, now: new Date() });
    const plan = await ctx.ds.transaction(async (m) => {
      const [row] = await m.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${COMPLETE_ALL}`, params);
      await m.query('ROLLBACK'); // the explained UPDATE ran: take it back (typeorm's own rollback then finds none)
      return (row['QUERY PLAN'] as Array<{ Plan: PlanNode }>)[0]!.Plan;
    }).catch((err: unknown) => {
      if (/no transaction|not in transaction/i.test(String(err))) return null;
      throw err;
    });
    expect(plan).not.toBeNull();
    expect(visits(plan!, 'leads')).toBeGreaterThan(0);
    // At most the one finished campaign's attempts are looked at, never one read per running campaign.
    expect(visits(plan!, 'call_attempts')).toBeLessThanOrEqual(1);

    const completed = await completeFinishedCampaigns(ctx.ds, { graceMs: 120_000, now: new Date() });
    expect(completed.map((c) => c.id)).toEqual([done.id]);
  });
});
