import type { DataSource, EntityManager } from 'typeorm';
import type { CampaignEntity } from '../entities/campaign.entity';
import { findTenantCampaign, getTenantCampaign, moveCampaignStatus } from '../repositories/campaign-status.repository';
import { readCampaignProgress } from '../repositories/lead-counts.repository';
import { stopOpenLeads } from '../repositories/leads.repository';
import { closeCallbacksOfEndedLeads } from '../repositories/callbacks.repository';
import { CAMPAIGN_COMMANDS, campaignStatusChangedEvent, COMMAND_FROM, type CampaignCommand, type CampaignStatus } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { writeAudit } from '../repositories/audit.repository';
import { recordOutboundEvents } from '../repositories/outbound-events.repository';
import { importInFlight } from '../repositories/import-jobs.repository';
import { checkCampaignNow } from './check-campaign';

export function isCampaignCommand(v: string): v is CampaignCommand {
  return Object.prototype.hasOwnProperty.call(CAMPAIGN_COMMANDS, v);
}

/** The commands a campaign in `status` accepts. */
export function commandsFrom(status: CampaignStatus): CampaignCommand[] {
  return (Object.keys(COMMAND_FROM) as CampaignCommand[]).filter((c) => COMMAND_FROM[c].includes(status));
}

export function invalidTransition(command: CampaignCommand, status: CampaignStatus): AppError {
  return new AppError('invalid_transition', `cannot ${command} a campaign that is ${status}`, {
    status: 409, details: { status, allowed: commandsFrom(status) },
  });
}

export interface CommandInput {
  tenantId: string;
  campaignId: string;
  command: CampaignCommand;
  /** Null when the scheduler tick runs the command. */
  apiKeyId: string | null;
  userId?: string | null;
}

export interface CommandResult {
  campaign: CampaignEntity;
  /** Leads ended with disposition 'stopped' (stop only). */
  leadsStopped: number;
}

/**
 * Moves a campaign through the status machine. The change is one conditional UPDATE
 * (… WHERE status IN (allowed from-statuses)), so of two concurrent commands only one can win;
 * the loser sees the new status and gets 409 invalid_transition.
 */
export async function runCampaignCommand(ds: DataSource, input: CommandInput): Promise<CommandResult> {
  return ds.transaction((m) => runInTx(m, input));
}

export async function runInTx(m: EntityManager, input: CommandInput): Promise<CommandResult> {
  const { tenantId, campaignId, command, apiKeyId, userId } = input;
  const before = await findTenantCampaign(m, tenantId, campaignId);
  if (!before) throw AppError.notFound('campaign', campaignId);
  if (!COMMAND_FROM[command].includes(before.status)) throw invalidTransition(command, before.status);
  const needsProvider = command === 'start' || command === 'schedule';
  if (needsProvider && !before.providerConnectionId) {
    throw new AppError('provider_connection_required',
      `a campaign needs a providerConnectionId before it can ${command}`, { status: 409, details: { status: before.status } });
  }
  if (command === 'start') {
    // Refuse a start that could never call anyone, and say why.
    const total = (await readCampaignProgress(m, tenantId, [campaignId]))[0]?.total ?? 0;
    // An import still on its way will bring leads: the campaign may start and calls as they arrive.
    if (total === 0 && !(await importInFlight(m, campaignId))) {
      throw new AppError('no_leads', 'the campaign has no leads: add them first (POST /v1/campaigns/:id/imports or …/leads)', { status: 409, details: { status: before.status } });
    }
    const { nothingCallable } = await checkCampaignNow(m, before);
    if (nothingCallable) throw new AppError('nothing_callable', nothingCallable.message, { status: 409, details: { status: before.status } });
  }
  if (command === 'schedule' && !before.scheduledStartAt) {
    throw new AppError('schedule_required', 'a campaign needs scheduledStartAt before it can be scheduled',
      { status: 409, details: { status: before.status } });
  }

  const to: CampaignStatus = CAMPAIGN_COMMANDS[command];
  const moved = await moveCampaignStatus(m, {
    tenantId, campaignId, to, from: COMMAND_FROM[command], started: command === 'start', needsProvider,
  });
  if (!moved) {
    // Someone else changed it in between: answer from what it is now.
    const now = await findTenantCampaign(m, tenantId, campaignId);
    if (!now) throw AppError.notFound('campaign', campaignId);
    throw invalidTransition(command, now.status);
  }

  let leadsStopped = 0;
  if (to === 'stopped') {
    leadsStopped = await stopOpenLeads(m, tenantId, campaignId);
    await closeCallbacksOfEndedLeads(m, tenantId, { campaignId });
  }

  const campaign = await getTenantCampaign(m, tenantId, campaignId);
  await writeAudit(m, {
    tenantId, apiKeyId, userId, action: `campaign.${command}`, entityType: 'campaign', entityId: campaignId,
    before: { status: before.status, version: before.version },
    after: { status: campaign.status, version: campaign.version, ...(to === 'stopped' ? { leadsStopped } : {}) },
  });
  await recordOutboundEvents(m, [campaignStatusChangedEvent({
    tenantId, campaignId, from: before.status, to: campaign.status, version: campaign.version, by: apiKeyId || userId ? 'command' : 'scheduler', command,
  })]);
  return { campaign, leadsStopped };
}
