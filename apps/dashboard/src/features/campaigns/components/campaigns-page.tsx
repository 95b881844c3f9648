import { useEffect, useState } from 'react';
import { buttonClass } from '../../../components/button';
import { ErrorMessage, Loading } from '../../../components/feedback';
import { FieldRow, SelectField, TextField } from '../../../components/field';
import { Pager } from '../../../components/pager';
import { ProgressBar } from '../../../components/progress-bar';
import { StatusBadge } from '../../../components/status-badge';
import { useCursorPages } from '../../../components/use-cursor-pages';
import { formatDateTime, formatInt, formatPercent } from '../../../lib/format';
import { Link, navigate, setSearch, useLocation } from '../../../lib/router';
import { usePermission } from '../../auth/use-permission';
import { useCampaigns } from '../api/get-campaigns';
import { CAMPAIGN_STATUSES, isCampaignStatus } from '../api/campaign-status';
import styles from './campaigns-page.module.css';

export function CampaignsPage() {
  const { search } = useLocation();
  const s0 = search.get('status');
  const status = isCampaignStatus(s0) ? s0 : undefined;
  const name = search.get('name') ?? '';
  const [nameInput, setNameInput] = useState(name);
  const canWrite = usePermission('campaigns:write');

  // The search box writes ?name= a moment after typing stops.
  useEffect(() => {
    if (nameInput.trim() === name) return undefined;
    const t = setTimeout(() => setSearch({ name: nameInput.trim() }), 300);
    return () => clearTimeout(t);
  }, [nameInput, name]);

  const pages = useCursorPages(`${status ?? ''}|${name}`);
  const list = useCampaigns({ status, name: name || undefined, cursor: pages.cursor });
  const rows = list.data?.data ?? [];

  return (
    <>
      <div className={styles.titleRow}>
        <h1>Campaigns</h1>
        {canWrite ? <Link to="/campaigns/new" className={buttonClass('primary')}>New campaign</Link> : null}
      </div>
      <div className={styles.toolbar} role="search" aria-label="Filter campaigns">
        <FieldRow>
          <TextField label="Search by name" type="search" value={nameInput} onChange={(e) => setNameInput(e.target.value)} />
          <SelectField label="Status" value={status ?? ''} onChange={(e) => setSearch({ status: e.target.value })}>
            <option value="">All statuses</option>
            {CAMPAIGN_STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </SelectField>
        </FieldRow>
      </div>
      <ErrorMessage error={list.error} />
      {list.isPending ? <Loading label="Loading campaigns…" /> : (
        <table aria-label="Campaigns" aria-busy={list.isFetching}>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Progress</th>
              <th scope="col" className="num">Live calls</th>
              <th scope="col" className="num">Connect rate</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? <tr><td colSpan={6} className="muted">No campaigns{name || status ? ' match these filters' : ' yet'}.</td></tr> : null}
            {rows.map((c) => {
              const p = c.progress;
              return (
                <tr key={c.id} className="clickable" onClick={(e) => { if (!(e.target as HTMLElement).closest('a')) navigate(`/campaigns/${c.id}`); }}>
                  <td><Link to={`/campaigns/${c.id}`} className={styles.nameLink}>{c.name}</Link></td>
                  <td><StatusBadge status={c.status} /></td>
                  <td><ProgressBar label={`Progress of ${c.name}`} done={p.ended} total={p.totalLeads} /></td>
                  <td className="num">{formatInt(p.liveCalls)}</td>
                  <td className="num">{p.callsEnded ? formatPercent(p.connectRate) : '—'}</td>
                  <td>{formatDateTime(c.createdAt)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <Pager label="Campaign pages" page={pages.page} hasNext={Boolean(list.data?.nextCursor)} onPrevious={pages.previous} onNext={() => pages.next(list.data?.nextCursor)} />
    </>
  );
}
