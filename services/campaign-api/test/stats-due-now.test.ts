import { foldLeadCountDeltas, queryRows, recountCampaign } from '@dialer/db';
import { createTestContext, type TestContext } from '@dialer/testing';
import { getCampaign } from '../src/campaigns/campaigns.repository';
import { readDialingFacts } from '../src/stats/dialing.repository';
import { createTenant } from '../src/tenants/create-tenant';

/**
 * Issue 18: the stats read takes "leads due now" from the trigger-kept due-minute counters plus the
 * current minute of leads_due, so it costs the same at 1M leads as at 100. These check that the count
 * stays exact through inserts, state changes, retries, deletes and folds, and that the read does not
 * walk the backlog of due leads.
 */
let ctx: TestContext;
let tenantId: string;

beforeAll(async () => {
  ctx = await createTestContext('statsduenow');
  tenantId = (await createTenant(ctx.ds, 'due now')).tenantId;
});

afterAll(async () => {
  await ctx?.close();
});

const MINUTE = 60_000;
/** Mid-minute, so the current minute holds leads both before and after now. */
const now = new Date(Math.floor(Date.now() / MINUTE) * MINUTE + 30_000);
const at = (offsetMs: number) => new Date(now.getTime() + offsetMs);

async function newCampaign(): Promise<string> {
  const [c] = await queryRows<{ id: string }>(ctx.ds,
    `INSERT INTO campaigns (tenant_id, name, status, started_at) VALUES ($1, 'due now', 'running', now()) RETURNING id`, [tenantId]);
  return c!.id;
}

async function addLeads(campaignId: string, count: number, nextAttemptAt: Date, status = 'pending'): Promise<void> {
  await ctx.ds.query(
    `INSERT INTO leads (tenant_id, campaign_id, phone_e164, first_name, timezones, status, next_attempt_at)
     SELECT $1, $2, '+1' || (2000000000 + (random() * 999999999)::bigint)::text, 'Lead', '{America/New_York}', $4, $5
       FROM generate_series(1, $3::int)`, [tenantId, campaignId, count, status, nextAttemptAt]);
}

/** The truth, counted over leads. */
async function exactDue(campaignId: string): Promise<number> {
  const [r] = await queryRows<{ n: number }>(ctx.ds,
    `SELECT count(*)::int AS n FROM leads WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at <= $2`, [campaignId, now]);
  return r!.n;
}

async function dueNow(campaignId: string): Promise<number> {
  return (await readDialingFacts(ctx.ds, await getCampaign(ctx.ds, tenantId, campaignId), now)).dueNow;
}

