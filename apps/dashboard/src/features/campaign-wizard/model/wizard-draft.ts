import type { CreateCampaignBody, ImportPreview } from '../../../lib/api-types';
import type { CsvSniff } from '../../imports/sniff-csv';
import {
  defaultHours, defaultRetries, hoursProblems, parseHolidays, policyOf, rangesOf, type DayHours, type Retries,
} from '../../campaigns/model/calling-rules';
import type { NewLead } from '../../leads/api/add-leads';

export { RETRY_OUTCOMES, WEEKDAYS, type DayHours } from '../../campaigns/model/calling-rules';

/** Everything the wizard collects; nothing reaches the server before the last step. */
export interface WizardDraft {
  name: string;
  description: string;
  providerConnectionId: string;
  /** The connection's agent or flow, replaced for this campaign ('' = the connection's). */
  agentOverride: string;
  /** The connection's caller id, replaced for this campaign ('' = the connection's). */
  callerIdOverride: string;
  /** Seconds a call rings before it counts as unanswered (5–120). */
  ringTimeoutSeconds: number;
  /** The tenant's (GET /v1/tenant) until the person types another: see `withTenantCountry`. */
  defaultCountry: string;
  countryFromTenant: boolean;
  file: File | null;
  /** The server's preview of the file (POST /v1/imports/preview), read with `previewCountry`. */
  preview: ImportPreview | null;
  previewCountry: string;
  /** The browser's own look at the file: the row estimate, and the columns when the preview failed. */
  sniff: CsvSniff | null;
  mapping: Record<string, string>;
  /** Leads typed by hand, sent with POST /v1/campaigns/:id/leads once the campaign exists. */
  manualLeads: ManualLead[];
  hours: DayHours[];
  holidaysText: string;
  excludeWeekends: boolean;
  /** '' = no campaign cap. */
  maxCallsPerNumber24h: string;
  maxAttempts: number;
  maxConcurrentCalls: number;
  retries: Retries;
  startMode: 'now' | 'at';
  startAt: string;
  /** Optional: when it stops dialing by itself ('' = when every lead is done). */
  endAt: string;
}

export interface ManualLead { key: number; phone: string; firstName: string; lastName: string }

let nextKey = 1;
export const emptyLead = (): ManualLead => ({ key: nextKey++, phone: '', firstName: '', lastName: '' });
const isBlank = (l: ManualLead): boolean => !l.phone.trim() && !l.firstName.trim() && !l.lastName.trim();

/** The typed rows that carry something, as the API takes them. */
export function manualLeadsOf(d: WizardDraft): NewLead[] {
  return d.manualLeads.filter((l) => !isBlank(l)).map((l) => ({
    phone: l.phone.trim(),
    ...(l.firstName.trim() ? { firstName: l.firstName.trim() } : {}),
    ...(l.lastName.trim() ? { lastName: l.lastName.trim() } : {}),
  }));
}

/** The draft as shown: the tenant's default country while the person has not typed one. */
export function withTenantCountry(d: WizardDraft, tenantCountry: string | undefined): WizardDraft {
  return d.countryFromTenant && tenantCountry ? { ...d, defaultCountry: tenantCountry } : d;
}

export function newDraft(): WizardDraft {
  return {
    name: '', description: '', providerConnectionId: '', agentOverride: '', callerIdOverride: '', ringTimeoutSeconds: 30,
    defaultCountry: '', countryFromTenant: true,
    file: null, preview: null, previewCountry: '', sniff: null, mapping: {}, manualLeads: [emptyLead()],
    hours: defaultHours(), holidaysText: '', excludeWeekends: false, maxCallsPerNumber24h: '',
    maxAttempts: 3, maxConcurrentCalls: 5,
    retries: defaultRetries(),
    startMode: 'now', startAt: '', endAt: '',
  };
}

