import { useRef, type KeyboardEvent } from 'react';
import { ErrorMessage, Loading, Panel } from '../../../components/feedback';
import { NotFound } from '../../../components/not-found';
import { ApiError } from '../../../lib/api-error';
import { StatusBadge } from '../../../components/status-badge';
import { formatDateTime } from '../../../lib/format';
import { Link, setSearch, useLocation } from '../../../lib/router';
import { CallLog } from '../../calls/components/call-log';
import { ImportsTab } from '../../imports/components/imports-tab';
import { CallbacksList } from '../../leads/components/callbacks-list';
import { LeadsTable } from '../../leads/components/leads-table';
import { useCampaign } from '../api/get-campaign';
import { useCampaignStats } from '../api/get-campaign-stats';
import { useCampaignEvents, type StreamState } from '../api/use-campaign-events';
import { CallsChart } from './calls-chart';
import { usePermission } from '../../auth/use-permission';
import { CampaignCommands } from './campaign-commands';
import { CampaignSettingsTab } from './campaign-settings-tab';
import { ConnectRateChart } from './connect-rate-chart';
import { DialingStatus } from './dialing-status';
import { LiveProgress } from './live-progress';
import { ScheduleChart } from './schedule-chart';
import styles from './campaign-detail.module.css';

const TABS = [
  { id: 'overview', label: 'Overview' },
  { id: 'calls', label: 'Calls' },
  { id: 'leads', label: 'Leads' },
  { id: 'imports', label: 'Imports' },
  { id: 'settings', label: 'Settings' },
] as const;
type TabId = (typeof TABS)[number]['id'];

const STREAM_TEXT: Record<StreamState, string> = {
  connecting: 'Connecting to live updates…', live: 'Live', reconnecting: 'Live updates interrupted; reconnecting…', closed: 'Not live',
};

function Tabs({ current, tabs }: { current: TabId; tabs: ReadonlyArray<(typeof TABS)[number]> }) {
  const refs = useRef<Array<HTMLButtonElement | null>>([]);
  // Arrow keys move between tabs (WAI-ARIA tabs pattern, automatic activation).
  const onKey = (e: KeyboardEvent, i: number): void => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    const next = (i + d + tabs.length) % tabs.length;
    setSearch({ tab: tabs[next]!.id === 'overview' ? null : tabs[next]!.id, outcome: null, call: null });
    refs.current[next]?.focus();
  };
  return (
    <div role="tablist" aria-label="Campaign sections" className={styles.tabs}>
      {tabs.map((t, i) => (
        <button key={t.id} ref={(el) => { refs.current[i] = el; }} type="button" role="tab" id={`tab-${t.id}`} aria-controls={`panel-${t.id}`}
          aria-selected={t.id === current} tabIndex={t.id === current ? 0 : -1} className={styles.tab}
          onKeyDown={(e) => onKey(e, i)} onClick={() => setSearch({ tab: t.id === 'overview' ? null : t.id, outcome: null, call: null })}>
          {t.label}
        </button>
      ))}
    </div>
  );
}

export default function CampaignDetailPage({ params }: { params: Record<string, string> }) {
  const id = params.id ?? '';
  const { search } = useLocation();
  // Settings only for roles that may change campaigns (the server checks anyway).
  const canWrite = usePermission('campaigns:write');
  const tabs = canWrite ? TABS : TABS.filter((t) => t.id !== 'settings');
  const tab = (tabs.find((t) => t.id === search.get('tab'))?.id ?? 'overview') as TabId;
  const campaign = useCampaign(id);
  const stats = useCampaignStats(id);
  const status = campaign.data?.status;
  // Either read may be the newer one (a command run elsewhere, another tab): either live opens the stream.
  const isLive = (s: string | undefined) => s === 'running' || s === 'paused' || s === 'scheduled';
  const live = isLive(status) || isLive(stats.data?.status);
  const stream = useCampaignEvents(id, Boolean(campaign.data) && live);

  if (campaign.isPending) return <><h1>Campaign</h1><Loading label="Loading the campaign…" /></>;
  if (campaign.isError) {
    // 404: no such campaign in this tenant (another tenant's reads the same); 400: not a campaign id at all.
    const err = campaign.error;
    if (err instanceof ApiError && (err.status === 404 || err.status === 400)) return <NotFound what="campaign" />;
    return <><h1>Campaign</h1><p><Link to="/campaigns">Back to campaigns</Link></p><ErrorMessage error={err} /></>;
  }
  const c = campaign.data;
  const open = !['completed', 'stopped', 'cancelled'].includes(c.status);

  return (
    <>
      <p style={{ margin: '0 0 0.5rem' }}><Link to="/campaigns">← Campaigns</Link></p>
      <div className={styles.head}>
        <div className={styles.title}>
          <h1>{c.name}</h1>
          <StatusBadge status={c.status} />
        </div>
        <CampaignCommands campaign={c} />
      </div>
      <p className="muted" style={{ margin: '0.25rem 0 0' }}>
        Created {formatDateTime(c.createdAt)}
        {c.scheduledStartAt ? ` · starts ${formatDateTime(c.scheduledStartAt)}` : ''}
        {' · '}at most {c.maxConcurrentCalls} {c.maxConcurrentCalls === 1 ? 'call' : 'calls'} at once, {c.maxAttempts} {c.maxAttempts === 1 ? 'attempt' : 'attempts'} per lead
        {live ? <> · <span className={styles.stream} role="status">{STREAM_TEXT[stream]}</span></> : null}
      </p>
      {live ? <DialingStatus stats={stats.data} /> : null}

      <Panel title="Progress">
        {stats.data ? <LiveProgress stats={stats.data} /> : stats.isError ? <ErrorMessage error={stats.error} /> : <Loading />}
      </Panel>

      <Tabs current={tab} tabs={tabs} />
      <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} tabIndex={0}>
        {tab === 'overview' ? (
          <div className={styles.grid2}>
            <Panel title="Calls per minute by outcome (last hour)" headingLevel={3}><CallsChart campaignId={id} live={c.status === 'running'} /></Panel>
            <Panel title="Callable leads, next 48 hours" headingLevel={3}><ScheduleChart campaignId={id} /></Panel>
            <Panel title="Connect rate over time (last 48 hours)" headingLevel={3}><ConnectRateChart campaignId={id} live={c.status === 'running'} /></Panel>
            <Panel title="Upcoming callbacks" headingLevel={3}><CallbacksList campaignId={id} /></Panel>
          </div>
        ) : null}
        {tab === 'calls' ? <CallLog campaignId={id} /> : null}
        {tab === 'leads' ? <LeadsTable campaignId={id} /> : null}
        {tab === 'imports' ? <ImportsTab campaign={c} open={open} /> : null}
        {tab === 'settings' ? <CampaignSettingsTab campaign={c} /> : null}
      </div>
    </>
  );
}
