/**
 * What the dashboard reads of campaigns (campaign-api answers). The OpenAPI document does not
 * describe success bodies yet: replace with `components['schemas'][…]` once it does.
 */
export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'stopped', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const OUTCOMES = ['answered', 'voicemail', 'busy', 'no_answer', 'failed', 'canceled', 'invalid_number', 'provider_error', 'opted_out'] as const;
export type Outcome = (typeof OUTCOMES)[number];

export interface RetryRule { enabled: boolean; delaySeconds: number; backoff?: number }
export type RetryPolicy = Partial<Record<Outcome, RetryRule>>;

export interface CallingWindow {
  start?: string;
  end?: string;
  days?: number[];
  ranges?: Record<string, Array<{ start: string; end: string }>>;
  holidays?: string[];
  excludeWeekends?: boolean;
  rulePack?: string;
}

export interface Campaign {
  id: string;
  name: string;
  status: CampaignStatus;
  version: number;
  providerConnectionId: string | null;
  defaultCountry: string;
  defaultTimezone: string;
  maxConcurrentCalls: number;
  maxAttempts: number;
  maxCallsPerNumber24h: number | null;
  retryPolicy: RetryPolicy;
  callingWindow: CallingWindow;
  settings: Record<string, unknown>;
  complianceMode: 'standard' | 'hipaa' | 'pci';
  scheduledStartAt: string | null;
  scheduledEndAt: string | null;
  startedAt: string | null;
  completedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** GET /v1/campaigns/:id/stats, also the `stats` event of the live stream. */
export interface CampaignStats {
  campaignId: string;
  status: CampaignStatus;
  totalLeads: number;
  leads: { pending: number; queued: number; dialing: number; done: number };
  dispositions: Record<string, number>;
  attempts: number;
  callsEnded: number;
  connected: number;
  voicemail: number;
  busy: number;
  noAnswer: number;
  failed: number;
  canceled: number;
  dncSuppressed: number;
  invalid: number;
  exhausted: number;
  qualified: number;
  live: number;
  liveCalls?: number;
  completed: number;
  talkSeconds: number;
  averageDurationSeconds: number;
  rates: { connect: number; success: number; qualification: number };
  callsPerMinute: number;
  estimatedCompletionAt: string | null;
  completedAt?: string | null;
}

/** The commands of the status machine (packages/domain campaign-status.ts, COMMAND_FROM). */
export type CampaignCommand = 'start' | 'pause' | 'resume' | 'stop' | 'cancel' | 'schedule';
export const COMMAND_FROM: Record<CampaignCommand, readonly CampaignStatus[]> = {
  start: ['draft', 'scheduled'],
  schedule: ['draft'],
  pause: ['running'],
  resume: ['paused'],
  stop: ['running', 'paused'],
  cancel: ['draft', 'scheduled'],
};
