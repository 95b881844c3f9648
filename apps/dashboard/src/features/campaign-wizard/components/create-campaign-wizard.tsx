import { useMemo, useRef, useState } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Notice, Panel } from '../../../components/feedback';
import { randomId } from '../../../lib/random-id';
import { Link, navigate } from '../../../lib/router';
import { usePermission } from '../../auth/use-permission';
import { useCreateCampaign } from '../../campaigns/api/create-campaign';
import { campaignKeys } from '../../campaigns/api/campaign-keys';
import { runCampaignCommand } from '../../campaigns/api/run-campaign-command';
import { queryClient } from '../../../lib/query-client';
import type { CampaignWithWarnings } from '../../../lib/api-types';
import { CampaignWarnings } from '../../campaigns/components/campaign-warnings';
import { addLeads } from '../../leads/api/add-leads';
import { useTenant } from '../../tenant/api/get-tenant';
import { ImportProgress } from '../../imports/components/import-progress';
import { startImport } from '../../imports/api/start-import';
import { manualLeadsOf, newDraft, problems, toCreateBody, withTenantCountry, type WizardDraft } from '../model/wizard-draft';
import { StepDetails } from './step-details';
import { StepLeads } from './step-leads';
import { StepReview } from './step-review';
import { StepRules } from './step-rules';
import { StepSchedule } from './step-schedule';
import styles from './wizard.module.css';

const STEPS = ['Details', 'Leads', 'Rules', 'Schedule', 'Review'] as const;

interface Result {
  campaign: CampaignWithWarnings;
  importId?: string;
  expectedRows?: number;
  /** The leads typed by hand: how many went in, and each refused row. */
  manual?: Awaited<ReturnType<typeof addLeads>>;
  /** Steps after the create that failed (import, typed leads, start). */
  failures: unknown[];
}

/** The result of the last step: the campaign, the import's progress bar and error report. */
function Created({ result }: { result: Result }) {
  return (
    <Panel title="Campaign created">
      <Notice>“{result.campaign.name}” was created{result.campaign.status !== 'draft' ? ` and is ${result.campaign.status}` : ' as a draft'}.</Notice>
      {result.failures.map((w, i) => <ErrorMessage key={i} error={w} />)}
      <CampaignWarnings warnings={result.campaign.warnings} title="Warnings from the server" />
      {result.manual ? (
        <>
          <p>Leads typed by hand: {result.manual.accepted} added{result.manual.duplicates ? `, ${result.manual.duplicates} duplicates` : ''}
            {result.manual.dncSuppressed ? `, ${result.manual.dncSuppressed} on the do-not-call list` : ''}{result.manual.rejected.length ? `, ${result.manual.rejected.length} refused` : ''}.</p>
          {result.manual.rejected.length ? (
            <ul aria-label="Refused leads">{result.manual.rejected.map((r) => <li key={`${r.index}-${r.field}`}>Lead {r.index + 1} ({r.field}{r.value ? ` “${r.value}”` : ''}): {r.reason}</li>)}</ul>
          ) : null}
        </>
      ) : null}
      {result.importId ? <><h3>Importing leads</h3><ImportProgress importId={result.importId} expectedRows={result.expectedRows} /></> : null}
      <p><Link to={`/campaigns/${result.campaign.id}`}>Open the campaign</Link></p>
    </Panel>
  );
}

