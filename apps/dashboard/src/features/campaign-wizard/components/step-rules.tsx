import { TextField } from '../../../components/field';
import { RETRY_OUTCOMES, WEEKDAYS, type WizardDraft } from '../model/wizard-draft';
import styles from './wizard.module.css';

export function StepRules({ draft, update }: { draft: WizardDraft; update: (p: Partial<WizardDraft>) => void }) {
  const setDay = (i: number, p: Partial<WizardDraft['hours'][number]>): void =>
    update({ hours: draft.hours.map((h, j) => (j === i ? { ...h, ...p } : h)) });
  const setRetry = (o: string, p: Partial<WizardDraft['retries'][string]>): void =>
    update({ retries: { ...draft.retries, [o]: { ...draft.retries[o]!, ...p } } });
  return (
    <>
      <fieldset>
        <legend>Calling hours (in each callee's local time; the legal limits of their state or country also apply)</legend>
        <div className={styles.days}>
          {WEEKDAYS.map((day, i) => {
            const h = draft.hours[i]!;
            return [
              <label key={`${day}-on`} className={styles.check}><input type="checkbox" checked={h.enabled} onChange={(e) => setDay(i, { enabled: e.target.checked })} />Call on {day}</label>,
              <label key={`${day}-from`} className={styles.check}><span className="visually-hidden">{day} </span>from <input type="time" value={h.start} disabled={!h.enabled} onChange={(e) => setDay(i, { start: e.target.value })} /></label>,
              <label key={`${day}-to`} className={styles.check}><span className="visually-hidden">{day} </span>until <input type="time" value={h.end} disabled={!h.enabled} onChange={(e) => setDay(i, { end: e.target.value })} /></label>,
            ];
          })}
        </div>
      </fieldset>
      <fieldset>
        <legend>Attempts and concurrency</legend>
        <TextField label="Max attempts per lead" type="number" min={1} max={20} value={draft.maxAttempts} onChange={(e) => update({ maxAttempts: Number(e.target.value) || 1 })} />
        <TextField label="Max concurrent calls" type="number" min={1} max={1000} value={draft.maxConcurrentCalls} onChange={(e) => update({ maxConcurrentCalls: Number(e.target.value) || 1 })} />
      </fieldset>
      <fieldset>
        <legend>Retries by outcome (an answered call or an opt-out is never retried)</legend>
        <div className={styles.retries}>
          {RETRY_OUTCOMES.map((r) => {
            const v = draft.retries[r.outcome]!;
            return [
              <label key={`${r.outcome}-on`} className={styles.check}><input type="checkbox" checked={v.enabled} onChange={(e) => setRetry(r.outcome, { enabled: e.target.checked })} />Retry after {r.label.toLowerCase()}</label>,
              <label key={`${r.outcome}-delay`} className={styles.check}>
                Delay<span className="visually-hidden"> after {r.label.toLowerCase()}, in minutes</span>
                <input type="number" min={0} max={43200} value={v.delayMinutes} disabled={!v.enabled} onChange={(e) => setRetry(r.outcome, { delayMinutes: Number(e.target.value) || 0 })} /> min
              </label>,
              <span key={`${r.outcome}-default`} className="muted">default {r.enabled ? `${r.delayMinutes} min` : 'off'}</span>,
            ];
          })}
        </div>
      </fieldset>
    </>
  );
}
