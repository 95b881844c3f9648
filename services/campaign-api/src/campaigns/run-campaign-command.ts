import { CampaignEntity, readCampaignProgress, type DataSource, type EntityManager, mutate } from '@dialer/db';
import { CAMPAIGN_COMMANDS, COMMAND_FROM, type CampaignCommand, type CampaignStatus } from '@dialer/domain';
import { AppError } from '@dialer/platform';
import { writeAudit } from '../audit/audit.repository';
import { importInFlight } from '../imports/imports.repository';
import { countFinishedLeads } from '../stats/dispositions.repository';
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
  const before = await m.getRepository(CampaignEntity).findOneBy({ id: campaignId, tenantId });
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
  const { count } = await mutate(m,
    `UPDATE campaigns
        SET status = $3, version = version + 1, updated_at = now(),
            started_at = CASE WHEN $4 THEN now() ELSE started_at END
      WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL AND status = ANY($5::text[])
        AND ($6 = false OR provider_connection_id IS NOT NULL)
      RETURNING id`,
    [campaignId, tenantId, to, command === 'start', [...COMMAND_FROM[command]], needsProvider]);
  if (count === 0) {
    // Someone else changed it in between: answer from what it is now.
    const now = await m.getRepository(CampaignEntity).findOneBy({ id: campaignId, tenantId });
    if (!now) throw AppError.notFound('campaign', campaignId);
    throw invalidTransition(command, now.status);
  }

  let leadsStopped = 0;
  if (to === 'stopped') leadsStopped = await stopOpenLeads(m, tenantId, campaignId);

  const campaign = await m.getRepository(CampaignEntity).findOneByOrFail({ id: campaignId, tenantId });
  await writeAudit(m, {
    tenantId, apiKeyId, userId, action: `campaign.${command}`, entityType: 'campaign', entityId: campaignId,
    before: { status: before.status, version: before.version },
    after: { status: campaign.status, version: campaign.version, ...(to === 'stopped' ? { leadsStopped } : {}) },
  });
  return { campaign, leadsStopped };
}

/** Ends every lead not yet dialled (pending or queued) with disposition 'stopped', and counts them. */
async function stopOpenLeads(m: EntityManager, tenantId: string, campaignId: string): Promise<number> {
  const { count: n } = await mutate(m,
    `UPDATE leads SET status = 'done', disposition = 'stopped', updated_at = now()
      WHERE campaign_id = $1 AND tenant_id = $2 AND status IN ('pending', 'queued')`,
    [campaignId, tenantId]);
  await countFinishedLeads(m, tenantId, campaignId, 'stopped', n);
  return n;
}
