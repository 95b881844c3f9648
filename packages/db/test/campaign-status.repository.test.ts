import { lockRunningCampaign, moveCampaignStatus } from '@dialer/db';
import { createTestContext, type TestContext } from '@dialer/testing';

describe('the campaign status statements', () => {
  let ctx: TestContext;
  let tenant: string;

  beforeAll(async () => {
    ctx = await createTestContext('campaign_status_repo');
    tenant = (await ctx.ds.query(`INSERT INTO tenants (name) VALUES ('t') RETURNING id`))[0].id;
  });
  afterAll(async () => ctx?.close());

  async function campaign(status: string): Promise<string> {
    return (await ctx.ds.query(
      `INSERT INTO campaigns (tenant_id, name, status, default_timezone) VALUES ($1, 'c', $2, 'Etc/UTC') RETURNING id`, [tenant, status]))[0].id;
  }

  async function stateOf(id: string): Promise<{ status: string; version: number }> {
    return (await ctx.ds.query(`SELECT status, version FROM campaigns WHERE id = $1`, [id]))[0];
  }

  it('when two commands move the same campaign from the same status, then only the first one wins', async () => {
    const id = await campaign('running');
    const { version } = await stateOf(id);
    const pause = { tenantId: tenant, campaignId: id, to: 'paused', from: ['running'], started: false, needsProvider: false } as const;
    expect(await ctx.ds.transaction((m) => moveCampaignStatus(m, pause))).toBe(true);
    expect(await ctx.ds.transaction((m) => moveCampaignStatus(m, pause))).toBe(false);
    expect(await stateOf(id)).toEqual({ status: 'paused', version: version + 1 });
  });

  it('when a move needs a provider connection and the campaign has none, then it does not happen', async () => {
    const id = await campaign('draft');
    const start = { tenantId: tenant, campaignId: id, to: 'running', from: ['draft'], started: true, needsProvider: true } as const;
    expect(await ctx.ds.transaction((m) => moveCampaignStatus(m, start))).toBe(false);
    expect((await stateOf(id)).status).toBe('draft');
  });

  it('when a feeder holds a running campaign, then a stop waits for it; a campaign not running is not returned', async () => {
    const id = await campaign('running');
    await ctx.ds.transaction(async (feeder) => {
      expect((await lockRunningCampaign(feeder, id))?.id).toBe(id);
      await expect(ctx.ds.transaction(async (stop) => {
        await stop.query(`SET LOCAL lock_timeout = '300ms'`);
        await stop.query(`UPDATE campaigns SET status = 'stopped' WHERE id = $1`, [id]);
      })).rejects.toThrow(/lock timeout/);
    });
    await ctx.ds.query(`UPDATE campaigns SET status = 'stopped' WHERE id = $1`, [id]);
    expect(await ctx.ds.transaction((m) => lockRunningCampaign(m, id))).toBeUndefined();
  });
});
