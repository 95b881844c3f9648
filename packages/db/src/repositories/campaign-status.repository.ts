import type { DataSource, EntityManager } from 'typeorm';
import type { CallingWindow, CampaignStatus } from '@dialer/domain';
import { CampaignEntity } from '../entities/campaign.entity';
import { mutate, queryRows } from '../sql';

/**
 * The campaigns statements of the status machine (the campaign commands, the scheduler tick) and
 * the running campaigns the feeder reads. The decisions (which command is allowed from which status)
 * are the domain's `COMMAND_FROM`; these statements only execute them, each guarded in its WHERE so
 * that of two concurrent changes only one wins.
 */

/** What the feeder needs to know of a running campaign. */
export interface RunningCampaign {
  id: string;
  tenant_id: string;
  max_concurrent_calls: number;
  max_attempts: number;
  default_timezone: string;
  calling_window: CallingWindow;
}

const RUNNING_CAMPAIGN_COLUMNS = 'id, tenant_id, max_concurrent_calls, max_attempts, default_timezone, calling_window';

/** Running (not deleted) campaigns: all of them, or those of `only`. */
export async function findRunningCampaigns(ds: DataSource, only: string[] | null): Promise<RunningCampaign[]> {
  return only
    ? queryRows<RunningCampaign>(ds, `SELECT ${RUNNING_CAMPAIGN_COLUMNS} FROM campaigns WHERE id = ANY($1::uuid[]) AND status = 'running' AND deleted_at IS NULL`, [only])
    : queryRows<RunningCampaign>(ds, `SELECT ${RUNNING_CAMPAIGN_COLUMNS} FROM campaigns WHERE status = 'running' AND deleted_at IS NULL`);
}

/**
 * The running campaigns a feeder pass has work for, in ONE query whatever their number: those with
 * a pending lead due at `now` (one probe of the leads_due index each) whose hopper (queued leads)
 * is below its target, GREATEST(hopperMin, max_concurrent_calls × hopperFactor). With `queued`, so
 * the pass does not count again. Idle campaigns cost an index probe here and no statement of their own.
 */
export async function findCampaignsToFeed(
  ds: DataSource, only: string[] | null, hopper: { hopperMin: number; hopperFactor: number }, now: Date,
): Promise<Array<RunningCampaign & { queued: number }>> {
  const rows = await queryRows<RunningCampaign & { queued: string }>(ds,
    `SELECT ${RUNNING_CAMPAIGN_COLUMNS}, q.n AS queued
       FROM campaigns c
       CROSS JOIN LATERAL (SELECT count(*) AS n FROM leads l WHERE l.campaign_id = c.id AND l.status = 'queued') q
      WHERE c.status = 'running' AND c.deleted_at IS NULL AND ($1::uuid[] IS NULL OR c.id = ANY($1::uuid[]))
        AND EXISTS (SELECT 1 FROM leads l WHERE l.campaign_id = c.id AND l.status = 'pending' AND l.next_attempt_at <= $2)
        AND q.n < GREATEST($3::int, c.max_concurrent_calls * $4::numeric)`,
    [only, now, hopper.hopperMin, hopper.hopperFactor]);
  return rows.map((r) => ({ ...r, queued: Number(r.queued) }));
}

/**
 * The campaign if it is still running, locked FOR SHARE for the caller's transaction: a concurrent
 * stop waits for that transaction (and then ends what it queued).
 */
export async function lockRunningCampaign(m: EntityManager, campaignId: string): Promise<RunningCampaign | undefined> {
  return (await lockRunningCampaigns(m, [campaignId]))[0];
}

/** lockRunningCampaign for several campaigns, locked in id order (the same in every transaction); those still running. */
export async function lockRunningCampaigns(m: EntityManager, campaignIds: readonly string[]): Promise<RunningCampaign[]> {
  if (!campaignIds.length) return [];
  return queryRows<RunningCampaign>(m,
    `SELECT ${RUNNING_CAMPAIGN_COLUMNS} FROM campaigns
      WHERE id = ANY($1::uuid[]) AND status = 'running' AND deleted_at IS NULL ORDER BY id FOR SHARE`, [campaignIds]);
}

/** Starts every scheduled campaign (with a provider connection) whose start time has come; returns them. */
export async function startDueCampaigns(m: EntityManager, now: Date): Promise<Array<{ id: string; tenant_id: string; version: number }>> {
  const { rows } = await mutate<{ id: string; tenant_id: string; version: number }>(m,
    `UPDATE campaigns SET status = 'running', started_at = now(), version = version + 1, updated_at = now()
      WHERE status = 'scheduled' AND deleted_at IS NULL AND scheduled_start_at <= $1
        AND provider_connection_id IS NOT NULL
      RETURNING id, tenant_id, version`, [now]);
  return rows;
}

/** Running or paused campaigns whose scheduled end has passed. */
export async function findCampaignsPastEnd(ds: DataSource, now: Date): Promise<Array<{ id: string; tenant_id: string }>> {
  return queryRows<{ id: string; tenant_id: string }>(ds,
    `SELECT id, tenant_id FROM campaigns
      WHERE status IN ('running', 'paused') AND deleted_at IS NULL AND scheduled_end_at <= $1`, [now]);
}

/** The tenant's campaign (not soft-deleted), or null. */
export async function findTenantCampaign(m: EntityManager, tenantId: string, campaignId: string): Promise<CampaignEntity | null> {
  return m.getRepository(CampaignEntity).findOneBy({ id: campaignId, tenantId });
}

/** The tenant's campaign (not soft-deleted); throws when it is gone. */
export async function getTenantCampaign(m: EntityManager, tenantId: string, campaignId: string): Promise<CampaignEntity> {
  return m.getRepository(CampaignEntity).findOneByOrFail({ id: campaignId, tenantId });
}

/**
 * Moves a campaign to `to` if its status is still one of `from` (and, when `needsProvider`, it has a
 * provider connection); `started` also sets started_at. Returns false when another change won.
 */
export async function moveCampaignStatus(m: EntityManager, move: {
  tenantId: string; campaignId: string; to: CampaignStatus; from: readonly CampaignStatus[]; started: boolean; needsProvider: boolean;
}): Promise<boolean> {
  const { count } = await mutate(m,
    `UPDATE campaigns
        SET status = $3, version = version + 1, updated_at = now(),
            started_at = CASE WHEN $4 THEN now() ELSE started_at END
      WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL AND status = ANY($5::text[])
        AND ($6 = false OR provider_connection_id IS NOT NULL)
      RETURNING id`,
    [move.campaignId, move.tenantId, move.to, move.started, [...move.from], move.needsProvider]);
  return count > 0;
}
