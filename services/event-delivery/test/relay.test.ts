import type { JobsOptions } from 'bullmq';
import { createTenant } from '@dialer/campaign-api';
import { createLogger } from '@dialer/platform';
import { createQueue } from '@dialer/queue';
import { createTestContext, type TestContext } from '@dialer/testing';
import { Relay } from '../src/relay';

/**
 * The relay adds a delivery's job only once the delivery row is committed: the delivery worker
 * records each attempt on that row, and a job added inside the relay's transaction could be taken
 * and posted before the commit, leaving its attempt unrecorded (the delivery log stuck at pending).
 */
describe('outbox relay', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext('relay');
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it('when the relay adds a delivery job, then its delivery row is already committed (visible to another connection)', async () => {
    const tenant = await createTenant(ctx.ds, 'relay tenant');
    const [ep] = await ctx.ds.query(
      `INSERT INTO webhook_endpoints (tenant_id, url, event_types, secret_sealed) VALUES ($1, 'https://crm.example.com/hook', '{campaign.status_changed}', 'sealed') RETURNING id`,
      [tenant.tenantId]);
    await ctx.ds.query(
      `INSERT INTO outbound_events (tenant_id, type, payload) VALUES ($1, 'campaign.status_changed', '{"id":"e1"}'), ($1, 'call.ended', '{"id":"e2"}')`,
      [tenant.tenantId]);

    const queue = createQueue('webhookDelivery', ctx.redis, ctx.queuePrefix);
    const seen: Array<{ deliveryId: string; committed: boolean }> = [];
    const watching = {
      // The real queue, asked first whether each job's delivery can be seen from outside the relay's transaction.
      async addBulk(jobs: Array<{ name: string; data: { deliveryId: string }; opts?: JobsOptions }>) {
        for (const j of jobs) {
          const client = await ctx.ds.createQueryRunner();
          try {
            const rows: unknown[] = await client.query(`SELECT 1 FROM webhook_deliveries WHERE id = $1`, [j.data.deliveryId]);
            seen.push({ deliveryId: j.data.deliveryId, committed: rows.length === 1 });
          } finally {
            await client.release();
          }
        }
        return queue.addBulk(jobs);
      },
    };
    const relay = new Relay({ ds: ctx.ds, queue: watching as unknown as Pick<typeof queue, 'addBulk'>, logger: createLogger({ service: 'relay-test', level: 'silent' }), intervalMs: 1000, batch: 100 });
    try {
      await relay.drain();
      expect(seen).toHaveLength(1);
      expect(seen[0]!.committed).toBe(true);
      expect(await queue.getJobCounts('waiting')).toEqual({ waiting: 1 });
      const [d] = await ctx.ds.query(`SELECT endpoint_id, enqueued FROM webhook_deliveries`);
      expect(d).toEqual({ endpoint_id: ep.id, enqueued: true });
      // A second pass finds nothing more to do.
      expect(await relay.drain()).toBe(0);
      expect(seen).toHaveLength(1);
    } finally {
      await queue.close();
    }
  });
});
