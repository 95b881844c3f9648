import type { DataSource, EntityManager } from '@dialer/db';
import { awaitsPostCallReport, recordOutboundEvents, reportWaitParams, returnedRows, type ReportWait } from '@dialer/db';
import { campaignStatusChangedEvent } from '@dialer/domain';

export interface CompletedCampaign {
  id: string;
  tenant_id: string;
  version: number;
}

/** campaign.status_changed for the campaigns just completed, in the completing transaction. */
async function announceCompleted(m: EntityManager, rows: CompletedCampaign[]): Promise<void> {
  await recordOutboundEvents(m, rows.map((r) => campaignStatusChangedEvent({
    tenantId: r.tenant_id, campaignId: r.id, from: 'running', to: 'completed', version: r.version, by: 'completion',
  })));
}

/**
 * A running campaign is complete when no lead is left open, no import is still adding leads and no
 * ended call's post-call report is still awaited (awaitsPostCallReport): a report may ask for a callback,
 * which a completed campaign would refuse. The guard sits in the UPDATE itself, so concurrent
 * checks complete a campaign once. Parameters $1–$4 are reportWaitParams(wait).
 *
 * The cheap checks (open leads, imports: one index probe each) run first, in a materialized CTE,
 * and only the campaigns they leave are checked for awaited reports (a second one); the UPDATE
 * re-checks the status on the row, so two sweeps at once complete a campaign once. Left to the planner, the sweep
 * over every running campaign scanned each campaign's recent call attempts before looking at its
 * leads (4.2 s for 1,000 campaigns in `FLEET_DEBUG=1 pnpm bench fleet`).
 */
function completeStatement(some: boolean): string {
  return `WITH candidates AS MATERIALIZED (
      SELECT c.id FROM campaigns c
       WHERE c.status = 'running' AND c.deleted_at IS NULL
         ${some ? 'AND (c.id, c.tenant_id) IN (SELECT * FROM unnest($5::uuid[], $6::uuid[]))' : ''}
         AND NOT EXISTS (SELECT 1 FROM leads l WHERE l.campaign_id = c.id AND l.status <> 'done')
         AND NOT EXISTS (SELECT 1 FROM import_jobs i WHERE i.campaign_id = c.id AND i.status IN ('pending', 'running'))),
    finished AS MATERIALIZED (
      SELECT k.id FROM candidates k
       WHERE NOT EXISTS (SELECT 1 FROM call_attempts a WHERE a.campaign_id = k.id AND ${awaitsPostCallReport(1)}))
    UPDATE campaigns c SET status = 'completed', completed_at = now(), updated_at = now(), version = version + 1
      FROM finished f
     WHERE c.id = f.id AND c.status = 'running' AND c.deleted_at IS NULL
    RETURNING c.id, c.tenant_id, c.version`;
}
/** For the campaigns named by $5 (ids) and $6 (their tenants). */
const COMPLETE_SOME = completeStatement(true);
/** The sweep's statement (its plan is checked by a test). */
export const COMPLETE_ALL = completeStatement(false);

/** Completes the named campaigns that have nothing left to do, in one statement; returns those this call completed. */
export async function completeCampaignsIfDone(
  ds: DataSource, campaigns: ReadonlyArray<{ tenantId: string; campaignId: string }>, wait: ReportWait,
): Promise<CompletedCampaign[]> {
  if (!campaigns.length) return [];
  return ds.transaction(async (m) => {
    const rows = returnedRows<CompletedCampaign>(await m.query(COMPLETE_SOME,
      [...reportWaitParams(wait), campaigns.map((c) => c.campaignId), campaigns.map((c) => c.tenantId)]));
    await announceCompleted(m, rows);
    return rows;
  });
}

/** The same check over every running campaign (those whose leads all ended without a call, e.g. all DNC). */
export async function completeFinishedCampaigns(ds: DataSource, wait: ReportWait): Promise<CompletedCampaign[]> {
  return ds.transaction(async (m) => {
    const rows = returnedRows<CompletedCampaign>(await m.query(COMPLETE_ALL, reportWaitParams(wait)));
    await announceCompleted(m, rows);
    return rows;
  });
}

export interface NextLeadRow {
  status: 'queued' | 'pending';
  attempts: number;
  phone_e164: string;
  timezones: string[];
}

/**
 * Up to `limit` leads of a campaign that could be dialed next: queued ones (their job is in the
 * hopper) first, then pending ones due by `now` (the dialer's clock, as the feeder takes them), with
 * what the caller needs to apply the feeder's rule (attempts, number, zones).
 */
export async function nextDialableLeads(ds: DataSource, campaignId: string, limit: number, now: Date): Promise<NextLeadRow[]> {
  return ds.query(
    `(SELECT status, attempts, phone_e164, timezones FROM leads WHERE campaign_id = $1 AND status = 'queued' LIMIT $2)
     UNION ALL
     (SELECT status, attempts, phone_e164, timezones FROM leads WHERE campaign_id = $1 AND status = 'pending' AND next_attempt_at <= $3
       ORDER BY next_attempt_at LIMIT $2)`, [campaignId, limit, now]);
}
