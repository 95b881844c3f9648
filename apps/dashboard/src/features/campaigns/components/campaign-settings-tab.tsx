import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Notice } from '../../../components/feedback';
import { FieldRow, SelectField, TextAreaField, TextField } from '../../../components/field';
import { ApiError } from '../../../lib/api-error';
import type { Campaign, CampaignWarning, ComplianceMode, UpdateCampaignBody } from '../../../lib/api-types';
import { queryClient } from '../../../lib/query-client';
import { useProviderConnections } from '../../provider-connections/api/get-provider-connections';
import { campaignKeys } from '../api/campaign-keys';
import { useUpdateCampaign } from '../api/update-campaign';
import {
  fromLocalInput, hoursOfWindow, hoursProblems, parseHolidays, policyOf, rangesOf, retriesOfPolicy, toLocalInput,
  type DayHours, type Retries,
} from '../model/calling-rules';
import { CampaignWarnings } from './campaign-warnings';
import { DaysOffEditor, HoursExplanation, RetryEditor, WeeklyHoursEditor } from './rules-editors';

const FINISHED = ['completed', 'stopped', 'cancelled'] as const;
const COMPLIANCE: ComplianceMode[] = ['standard', 'hipaa', 'pci'];

interface Form {
  name: string;
  description: string;
  providerConnectionId: string;
  /** '' = the connection's. */
  agentOverride: string;
  /** '' = the connection's. */
  callerIdOverride: string;
  ringTimeoutSeconds: number;
  complianceMode: ComplianceMode;
  maxConcurrentCalls: number;
  maxAttempts: number;
  /** '' = no campaign cap. */
  maxCallsPerNumber24h: string;
  hours: DayHours[];
  hoursTouched: boolean;
  retries: Retries;
  holidaysText: string;
  excludeWeekends: boolean;
  startAt: string;
  endAt: string;
}

function formOf(c: Campaign): Form {
  return {
    name: c.name,
    description: c.description ?? '',
    providerConnectionId: c.providerConnectionId ?? '',
    agentOverride: c.agentOverride ?? '',
    callerIdOverride: c.callerIdOverride ?? '',
    ringTimeoutSeconds: c.ringTimeoutSeconds,
    complianceMode: c.complianceMode,
    maxConcurrentCalls: c.maxConcurrentCalls,
    maxAttempts: c.maxAttempts,
    maxCallsPerNumber24h: c.maxCallsPerNumber24h == null ? '' : String(c.maxCallsPerNumber24h),
    hours: hoursOfWindow(c.callingWindow).hours,
    hoursTouched: false,
    retries: retriesOfPolicy(c.retryPolicy),
    holidaysText: (c.callingWindow.holidays ?? []).join('\n'),
    excludeWeekends: c.callingWindow.excludeWeekends ?? false,
    startAt: toLocalInput(c.scheduledStartAt),
    endAt: toLocalInput(c.scheduledEndAt),
  };
}

/**
 * The PATCH body of what changed (only those fields: a field left alone is not rewritten). The document
 * types the nullable PATCH fields (providerConnectionId, maxCallsPerNumber24h, scheduled*) without null, a
 * gap of the DTO decorators; the server's UpdateCampaignDto takes null to clear them.
 */
function changesOf(c: Campaign, f: Form): UpdateCampaignBody {
  const body: Record<string, unknown> = {};
  const before = formOf(c);
  if (f.name.trim() !== c.name) body.name = f.name.trim();
  if (f.description.trim() !== before.description) body.description = f.description.trim() || null;
  if (f.providerConnectionId !== before.providerConnectionId) body.providerConnectionId = f.providerConnectionId || null;
  if (f.agentOverride.trim() !== before.agentOverride) body.agentOverride = f.agentOverride.trim() || null;
  if (f.callerIdOverride.trim() !== before.callerIdOverride) body.callerIdOverride = f.callerIdOverride.trim() || null;
  if (f.ringTimeoutSeconds !== c.ringTimeoutSeconds) body.ringTimeoutSeconds = f.ringTimeoutSeconds;
  if (f.complianceMode !== c.complianceMode) body.complianceMode = f.complianceMode;
  if (f.maxConcurrentCalls !== c.maxConcurrentCalls) body.maxConcurrentCalls = f.maxConcurrentCalls;
  if (f.maxAttempts !== c.maxAttempts) body.maxAttempts = f.maxAttempts;
  if (f.maxCallsPerNumber24h !== before.maxCallsPerNumber24h) body.maxCallsPerNumber24h = f.maxCallsPerNumber24h ? Number(f.maxCallsPerNumber24h) : null;
  if (JSON.stringify(f.retries) !== JSON.stringify(before.retries)) body.retryPolicy = policyOf(f.retries);
  const holidays = parseHolidays(f.holidaysText).dates;
  if (f.hoursTouched || JSON.stringify(holidays) !== JSON.stringify(c.callingWindow.holidays ?? []) || f.excludeWeekends !== before.excludeWeekends) {
    // The window is replaced as a whole: the one read, with what was edited.
    body.callingWindow = {
      ...c.callingWindow,
      ...(f.hoursTouched ? { ranges: rangesOf(f.hours), start: undefined, end: undefined, days: undefined } : {}),
      holidays, excludeWeekends: f.excludeWeekends,
    };
  }
  if (f.startAt !== before.startAt) body.scheduledStartAt = fromLocalInput(f.startAt);
  if (f.endAt !== before.endAt) body.scheduledEndAt = fromLocalInput(f.endAt);
  return body as UpdateCampaignBody;
}

