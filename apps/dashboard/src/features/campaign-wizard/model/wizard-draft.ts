import type { CreateCampaignBody, ImportPreview } from '../../../lib/api-types';
import type { CsvSniff } from '../../imports/sniff-csv';

import { defaultHours, defaultRetries, hoursProblems, policyOf, rangesOf, type DayHours, type Retries } from '../../campaigns/model/calling-rules';

export { RETRY_OUTCOMES, WEEKDAYS, type DayHours } from '../../campaigns/model/calling-rules';

/** Everything the wizard collects; nothing reaches the server before the last step. */
export interface WizardDraft {
  name: string;
  description: string;
  providerConnectionId: string;
  defaultCountry: string;
  file: File | null;
  /** The server's preview of the file (POST /v1/imports/preview), read with `previewCountry`. */
  preview: ImportPreview | null;
  previewCountry: string;
  /** The browser's own look at the file: the row estimate, and the columns when the preview failed. */
  sniff: CsvSniff | null;
  mapping: Record<string, string>;
  hours: DayHours[];
  maxAttempts: number;
  maxConcurrentCalls: number;
  retries: Retries;
  startMode: 'now' | 'at';
  startAt: string;
}

export function newDraft(): WizardDraft {
  return {
    name: '', description: '', providerConnectionId: '', defaultCountry: 'US', file: null, preview: null, previewCountry: '', sniff: null, mapping: {},
    hours: defaultHours(),
    maxAttempts: 3, maxConcurrentCalls: 5,
    retries: defaultRetries(),
    startMode: 'now', startAt: '',
  };
}

/** The problems of a step, by step index (empty: the step is complete). */
export function problems(d: WizardDraft): string[][] {
  const details: string[] = [];
  if (!d.name.trim()) details.push('The campaign needs a name.');
  if (!/^[A-Za-z]{2}$/.test(d.defaultCountry.trim())) details.push('The default country is a two-letter code such as US.');
  const leads: string[] = [];
  if (d.file && !d.mapping.phone) leads.push('Choose the column with the phone number.');
  const rules: string[] = hoursProblems(d.hours);
  const schedule: string[] = [];
  if (d.startMode === 'at' && (!d.startAt || Number.isNaN(new Date(d.startAt).getTime()))) schedule.push('Choose the start date and time.');
  if (d.startMode === 'at' && d.startAt && new Date(d.startAt).getTime() < Date.now()) schedule.push('The start time is in the past.');
  return [details, leads, rules, schedule, []];
}

/** The POST /v1/campaigns body of a draft. */
export function toCreateBody(d: WizardDraft): CreateCampaignBody {
  const ranges = rangesOf(d.hours);
  const retryPolicy = policyOf(d.retries);
  return {
    name: d.name.trim(),
    defaultCountry: d.defaultCountry.trim().toUpperCase() || 'US',
    defaultTimezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'America/New_York',
    maxAttempts: d.maxAttempts,
    maxConcurrentCalls: d.maxConcurrentCalls,
    ...(d.providerConnectionId ? { providerConnectionId: d.providerConnectionId } : {}),
    retryPolicy: retryPolicy as CreateCampaignBody['retryPolicy'],
    // The document describes CallingWindowDto.ranges and settings as empty objects (Record<string, never>, a
    // gap of the DTO's decorators); the server validates their real shape (weekday → time ranges).
    callingWindow: { ranges: ranges as Record<string, never> },
    ...(d.startMode === 'at' && d.startAt ? { scheduledStartAt: new Date(d.startAt).toISOString() } : {}),
    ...(d.description.trim() ? { settings: Object.fromEntries([['description', d.description.trim()]]) as Record<string, never> } : {}),
  };
}