/** The facts read, and every row its statements took from leads (returned or filtered out), from their plans. */
async function readWithLeadRows(campaignId: string): Promise<{ facts: Awaited<ReturnType<typeof readDialingFacts>>; leadRowsRead: number }> {
  const campaign = await getCampaign(ctx.ds, tenantId, campaignId);
  const statements: Array<[string, unknown[]]> = [];
  const query = ctx.ds.query.bind(ctx.ds);
  const spy = jest.spyOn(ctx.ds, 'query').mockImplementation((sql: string, params?: unknown) => {
    statements.push([sql, (params ?? []) as unknown[]]);
    return query(sql, params as unknown[]);
  });
  let facts;
  try {
    facts = await readDialingFacts(ctx.ds, campaign, now);
  } finally {
    spy.mockRestore();
  }
  let leadRowsRead = 0;
  const walk = (node: Record<string, any>): void => {
    if (node['Relation Name'] === 'leads') {
      leadRowsRead += ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1);
    }
    for (const child of (node.Plans ?? []) as Array<Record<string, any>>) walk(child);
  };
  for (const [sql, params] of statements) {
    const [row] = await queryRows<{ 'QUERY PLAN': Array<{ Plan: Record<string, any> }> }>(ctx.ds, `EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params);
    walk(row!['QUERY PLAN'][0]!.Plan);
  }
  expect(statements.length).toBeGreaterThan(0);
  return { facts, leadRowsRead };
}

async function foldAll(): Promise<void> {
  while ((await foldLeadCountDeltas(ctx.ds)).length > 0) { /* fold everything */ }
}

describe('leads due now, from the due-minute counters', () => {
  it('when leads are added, dialled, retried, moved and deleted, then due now stays exact before and after each fold', async () => {
    const id = await newCampaign();
    await addLeads(id, 40, at(-3 * 3_600_000));
    await addLeads(id, 30, at(-10 * MINUTE));
    await addLeads(id, 20, at(-20_000)); // this minute, before now
    await addLeads(id, 5, at(0)); // exactly now: due
    await addLeads(id, 7, at(20_000)); // this minute, after now
    await addLeads(id, 25, at(3_600_000)); // a retry later
    await addLeads(id, 9, at(-5 * MINUTE), 'queued');
    await addLeads(id, 11, at(-5 * MINUTE), 'done');
    expect(await exactDue(id)).toBe(95);
    expect(await dueNow(id)).toBe(95);
    await foldAll();
    expect(await dueNow(id)).toBe(95);

    // The feeder takes overdue leads; calls end into retries later and for good; a callback moves a lead.
    await ctx.ds.query(`UPDATE leads SET status = 'queued' WHERE id IN (SELECT id FROM leads WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at < $2 LIMIT 33)`, [id, at(-MINUTE)]);
    await ctx.ds.query(`UPDATE leads SET status = 'pending', next_attempt_at = $2 WHERE id IN (SELECT id FROM leads WHERE campaign_id = $1 AND status = 'queued' LIMIT 6)`, [id, at(2 * 3_600_000)]);
    await ctx.ds.query(`UPDATE leads SET status = 'pending', next_attempt_at = $2 WHERE id IN (SELECT id FROM leads WHERE campaign_id = $1 AND status = 'queued' LIMIT 4)`, [id, at(-2 * MINUTE)]);
    await ctx.ds.query(`UPDATE leads SET status = 'done', disposition = 'answered' WHERE id IN (SELECT id FROM leads WHERE campaign_id = $1 AND status = 'queued' LIMIT 8)`, [id]);
    await ctx.ds.query(`UPDATE leads SET next_attempt_at = $2 WHERE id IN (SELECT id FROM leads WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at > $3 LIMIT 3)`, [id, at(-40 * MINUTE), now]);
    await ctx.ds.query(`UPDATE leads SET next_attempt_at = $2 WHERE id IN (SELECT id FROM leads WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at < $3 LIMIT 2)`, [id, at(10_000), now]);
    await ctx.ds.query(`DELETE FROM leads WHERE id IN (SELECT id FROM leads WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at < $2 LIMIT 5)`, [id, now]);
    const expected = await exactDue(id);
    expect(expected).toBe(95 - 33 + 4 + 3 - 2 - 5);
    expect(await dueNow(id)).toBe(expected);
    await foldAll();
    expect(await dueNow(id)).toBe(expected);

    // Minutes whose pending leads have all moved on are dropped by the fold, not kept as zeros.
    await ctx.ds.query(`UPDATE leads SET status = 'queued' WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at < $2`, [id, at(-MINUTE)]);
    await foldAll();
    const zeros = await queryRows(ctx.ds, `SELECT key FROM campaign_due_counts WHERE campaign_id = $1 AND n = 0`, [id]);
    expect(zeros).toEqual([]);
    expect(await dueNow(id)).toBe(await exactDue(id));
    // They live apart from the lead counts (a campaign's stats or a campaign list page never reads them).
    expect(await queryRows(ctx.ds, `SELECT key FROM campaign_lead_counts WHERE campaign_id = $1 AND key LIKE 'due:%'`, [id])).toEqual([]);

    // The recount compares them with the leads, and would tell a counter that drifted.
    const recount = await recountCampaign(ctx.ds, tenantId, id);
    expect(recount.differences.filter((d) => d.field.startsWith('leads.'))).toEqual([]);
    const [minute] = await queryRows<{ key: string; n: string }>(ctx.ds, `SELECT key, n FROM campaign_due_counts WHERE campaign_id = $1 ORDER BY key LIMIT 1`, [id]);
    await ctx.ds.query(`UPDATE campaign_due_counts SET n = n + 1 WHERE campaign_id = $1 AND key = $2`, [id, minute!.key]);
    expect((await recountCampaign(ctx.ds, tenantId, id)).differences).toEqual([
      { field: `leads.due.${minute!.key.slice(4)}`, counter: Number(minute!.n) + 1, recount: Number(minute!.n) },
    ]);
  });

  it('when nothing is due, then the leads due within a minute of the first stay exact before and after each fold', async () => {
    const id = await newCampaign();
    const opens = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE + 2 * 3_600_000); // a window opening, on the minute
    await addLeads(id, 12, opens);
    await addLeads(id, 4, new Date(opens.getTime() + 30_000));
    await addLeads(id, 3, new Date(opens.getTime() + MINUTE - 1));
    await addLeads(id, 6, new Date(opens.getTime() + MINUTE));
    await addLeads(id, 5, new Date(opens.getTime() + 3 * MINUTE));
    const check = async (firstAt: Date, expected: number) => {
      const { next, dueNow: due } = await readDialingFacts(ctx.ds, await getCampaign(ctx.ds, tenantId, id), now);
      expect(due).toBe(0);
      expect(next?.at).toEqual(firstAt);
      expect(next?.leads).toBe(expected);
    };
    await check(opens, 19);
    await foldAll();
    await check(opens, 19);

    // Two leads move 20 s earlier: the minute after the first now ends part way through a counter minute.
    const first = new Date(opens.getTime() - 20_000);
    await ctx.ds.query(`UPDATE leads SET next_attempt_at = $2 WHERE id IN (SELECT id FROM leads WHERE campaign_id = $1 AND next_attempt_at = $3 LIMIT 2)`, [id, first, opens]);
    const [truth] = await queryRows<{ n: number }>(ctx.ds,
      `SELECT count(*)::int AS n FROM leads WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at < $2`, [id, new Date(first.getTime() + MINUTE)]);
    expect(truth!.n).toBe(16);
    await check(first, 16);
    await foldAll();
    await check(first, 16);
  });

  it('when a campaign has a backlog of due leads, then reading due now reads only the leads set for the rest of this minute', async () => {
    const id = await newCampaign();
    await addLeads(id, 500, at(-2 * 3_600_000));
    await addLeads(id, 300, at(-7 * MINUTE));
    await addLeads(id, 200, at(-10_000)); // an import a moment ago
    await addLeads(id, 2, at(10_000));
    await foldAll();
    await ctx.ds.query(`ANALYZE leads`);
    const { facts, leadRowsRead } = await readWithLeadRows(id);
    expect(facts.dueNow).toBe(1000);
    expect(leadRowsRead).toBeLessThanOrEqual(2);
  });

  it('when every lead waits for a window opening, then reading the next callable leads reads only the first lead', async () => {
    const id = await newCampaign();
    const opens = new Date(Math.floor(now.getTime() / MINUTE) * MINUTE + 5 * 3_600_000);
    await addLeads(id, 600, opens);
    await addLeads(id, 200, new Date(opens.getTime() + 30_000));
    await addLeads(id, 100, new Date(opens.getTime() + 3_600_000));
    await foldAll();
    await ctx.ds.query(`ANALYZE leads`);
    const { facts, leadRowsRead } = await readWithLeadRows(id);
    expect(facts.dueNow).toBe(0);
    expect(facts.next?.leads).toBe(800);
    expect(leadRowsRead).toBeLessThanOrEqual(1);
  });
});
