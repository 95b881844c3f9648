import { randomInt } from 'node:crypto';
import { findStaleAttempts } from '@dialer/db';
import { createTestContext, type TestContext } from '@dialer/testing';

describe('the stale attempts the reconciler asks the providers about', () => {
  let ctx: TestContext;
  let tenant: string;
  let connection: string;

  beforeAll(async () => {
    ctx = await createTestContext('call_attempts_repo');
    tenant = (await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`))[0].id;
    connection = (await ctx.ds.query(
      `INSERT INTO provider_connections (tenant_id, name, type, config, secrets_sealed) VALUES ($1, 'c', 'twilio', '{}', 'x') RETURNING id`, [tenant]))[0].id;
  });
  afterAll(async () => ctx?.close());

  /** An unanswered attempt dialled `dialedAgoS` seconds ago, of a campaign that rings `ring` seconds. */
  async function ringing(ring: number, dialedAgoS: number): Promise<string> {
    const [c] = await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, default_timezone, ring_timeout_seconds) VALUES ($1, 'c', 'running', 'Etc/UTC', $2) RETURNING id`, [tenant, ring]);
    const [l] = await ctx.ds.query(
      `INSERT INTO leads (tenant_id, campaign_id, phone_e164, status, attempts, timezones) VALUES ($1, $2, $3, 'dialing', 1, '{Etc/UTC}') RETURNING id`,
      [tenant, c.id, `+447911${String(randomInt(0, 1_000_000)).padStart(6, '0')}`]);
    const at = new Date(Date.now() - dialedAgoS * 1000);
    const [a] = await ctx.ds.query(
      `INSERT INTO call_attempts (tenant_id, campaign_id, lead_id, attempt_no, provider, provider_connection_id, provider_call_id, status, created_at, dialed_at)
       VALUES ($1, $2, $3, 1, 'twilio', $4, $5, 'ringing', $6, $6) RETURNING id`,
      [tenant, c.id, l.id, connection, `CA${randomInt(0, 1e9)}`, at]);
    return a.id as string;
  }

  it('when a campaign rings longer than the default 30 s, then its unanswered attempts become stale that much later', async () => {
    const default90 = await ringing(30, 90);
    const long90 = await ringing(120, 90);
    const long200 = await ringing(120, 200);
    const short90 = await ringing(10, 90);
    // The reconciler's cut for a 30 s ring: dialled more than a minute ago.
    const now = Date.now();
    const stale = await findStaleAttempts(ctx.ds, { ringingBefore: new Date(now - 60_000), answeredBefore: new Date(now - 60_000) }, [],
      { total: 100, perConnection: 100 });
    const ids = stale.map((s) => s.id);
    // 120 s ring: stale after 60 + 90 s, not at 90 s; a shorter ring keeps the default cut.
    expect(ids.sort()).toEqual([default90, long200, short90].sort());
    expect(ids).not.toContain(long90);
  });
});
