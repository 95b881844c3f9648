import { createHash } from 'node:crypto';
import { dncHit, dncPhoneHash, findDncNumbers, findDncScopes } from '@dialer/db';
import { createTestContext, type TestContext } from '@dialer/testing';

describe('the do-not-call check', () => {
  let ctx: TestContext;
  let tenant: string;
  let other: string;
  let campaignA: string;
  let campaignB: string;
  const TENANT_WIDE = '+447911000001';
  const ONLY_A = '+447911000002';
  const OTHER_TENANT = '+447911000003';
  const CLEAN = '+447911000004';

  beforeAll(async () => {
    ctx = await createTestContext('dnc');
    tenant = (await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`))[0].id;
    other = (await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('o') RETURNING id`))[0].id;
    const campaign = `INSERT INTO campaigns (tenant_id, name, status, default_timezone) VALUES ($1, $2, 'draft', 'Etc/UTC') RETURNING id`;
    campaignA = (await ctx.ds.query(campaign, [tenant, 'a']))[0].id;
    campaignB = (await ctx.ds.query(campaign, [tenant, 'b']))[0].id;
    const entry = `INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, source) VALUES ($1, $2, $3, 'api')`;
    await ctx.ds.query(entry, [tenant, null, TENANT_WIDE]);
    await ctx.ds.query(entry, [tenant, campaignA, ONLY_A]);
    await ctx.ds.query(entry, [tenant, campaignA, TENANT_WIDE]);
    await ctx.ds.query(entry, [other, null, OTHER_TENANT]);
  });
  afterAll(async () => ctx.close());

  const all = [TENANT_WIDE, ONLY_A, OTHER_TENANT, CLEAN];

  it('when a number is on the tenant-wide list, then it is DNC for every campaign and for none of another tenant', async () => {
    expect([...await findDncNumbers(ctx.ds, tenant, campaignB, all)]).toEqual([TENANT_WIDE]);
    expect([...await findDncNumbers(ctx.ds, tenant, null, all)]).toEqual([TENANT_WIDE]);
    expect([...await findDncNumbers(ctx.ds, other, null, all)]).toEqual([OTHER_TENANT]);
  });

  it('when a number is on a campaign\'s list, then it is DNC for that campaign only', async () => {
    expect([...await findDncNumbers(ctx.ds, tenant, campaignA, all)].sort()).toEqual([TENANT_WIDE, ONLY_A].sort());
  });

  it('when the lists are asked for, then each number names the lists it is on', async () => {
    const scopes = await findDncScopes(ctx.ds, tenant, campaignA, all);
    expect(Object.fromEntries([...scopes].map(([p, s]) => [p, [...s].sort()]))).toEqual({
      [TENANT_WIDE]: ['campaign', 'tenant'], [ONLY_A]: ['campaign'],
    });
  });

  it('when used per row in a statement, then it answers as the set-based lookups do', async () => {
    const rows: Array<{ phone: string; dnc: boolean }> = await ctx.ds.query(
      `SELECT u.phone, ${dncHit({ tenant: '$1', phone: 'u.phone', campaign: '$2::uuid' })} AS dnc FROM unnest($3::text[]) AS u(phone)`,
      [tenant, campaignA, all]);
    expect(rows).toEqual([
      { phone: TENANT_WIDE, dnc: true }, { phone: ONLY_A, dnc: true }, { phone: OTHER_TENANT, dnc: false }, { phone: CLEAN, dnc: false },
    ]);
  });

  it('when a number is listed only as its hash (an erased person), then every check refuses it in this tenant and no other', async () => {
    const HASHED = '+447911000005';
    const hash = `sha256:${createHash('sha256').update(`${tenant}:${HASHED}`).digest('hex')}`;
    const [sql] = await ctx.ds.query(`SELECT ${dncPhoneHash('$1', '$2')} AS h`, [tenant, HASHED]);
    expect(sql.h).toBe(hash);
    await ctx.ds.query(`INSERT INTO dnc_entries (tenant_id, campaign_id, phone_e164, source) VALUES ($1, NULL, $2, 'erasure')`, [tenant, hash]);
    try {
      expect([...await findDncNumbers(ctx.ds, tenant, campaignB, [HASHED, CLEAN])]).toEqual([HASHED]);
      expect([...await findDncNumbers(ctx.ds, other, null, [HASHED])]).toEqual([]);
      expect([...(await findDncScopes(ctx.ds, tenant, campaignA, [HASHED])).get(HASHED) ?? []]).toEqual(['tenant']);
      // Per row, as the dial-time check runs it (tenant and phone from the lead's columns).
      const lead = await ctx.ds.query(
        `INSERT INTO leads (tenant_id, campaign_id, phone_e164) VALUES ($1, $2, $3), ($1, $2, $4) RETURNING id`, [tenant, campaignB, HASHED, CLEAN]);
      const rows: Array<{ phone_e164: string; dnc: boolean }> = await ctx.ds.query(
        `SELECT l.phone_e164, ${dncHit({ tenant: 'l.tenant_id', phone: 'l.phone_e164', campaign: 'l.campaign_id' })} AS dnc FROM leads l WHERE l.campaign_id = $1 ORDER BY l.phone_e164`,
        [campaignB]);
      expect(rows).toEqual([{ phone_e164: '+447911000004', dnc: false }, { phone_e164: HASHED, dnc: true }]);
      expect(lead).toHaveLength(2);
    } finally {
      await ctx.ds.query(`DELETE FROM leads WHERE campaign_id = $1`, [campaignB]);
      await ctx.ds.query(`DELETE FROM dnc_entries WHERE phone_e164 = $1`, [hash]);
    }
  });
});
