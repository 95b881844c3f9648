import { TextField } from '../../../components/field';
import type { WizardDraft } from '../model/wizard-draft';
import styles from './wizard.module.css';

export function StepSchedule({ draft, update }: { draft: WizardDraft; update: (p: Partial<WizardDraft>) => void }) {
  return (
    <>
    <fieldset>
      <legend>When should calling start?</legend>
      <label className={styles.check}><input type="radio" name="start" checked={draft.startMode === 'now'} onChange={() => update({ startMode: 'now' })} />As soon as it is started</label>
      <label className={styles.check}><input type="radio" name="start" checked={draft.startMode === 'at'} onChange={() => update({ startMode: 'at' })} />At a time</label>
      {draft.startMode === 'at' ? (
        <TextField label="Start at (your local time)" type="datetime-local" value={draft.startAt} onChange={(e) => update({ startAt: e.target.value })} required />
      ) : null}
    </fieldset>
    <fieldset>
      <legend>When should calling stop?</legend>
      <TextField label="End at (your local time, optional)" type="datetime-local" value={draft.endAt} onChange={(e) => update({ endAt: e.target.value })}
        hint="Empty: it ends when every lead is done. Calls in progress at the end finish; no new ones are placed." />
    </fieldset>
    </>
  );
}