function problemsOf(f: Form): string[] {
  const out: string[] = [];
  if (!f.name.trim()) out.push('The campaign needs a name.');
  if (!(Number.isInteger(f.ringTimeoutSeconds) && f.ringTimeoutSeconds >= 5 && f.ringTimeoutSeconds <= 120)) out.push('The ring timeout is 5–120 seconds.');
  if (f.hoursTouched) out.push(...hoursProblems(f.hours));
  const { invalid } = parseHolidays(f.holidaysText);
  if (invalid.length) out.push(`Holidays that are not dates: ${invalid.join(', ')}.`);
  if (f.maxCallsPerNumber24h && !(Number(f.maxCallsPerNumber24h) >= 1 && Number(f.maxCallsPerNumber24h) <= 100)) out.push('Calls per number per 24 h is 1–100, or empty for no cap.');
  if (f.startAt && f.endAt && new Date(f.endAt) <= new Date(f.startAt)) out.push('The end must be after the start.');
  return out;
}

function SettingsForm({ campaign: c, onSaved, onConflict }: { campaign: Campaign; onSaved: (w: CampaignWarning[]) => void; onConflict: () => void }) {
  const [f, setF] = useState<Form>(() => formOf(c));
  const [shown, setShown] = useState<string[]>([]);
  const update = useUpdateCampaign();
  const connections = useProviderConnections();
  const finished = (FINISHED as readonly string[]).includes(c.status);
  const ro = finished || update.isPending;
  const set = (p: Partial<Form>): void => setF((x) => ({ ...x, ...p }));
  const { simplified } = hoursOfWindow(c.callingWindow);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const problems = problemsOf(f);
    setShown(problems);
    if (problems.length) return;
    const body = changesOf(c, f);
    if (!Object.keys(body).length) {
      setShown(['Nothing changed.']);
      return;
    }
    update.mutate({ id: c.id, version: c.version, body }, {
      onSuccess: (saved) => onSaved(saved.warnings),
      onError: (err) => {
        // 412: someone changed it meanwhile; read it again (the form starts over from the new version).
        if (err instanceof ApiError && err.status === 412) {
          onConflict();
          void queryClient.invalidateQueries({ queryKey: campaignKeys.detail(c.id), exact: true });
        }
      },
    });
  };

  return (
    <form onSubmit={submit} aria-label="Campaign settings">
      {finished ? <Notice>This campaign is {c.status}: a finished campaign cannot be changed. Clone it to call again with other settings.</Notice> : null}
      {c.status === 'running' || c.status === 'paused' ? <p className="muted">Changes to the hours, limits and retries apply from the next call placed.</p> : null}
      <fieldset disabled={ro}>
        <legend>Details</legend>
        <TextField label="Campaign name" value={f.name} onChange={(e) => set({ name: e.target.value })} required maxLength={200} />
        <TextAreaField label="Description" value={f.description} onChange={(e) => set({ description: e.target.value })} rows={2} maxLength={2000} />
        <SelectField label="Provider connection" value={f.providerConnectionId} onChange={(e) => set({ providerConnectionId: e.target.value })}>
          <option value="">— none (needed to start) —</option>
          {(connections.data ?? []).map((p) => <option key={p.id} value={p.id}>{p.name} ({p.type})</option>)}
        </SelectField>
        <FieldRow>
          <TextField label="Agent or flow" value={f.agentOverride} onChange={(e) => set({ agentOverride: e.target.value })} maxLength={500} placeholder="the connection's"
            hint="Vapi: an assistant id; Twilio: a TwiML URL or App sid (AP…); Exotel: a flow id or URL. Empty: the connection's." />
          <TextField label="Caller id" value={f.callerIdOverride} onChange={(e) => set({ callerIdOverride: e.target.value })} maxLength={20} placeholder="the connection's"
            hint="Twilio: the From number (E.164); Exotel: the ExoPhone; not for Vapi. Empty: the connection's." />
          <TextField label="Ring timeout (seconds)" type="number" min={5} max={120} value={f.ringTimeoutSeconds}
            onChange={(e) => set({ ringTimeoutSeconds: Number(e.target.value) })} hint="How long a call rings before it counts as unanswered." />
        </FieldRow>
        <SelectField label="Compliance mode" value={f.complianceMode} disabled={ro || c.status !== 'draft'} onChange={(e) => set({ complianceMode: e.target.value as ComplianceMode })}
          hint={c.status === 'draft' ? 'What is stored and shown (HIPAA: no recordings or transcripts; PCI: card numbers refused).' : 'Fixed: the compliance mode may change only while the campaign is a draft.'}>
          {COMPLIANCE.map((m) => <option key={m} value={m}>{m}</option>)}
        </SelectField>
      </fieldset>
      <fieldset disabled={ro}>
        <legend>Limits</legend>
        <FieldRow>
          <TextField label="Max concurrent calls" type="number" min={1} max={1000} value={f.maxConcurrentCalls} onChange={(e) => set({ maxConcurrentCalls: Number(e.target.value) || 1 })} />
          <TextField label="Max attempts per lead" type="number" min={1} max={20} value={f.maxAttempts} onChange={(e) => set({ maxAttempts: Number(e.target.value) || 1 })} />
          <TextField label="Calls per number per 24 h" type="number" min={1} max={100} value={f.maxCallsPerNumber24h} placeholder="no cap"
            onChange={(e) => set({ maxCallsPerNumber24h: e.target.value })} hint="Across all campaigns; empty: no campaign cap (a state's cap, e.g. Florida's 3, still applies)." />
        </FieldRow>
      </fieldset>
      <fieldset disabled={ro}>
        <legend>Calling hours</legend>
        <HoursExplanation />
        {simplified && !f.hoursTouched ? <p className="muted">Some days have several ranges; they are shown from the first start to the last end and kept as they are unless you change the hours here.</p> : null}
        <WeeklyHoursEditor hours={f.hours} disabled={ro} onChange={(hours) => set({ hours, hoursTouched: true })} />
        <DaysOffEditor holidaysText={f.holidaysText} excludeWeekends={f.excludeWeekends} disabled={ro} onChange={(p) => set(p)} />
      </fieldset>
      <fieldset disabled={ro}>
        <legend>Retries by outcome (an answered call or an opt-out is never retried)</legend>
        <RetryEditor retries={f.retries} disabled={ro} onChange={(retries) => set({ retries })} />
      </fieldset>
      <fieldset disabled={ro}>
        <legend>Schedule (your local time)</legend>
        <FieldRow>
          <TextField label="Scheduled start" type="datetime-local" value={f.startAt} disabled={ro || !(c.status === 'draft' || c.status === 'scheduled')}
            onChange={(e) => set({ startAt: e.target.value })} hint={c.status === 'draft' || c.status === 'scheduled' ? 'Empty: started by hand.' : 'It has started already.'} />
          <TextField label="Scheduled end" type="datetime-local" value={f.endAt} onChange={(e) => set({ endAt: e.target.value })} hint="Empty: it ends when every lead is done." />
        </FieldRow>
      </fieldset>
      {shown.length ? <div role="alert">{shown.join(' ')}</div> : null}
      {update.error instanceof ApiError && update.error.status === 412 ? null : <ErrorMessage error={update.error} />}
      {!finished ? <Button type="submit" variant="primary" disabled={update.isPending}>{update.isPending ? 'Saving…' : 'Save settings'}</Button> : null}
    </form>
  );
}

/**
 * The campaign's settings, edited in place (PATCH with If-Match). The form starts over from each new
 * version of the campaign (keyed by it), so a reload after a 412 shows what is stored now.
 */
export function CampaignSettingsTab({ campaign }: { campaign: Campaign }) {
  const [saved, setSaved] = useState<CampaignWarning[] | null>(null);
  const [conflict, setConflict] = useState(false);
  return (
    <>
      {conflict ? (
        <div role="alert">This campaign was changed elsewhere since you opened it (another person, or a command). It has been reloaded:
          check the settings below and save again.</div>
      ) : null}
      {saved ? (
        <>
          <Notice>Settings saved.{saved.length ? '' : ' No warnings: the hours and rule packs leave room to call.'}</Notice>
          <CampaignWarnings warnings={saved} title="Warnings after saving" />
        </>
      ) : null}
      <SettingsForm key={campaign.version} campaign={campaign} onSaved={(w) => { setConflict(false); setSaved(w); }}
        onConflict={() => { setSaved(null); setConflict(true); }} />
    </>
  );
}