/** The problems of a step, by step index (empty: the step is complete). */
export function problems(d: WizardDraft): string[][] {
  const details: string[] = [];
  if (!d.name.trim()) details.push('The campaign needs a name.');
  if (!/^[A-Za-z]{2}$/.test(d.defaultCountry.trim())) details.push('The default country is a two-letter code such as US.');
  if (!(Number.isInteger(d.ringTimeoutSeconds) && d.ringTimeoutSeconds >= 5 && d.ringTimeoutSeconds <= 120)) details.push('The ring timeout is 5–120 seconds.');
  if (!d.providerConnectionId && (d.agentOverride.trim() || d.callerIdOverride.trim())) details.push('An agent or caller id of the campaign needs a provider connection.');
  const leads: string[] = [];
  if (d.file && !d.mapping.phone) leads.push('Choose the column with the phone number.');
  d.manualLeads.forEach((l, i) => {
    if (!isBlank(l) && !l.phone.trim()) leads.push(`Lead ${i + 1} needs a phone number.`);
  });
  const rules: string[] = hoursProblems(d.hours);
  const { invalid } = parseHolidays(d.holidaysText);
  if (invalid.length) rules.push(`Holidays that are not dates (YYYY-MM-DD): ${invalid.join(', ')}.`);
  const cap = d.maxCallsPerNumber24h.trim();
  if (cap && !(Number.isInteger(Number(cap)) && Number(cap) >= 1 && Number(cap) <= 100)) rules.push('Calls per number per 24 h is 1–100, or empty for no cap.');
  const schedule: string[] = [];
  if (d.startMode === 'at' && (!d.startAt || Number.isNaN(new Date(d.startAt).getTime()))) schedule.push('Choose the start date and time.');
  if (d.startMode === 'at' && d.startAt && new Date(d.startAt).getTime() < Date.now()) schedule.push('The start time is in the past.');
  if (d.endAt) {
    const end = new Date(d.endAt).getTime();
    if (Number.isNaN(end)) schedule.push('The end time is not a date.');
    else if (end < Date.now()) schedule.push('The end time is in the past.');
    else if (d.startMode === 'at' && d.startAt && end <= new Date(d.startAt).getTime()) schedule.push('The end must be after the start.');
  }
  return [details, leads, rules, schedule, []];
}

/** The POST /v1/campaigns body of a draft. */
export function toCreateBody(d: WizardDraft): CreateCampaignBody {
  const ranges = rangesOf(d.hours);
  const retryPolicy = policyOf(d.retries);
  return {
    name: d.name.trim(),
    ...(d.description.trim() ? { description: d.description.trim() } : {}),
    // Absent: the tenant's; the default zone follows the country (docs/dialing-rules.md), not this browser's zone.
    ...(d.countryFromTenant ? {} : { defaultCountry: d.defaultCountry.trim().toUpperCase() }),
    maxAttempts: d.maxAttempts,
    maxConcurrentCalls: d.maxConcurrentCalls,
    // The default share of the tenant's budget (docs/dialing-rules.md); PATCH /v1/campaigns/{id} changes it.
    weight: 1,
    ...(d.providerConnectionId ? { providerConnectionId: d.providerConnectionId } : {}),
    ...(d.providerConnectionId && d.agentOverride.trim() ? { agentOverride: d.agentOverride.trim() } : {}),
    ...(d.providerConnectionId && d.callerIdOverride.trim() ? { callerIdOverride: d.callerIdOverride.trim() } : {}),
    ringTimeoutSeconds: d.ringTimeoutSeconds,
    retryPolicy: retryPolicy as CreateCampaignBody['retryPolicy'],
    // The document describes CallingWindowDto.ranges and settings as empty objects (Record<string, never>, a
    // gap of the DTO's decorators); the server validates their real shape (weekday → time ranges).
    callingWindow: { ranges: ranges as Record<string, never>, holidays: parseHolidays(d.holidaysText).dates, excludeWeekends: d.excludeWeekends },
    ...(d.maxCallsPerNumber24h.trim() ? { maxCallsPerNumber24h: Number(d.maxCallsPerNumber24h) } : {}),
    ...(d.startMode === 'at' && d.startAt ? { scheduledStartAt: new Date(d.startAt).toISOString() } : {}),
    ...(d.endAt ? { scheduledEndAt: new Date(d.endAt).toISOString() } : {}),
  };
}
