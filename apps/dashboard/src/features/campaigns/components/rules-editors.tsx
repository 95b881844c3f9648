import { TextAreaField } from '../../../components/field';
import { RETRY_OUTCOMES, WEEKDAYS, parseHolidays, type DayHours, type Retries } from '../model/calling-rules';
import styles from './rules-editors.module.css';

/**
 * The editors of a campaign's calling rules, shared by the wizard and the Settings tab: weekly hours
 * (one range per weekday), retries by outcome, holidays and "exclude weekends".
 */
export function WeeklyHoursEditor({ hours, onChange, disabled = false }: { hours: DayHours[]; onChange: (h: DayHours[]) => void; disabled?: boolean }) {
  const setDay = (i: number, p: Partial<DayHours>): void => onChange(hours.map((h, j) => (j === i ? { ...h, ...p } : h)));
  return (
    <div className={styles.days}>
      {WEEKDAYS.map((day, i) => {
        const h = hours[i]!;
        return [
          <label key={`${day}-on`} className={styles.check}><input type="checkbox" checked={h.enabled} disabled={disabled} onChange={(e) => setDay(i, { enabled: e.target.checked })} />Call on {day}</label>,
          <label key={`${day}-from`} className={styles.check}><span className="visually-hidden">{day} </span>from <input type="time" value={h.start} disabled={disabled || !h.enabled} onChange={(e) => setDay(i, { start: e.target.value })} /></label>,
          <label key={`${day}-to`} className={styles.check}><span className="visually-hidden">{day} </span>until <input type="time" value={h.end} disabled={disabled || !h.enabled} onChange={(e) => setDay(i, { end: e.target.value })} /></label>,
        ];
      })}
    </div>
  );
}

export function RetryEditor({ retries, onChange, disabled = false }: { retries: Retries; onChange: (r: Retries) => void; disabled?: boolean }) {
  const setRetry = (o: string, p: Partial<Retries[string]>): void => onChange({ ...retries, [o]: { ...retries[o]!, ...p } });
  return (
    <div className={styles.retries}>
      {RETRY_OUTCOMES.map((r) => {
        const v = retries[r.outcome]!;
        return [
          <label key={`${r.outcome}-on`} className={styles.check}><input type="checkbox" checked={v.enabled} disabled={disabled} onChange={(e) => setRetry(r.outcome, { enabled: e.target.checked })} />Retry after {r.label.toLowerCase()}</label>,
          <label key={`${r.outcome}-delay`} className={styles.check}>
            Delay<span className="visually-hidden"> after {r.label.toLowerCase()}, in minutes</span>
            <input type="number" min={0} max={43200} value={v.delayMinutes} disabled={disabled || !v.enabled} onChange={(e) => setRetry(r.outcome, { delayMinutes: Number(e.target.value) || 0 })} /> min
          </label>,
          <span key={`${r.outcome}-default`} className="muted">default {r.enabled ? `${r.delayMinutes} min` : 'off'}</span>,
        ];
      })}
    </div>
  );
}

/** Holidays as text (one date per line or comma-separated) and the weekend switch. */
export function DaysOffEditor({ holidaysText, excludeWeekends, onChange, disabled = false }: {
  holidaysText: string; excludeWeekends: boolean; disabled?: boolean;
  onChange: (p: { holidaysText?: string; excludeWeekends?: boolean }) => void;
}) {
  const { dates, invalid } = parseHolidays(holidaysText);
  return (
    <>
      <label className={styles.check}>
        <input type="checkbox" checked={excludeWeekends} disabled={disabled} onChange={(e) => onChange({ excludeWeekends: e.target.checked })} />Exclude weekends
      </label>
      <TextAreaField label="Holidays (no calls)" value={holidaysText} disabled={disabled} rows={3} placeholder="2026-12-25"
        onChange={(e) => onChange({ holidaysText: e.target.value })}
        hint={invalid.length
          ? `Not a date (YYYY-MM-DD): ${invalid.join(', ')}`
          : `One date per line, YYYY-MM-DD, in each callee's local calendar${dates.length ? ` (${dates.length} ${dates.length === 1 ? 'date' : 'dates'})` : ''}. State holiday bans are not built in: list them here.`} />
    </>
  );
}

/** Where the hours apply and which legal floor is added (docs/dialing-rules.md). */
export function HoursExplanation() {
  return (
    <p className="muted">
      Hours are in each callee's own time zone (from their number or the import; a number spanning several zones is called
      only when every zone is open). The legal rule pack of the callee's country or state also applies on top of these
      hours: for example the US allows 08:00–21:00 (some states less), India promotional calls 10:00–21:00.
    </p>
  );
}
