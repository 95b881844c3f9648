import { findCampaignsPastEnd, recordOutboundEvents, runCampaignCommand, startDueCampaigns, writeAudit, type DataSource } from '@dialer/db';
import { campaignStatusChangedEvent } from '@dialer/domain';
import { AppError, clock, type Logger } from '@dialer/platform';

export interface SchedulerResult {
  started: string[];
  stopped: string[];
}

/**
 * Starts scheduled campaigns whose scheduled_start_at has come, and stops running or paused ones
 * whose scheduled_end_at has passed (as the stop command does: open leads end as 'stopped').
 */
export async function schedulerTick(ds: DataSource, logger: Logger, now: Date = clock.now()): Promise<SchedulerResult> {
  const started = await ds.transaction(async (m) => {
    const rows = await startDueCampaigns(m, now);
    for (const r of rows) {
      await writeAudit(m, {
        tenantId: r.tenant_id, apiKeyId: null, action: 'campaign.start', entityType: 'campaign', entityId: r.id,
        before: { status: 'scheduled', version: r.version - 1 }, after: { status: 'running', version: r.version, by: 'scheduler' },
      });
    }
    await recordOutboundEvents(m, rows.map((r) => campaignStatusChangedEvent({
      tenantId: r.tenant_id, campaignId: r.id, from: 'scheduled', to: 'running', version: r.version, by: 'scheduler', command: 'start',
    })));
    return rows.map((r) => r.id);
  });

  const due = await findCampaignsPastEnd(ds, now);
  const stopped: string[] = [];
  for (const c of due) {
    try {
      await runCampaignCommand(ds, { tenantId: c.tenant_id, campaignId: c.id, command: 'stop', apiKeyId: null });
      stopped.push(c.id);
    } catch (err) {
      // Stopped or deleted meanwhile: nothing left to do.
      if (!(err instanceof AppError)) throw err;
    }
  }
  if (started.length || stopped.length) logger.info({ started, stopped }, 'scheduler changed campaigns');
  return { started, stopped };
}
