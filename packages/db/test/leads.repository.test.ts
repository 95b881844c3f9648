import { lockDueLeads, stopOpenLeads } from '@dialer/db';
import { createTestContext, testPhones, type TestContext } from '@dialer/testing';

describe('the feeder\'s and the stop command\'s leads statements', () => {
  let ctx: TestContext;
  let tenant: string;

  beforeAll(async () => {
    ctx = await createTestContext('leads_repo');
    tenant = (await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`))[0].id;
  });
  afterAll(async () => ctx?.close());

  async function campaignWith(leads: Array<{ status: string; dueInSeconds: number }>): Promise<string> {
    const id: string = (await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, default_timezone) VALUES ($1, 'c', 'running', 'Etc/UTC') RETURNING id`, [tenant]))[0].id;
    const phones = testPhones(leads.length);
    for (const [i, l] of leads.entries()) {
      await ctx.ds.query(
        `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts, timezones, custom, next_attempt_at)
         VALUES ($1, $2, $3, $4, 0, '{}', '{}', now() + make_interval(secs => $5))`, [tenant, id, phones[i], l.status, l.dueInSeconds]);
    }
    return id;
  }

  it('when two feeders take due leads at once, then they take different leads and neither waits for the other (SKIP LOCKED)', async () => {
    const id = await campaignWith([
      ...Array.from({ length: 5 }, () => ({ status: 'pending', dueInSeconds: -60 })),
      { status: 'pending', dueInSeconds: 3600 }, { status: 'queued', dueInSeconds: -60 },
    ]);
    const now = new Date();
    const [first, second] = await ctx.ds.transaction(async (a) => {
      const mine = await lockDueLeads(a, id, 3, now);
      // A second feeder while the first still holds its leads; a lock wait would end in an error here.
      const theirs = await ctx.ds.transaction(async (b) => {
        await b.query(`SET LOCAL lock_timeout = '2s'`);
        return lockDueLeads(b, id, 3, now);
      });
      return [mine, theirs];
    });
    expect(first).toHaveLength(3);
    expect(second).toHaveLength(2); // the not-yet-due and the queued lead are not taken
    const ids = [...first, ...second].map((l) => l.id);
    expect(new Set(ids).size).toBe(5);
  });

  it('when a campaign is stopped, then its pending and queued leads end as stopped and the others stay', async () => {
    const id = await campaignWith([
      { status: 'pending', dueInSeconds: -60 }, { status: 'queued', dueInSeconds: -60 },
      { status: 'dialing', dueInSeconds: -60 }, { status: 'done', dueInSeconds: -60 },
    ]);
    const n = await ctx.ds.transaction((m) => stopOpenLeads(m, tenant, id));
    expect(n).toBe(2);
    const rows: Array<{ status: string; disposition: string | null }> = await ctx.ds.query(
      `SELECT status, disposition FROM leads WHERE campaign_id = $1 ORDER BY created_at, id`, [id]);
    expect(rows.filter((r) => r.disposition === 'stopped')).toHaveLength(2);
    expect(rows.map((r) => r.status).sort()).toEqual(['dialing', 'done', 'done', 'done']);
  });
});
