import { TextField } from '../../../components/field';
import { DaysOffEditor, HoursExplanation, RetryEditor, WeeklyHoursEditor } from '../../campaigns/components/rules-editors';
import type { WizardDraft } from '../model/wizard-draft';

export function StepRules({ draft, update }: { draft: WizardDraft; update: (p: Partial<WizardDraft>) => void }) {
  return (
    <>
      <fieldset>
        <legend>Calling hours (in each callee's local time; the legal limits of their state or country also apply)</legend>
        <HoursExplanation />
        <WeeklyHoursEditor hours={draft.hours} onChange={(hours) => update({ hours })} />
        <DaysOffEditor holidaysText={draft.holidaysText} excludeWeekends={draft.excludeWeekends} onChange={(p) => update(p)} />
      </fieldset>
      <fieldset>
        <legend>Attempts and concurrency</legend>
        <TextField label="Max attempts per lead" type="number" min={1} max={20} value={draft.maxAttempts} onChange={(e) => update({ maxAttempts: Number(e.target.value) || 1 })} />
        <TextField label="Max concurrent calls" type="number" min={1} max={1000} value={draft.maxConcurrentCalls} onChange={(e) => update({ maxConcurrentCalls: Number(e.target.value) || 1 })} />
        <TextField label="Calls per number per 24 h" type="number" min={1} max={100} value={draft.maxCallsPerNumber24h} placeholder="no cap"
          onChange={(e) => update({ maxCallsPerNumber24h: e.target.value })}
          hint="Across all your campaigns; empty: no campaign cap (a state's own cap, e.g. Florida's 3, applies anyway)." />
      </fieldset>
      <fieldset>
        <legend>Retries by outcome (an answered call or an opt-out is never retried)</legend>
        <RetryEditor retries={draft.retries} onChange={(retries) => update({ retries })} />
      </fieldset>
    </>
  );
}
