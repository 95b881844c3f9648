import type { CampaignCommand, CampaignStatus, Outcome } from '../../../lib/api-types';

/** The statuses and outcomes offered in filters (the document's enums, in display order). */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'stopped', 'cancelled'] as const satisfies readonly CampaignStatus[];
export const OUTCOMES = ['answered', 'voicemail', 'busy', 'no_answer', 'failed', 'canceled', 'invalid_number', 'provider_error', 'opted_out'] as const satisfies readonly Outcome[];

export const isCampaignStatus = (s: string | null): s is CampaignStatus => (CAMPAIGN_STATUSES as readonly string[]).includes(s ?? '');
export const isOutcome = (s: string | null): s is Outcome => (OUTCOMES as readonly string[]).includes(s ?? '');

/** The commands of the status machine: a copy of packages/domain COMMAND_FROM, held equal by test/campaign-status.test.ts. */
export const COMMAND_FROM: Record<CampaignCommand, readonly CampaignStatus[]> = {
  start: ['draft', 'scheduled'],
  schedule: ['draft'],
  pause: ['running'],
  resume: ['paused'],
  stop: ['running', 'paused'],
  cancel: ['draft', 'scheduled'],
};

/** Statuses in which the dialer may still call (the live stream is open, the list refreshes). */
export const isActive = (s: CampaignStatus): boolean => s === 'running' || s === 'paused' || s === 'scheduled';
