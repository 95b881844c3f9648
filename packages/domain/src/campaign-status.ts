export const CAMPAIGN_STATUSES = ['draft', 'scheduled', 'running', 'paused', 'completed', 'stopped', 'cancelled'] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

/** The campaign status machine: draft → scheduled → running ⇄ paused → completed | stopped | cancelled. */
const TRANSITIONS: Record<CampaignStatus, readonly CampaignStatus[]> = {
  draft: ['scheduled', 'running', 'cancelled'],
  scheduled: ['running', 'draft', 'cancelled'],
  running: ['paused', 'completed', 'stopped'],
  paused: ['running', 'stopped', 'completed'],
  completed: [],
  stopped: [],
  cancelled: [],
};

export function allowedTransitions(from: CampaignStatus): readonly CampaignStatus[] {
  return TRANSITIONS[from];
}

export function canTransition(from: CampaignStatus, to: CampaignStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function isTerminalCampaignStatus(s: CampaignStatus): boolean {
  return TRANSITIONS[s].length === 0;
}

/** Campaign commands exposed by the API and the status each one moves to. */
export const CAMPAIGN_COMMANDS = {
  start: 'running',
  schedule: 'scheduled',
  pause: 'paused',
  resume: 'running',
  stop: 'stopped',
  cancel: 'cancelled',
} as const satisfies Record<string, CampaignStatus>;
export type CampaignCommand = keyof typeof CAMPAIGN_COMMANDS;

/** The statuses a command may start from (resume only from paused, start only before running). */
export const COMMAND_FROM: Record<CampaignCommand, readonly CampaignStatus[]> = {
  start: ['draft', 'scheduled'],
  schedule: ['draft'],
  pause: ['running'],
  resume: ['paused'],
  stop: ['running', 'paused'],
  cancel: ['draft', 'scheduled'],
};
