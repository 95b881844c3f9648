import { formatDateTime } from '../../../lib/format';
import { useProviderConnections } from '../../provider-connections/api/get-provider-connections';
import { parseHolidays } from '../../campaigns/model/calling-rules';
import { RETRY_OUTCOMES, WEEKDAYS, manualLeadsOf, type WizardDraft } from '../model/wizard-draft';
import styles from './wizard.module.css';

/** Open hours per week, as the schedule preview before there are leads (the detail page charts the real one). */
function weeklyHours(d: WizardDraft): number {
  return d.hours.reduce((sum, h) => {
    if (!h.enabled) return sum;
    const [sh, sm] = h.start.split(':').map(Number);
    const [eh, em] = h.end.split(':').map(Number);
    return sum + Math.max(0, ((eh ?? 0) * 60 + (em ?? 0) - ((sh ?? 0) * 60 + (sm ?? 0))) / 60);
  }, 0);
}

export function StepReview({ draft }: { draft: WizardDraft }) {
  const connections = useProviderConnections();
  const connection = connections.data?.find((c) => c.id === draft.providerConnectionId);
  const manual = manualLeadsOf(draft);
  const holidays = parseHolidays(draft.holidaysText).dates;
  return (
    <>
      <dl className={styles.summary}>
        <dt>Name</dt><dd>{draft.name || '—'}</dd>
        <dt>Description</dt><dd>{draft.description || '—'}</dd>
        <dt>Provider connection</dt><dd>{connection ? `${connection.name} (${connection.type})` : 'none (needed before starting)'}</dd>
        {connection ? <><dt>Agent or flow</dt><dd>{draft.agentOverride.trim() || "the connection's"}</dd></> : null}
        {connection && connection.type !== 'vapi' ? <><dt>Caller id</dt><dd>{draft.callerIdOverride.trim() || "the connection's"}</dd></> : null}
        <dt>Ring timeout</dt><dd>{draft.ringTimeoutSeconds} s</dd>
        <dt>Default country</dt><dd>{draft.defaultCountry.toUpperCase()}{draft.countryFromTenant ? " (your team's default)" : ''}; the default time zone follows it</dd>
        <dt>Leads</dt>
        <dd>
          {draft.file ? `${draft.file.name}, about ${draft.sniff?.estimatedRows.toLocaleString('en-US') ?? '?'} rows; phone from “${draft.mapping.phone ?? '?'}”` : 'none yet'}
          {draft.preview ? `; in the sample, ${draft.preview.sampleRows.length} rows ready and ${draft.preview.sampleErrors.length} refused` : ''}
        </dd>
        <dt>Leads typed by hand</dt><dd>{manual.length ? `${manual.length}: ${manual.slice(0, 3).map((l) => l.phone).join(', ')}${manual.length > 3 ? ', …' : ''}` : 'none'}</dd>
        <dt>Attempts</dt><dd>at most {draft.maxAttempts} per lead, {draft.maxConcurrentCalls} calls at once</dd>
        <dt>Calls per number per 24 h</dt><dd>{draft.maxCallsPerNumber24h.trim() ? `at most ${draft.maxCallsPerNumber24h.trim()} across campaigns` : 'no campaign cap (state caps still apply)'}</dd>
        <dt>Days off</dt><dd>{[draft.excludeWeekends ? 'weekends' : '', holidays.length ? `holidays ${holidays.join(', ')}` : ''].filter(Boolean).join('; ') || 'none'}</dd>
        <dt>Retries</dt>
        <dd>{RETRY_OUTCOMES.map((r) => { const v = draft.retries[r.outcome]!; return `${r.label}: ${v.enabled ? `after ${v.delayMinutes} min` : 'no'}`; }).join('; ')}</dd>
        <dt>Start</dt><dd>{draft.startMode === 'now' ? 'when started' : formatDateTime(draft.startAt ? new Date(draft.startAt) : null)}</dd>
        <dt>End</dt><dd>{draft.endAt ? formatDateTime(new Date(draft.endAt)) : 'when every lead is done'}</dd>
      </dl>
      <h3>Schedule preview</h3>
      <p>Calls may be placed up to {Math.round(weeklyHours(draft))} hours a week, in each callee's local time, within the legal hours of their country or state:</p>
      <table aria-label="Calling hours by weekday" style={{ maxWidth: '28rem' }}>
        <thead><tr><th scope="col">Day</th><th scope="col">Hours</th></tr></thead>
        <tbody>{WEEKDAYS.map((day, i) => { const h = draft.hours[i]!; return <tr key={day}><td>{day}</td><td>{h.enabled ? `${h.start}–${h.end}` : 'no calls'}</td></tr>; })}</tbody>
      </table>
      <p className="muted">Once the leads are in, the campaign page charts how many may be called hour by hour over the next 48 hours.</p>
    </>
  );
}