export default function CreateCampaignWizard() {
  const [stored, setDraft] = useState<WizardDraft>(newDraft);
  const tenant = useTenant();
  const draft = withTenantCountry(stored, tenant.data?.defaultCountry);
  const [step, setStep] = useState(0);
  const [shownProblems, setShownProblems] = useState<string[]>([]);
  const [result, setResult] = useState<Result | null>(null);
  const [finishing, setFinishing] = useState(false);
  const canOperate = usePermission('campaigns:operate');
  const canWrite = usePermission('campaigns:write');
  const create = useCreateCampaign();
  const headingRef = useRef<HTMLHeadingElement>(null);
  // One key per wizard: a repeated click or a retry after a network error answers the same campaign.
  const idempotencyKey = useMemo(randomId, []);
  const all = problems(draft);

  const update = (p: Partial<WizardDraft>): void => setDraft((d) => ({ ...d, ...p }));
  const go = (i: number): void => {
    setShownProblems([]);
    setStep(i);
    requestAnimationFrame(() => headingRef.current?.focus());
  };
  const next = (): void => {
    const here = all[step] ?? [];
    if (here.length) setShownProblems(here);
    else go(step + 1);
  };

  const finish = async (andStart: boolean): Promise<void> => {
    const firstBad = all.findIndex((p) => p.length);
    if (firstBad >= 0) {
      go(firstBad);
      setShownProblems(all[firstBad]!);
      return;
    }
    setFinishing(true);
    const failures: unknown[] = [];
    const typed = manualLeadsOf(draft);
    try {
      let campaign = await create.mutateAsync({ body: toCreateBody(draft), idempotencyKey });
      let importId: string | undefined;
      if (draft.file) {
        try {
          importId = (await startImport({ campaignId: campaign.id, file: draft.file, mapping: draft.mapping })).id;
        } catch (err) {
          failures.push(err);
        }
      }
      let manual: Result['manual'];
      if (typed.length) {
        try {
          manual = await addLeads({ campaignId: campaign.id, leads: typed });
        } catch (err) {
          failures.push(err);
        }
      }
      if (andStart) {
        try {
          campaign = await runCampaignCommand({ id: campaign.id, command: draft.startMode === 'at' ? 'schedule' : 'start' });
          queryClient.setQueryData(campaignKeys.detail(campaign.id), campaign);
        } catch (err) {
          failures.push(err);
        }
      }
      setResult({ campaign, importId, expectedRows: draft.sniff?.estimatedRows, manual, failures });
    } catch {
      // create.error is shown
    } finally {
      setFinishing(false);
    }
  };

  if (!canWrite) return <><h1>New campaign</h1><p>Your role may not create campaigns.</p></>;
  if (result) return <><h1>New campaign</h1><Created result={result} /></>;

  return (
    <>
      <h1>New campaign</h1>
      <nav aria-label="Wizard steps">
        <ol className={styles.steps}>
          {STEPS.map((s, i) => (
            <li key={s}>
              <button type="button" aria-current={i === step ? 'step' : undefined} className={i < step && !all[i]?.length ? styles.done : undefined} onClick={() => go(i)}>
                {i + 1}. {s}
              </button>
            </li>
          ))}
        </ol>
      </nav>
      <Panel>
        <h2 ref={headingRef} tabIndex={-1} style={{ marginTop: 0 }}>{STEPS[step]}</h2>
        {step === 0 ? <StepDetails draft={draft} update={update} tenantCountry={tenant.data?.defaultCountry} /> : null}
        {step === 1 ? <StepLeads draft={draft} update={update} /> : null}
        {step === 2 ? <StepRules draft={draft} update={update} /> : null}
        {step === 3 ? <StepSchedule draft={draft} update={update} /> : null}
        {step === 4 ? <StepReview draft={draft} /> : null}
        {shownProblems.length ? <div role="alert"><ErrorMessage error={new Error(shownProblems.join(' '))} /></div> : null}
        <ErrorMessage error={create.error} />
        <div className={styles.nav}>
          {step > 0 ? <Button onClick={() => go(step - 1)}>Back</Button> : <Button onClick={() => navigate('/campaigns')}>Cancel</Button>}
          {step === 1 && !draft.file && !manualLeadsOf(draft).length ? <Button onClick={() => go(2)}>Skip</Button> : null}
          {step < STEPS.length - 1 ? <Button variant="primary" onClick={next}>Next</Button> : (
            <>
              <Button onClick={() => void finish(false)} disabled={finishing}>Create as draft</Button>
              {canOperate ? (
                <Button variant="primary" onClick={() => void finish(true)} disabled={finishing || !draft.providerConnectionId}
                  title={draft.providerConnectionId ? undefined : 'Choose a provider connection first'}>
                  Create and start
                </Button>
              ) : null}
            </>
          )}
        </div>
        {step === STEPS.length - 1 && canOperate && !draft.providerConnectionId ? <p className="muted">“Create and start” needs a provider connection (step 1).</p> : null}
      </Panel>
    </>
  );
}
