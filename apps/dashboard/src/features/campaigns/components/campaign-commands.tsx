import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { Dialog } from '../../../components/dialog';
import { ErrorMessage } from '../../../components/feedback';
import { TextField } from '../../../components/field';
import { navigate } from '../../../lib/router';
import { usePermission } from '../../auth/use-permission';
import { useCloneCampaign } from '../api/clone-campaign';
import { useDeleteCampaign } from '../api/delete-campaign';
import { useRunCampaignCommand } from '../api/run-campaign-command';
import type { Campaign, CampaignCommand } from '../../../lib/api-types';
import { COMMAND_FROM } from '../api/campaign-status';
import styles from './campaign-detail.module.css';

const SHOWN: Array<{ command: CampaignCommand; label: string; confirm?: string; variant?: 'primary' | 'danger' }> = [
  { command: 'start', label: 'Start', variant: 'primary' },
  { command: 'pause', label: 'Pause' },
  { command: 'resume', label: 'Resume', variant: 'primary' },
  { command: 'stop', label: 'Stop', variant: 'danger', confirm: 'Stop this campaign for good? Live calls finish; no lead is called again.' },
];

/** Only the commands the status machine allows now and the person may run. */
export function CampaignCommands({ campaign }: { campaign: Campaign }) {
  const canOperate = usePermission('campaigns:operate');
  const canWrite = usePermission('campaigns:write');
  const run = useRunCampaignCommand();
  const clone = useCloneCampaign();
  const remove = useDeleteCampaign();
  const [error, setError] = useState<unknown>(null);
  const busy = run.isPending || clone.isPending || remove.isPending;

  const commands = canOperate ? SHOWN.filter((c) => COMMAND_FROM[c.command].includes(campaign.status)) : [];
  const onCommand = (c: (typeof SHOWN)[number]): void => {
    if (c.confirm && !window.confirm(c.confirm)) return;
    setError(null);
    run.mutate({ id: campaign.id, command: c.command }, { onError: setError });
  };
  const [cloning, setCloning] = useState(false);
  const [cloneName, setCloneName] = useState('');
  const [cloneLeads, setCloneLeads] = useState(false);
  const onClone = (e: FormEvent): void => {
    e.preventDefault();
    clone.mutate({ id: campaign.id, name: cloneName.trim() || undefined, includeLeads: cloneLeads }, {
      onSuccess: (copy) => {
        setCloning(false);
        navigate(`/campaigns/${copy.id}`);
      },
    });
  };
  const onDelete = (): void => {
    if (!window.confirm(`Delete the campaign "${campaign.name}"? It can be restored through the API.`)) return;
    setError(null);
    remove.mutate({ id: campaign.id, version: campaign.version }, { onSuccess: () => navigate('/campaigns'), onError: setError });
  };

  return (
    <div>
      <div className={styles.commands} role="group" aria-label="Campaign commands">
        {commands.map((c) => (
          <Button key={c.command} variant={c.variant} onClick={() => onCommand(c)} disabled={busy}>{c.label}</Button>
        ))}
        {canWrite ? <Button onClick={() => { setCloneName(`${campaign.name} (copy)`); clone.reset(); setCloning(true); }} disabled={busy}>Clone</Button> : null}
        {canWrite && campaign.status !== 'running' ? <Button variant="danger" onClick={onDelete} disabled={busy}>Delete</Button> : null}
      </div>
      <ErrorMessage error={error} />
      <Dialog title="Clone campaign" open={cloning} onClose={() => setCloning(false)}>
        <form onSubmit={onClone}>
          <TextField label="Name of the copy" value={cloneName} onChange={(e) => setCloneName(e.target.value)} required maxLength={200} />
          <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center', marginBottom: '0.8rem' }}>
            <input type="checkbox" checked={cloneLeads} onChange={(e) => setCloneLeads(e.target.checked)} style={{ minHeight: 0 }} />
            Copy the leads too (as new pending leads, minus DNC numbers)
          </label>
          <ErrorMessage error={clone.error} />
          <Button type="submit" variant="primary" disabled={clone.isPending}>{clone.isPending ? 'Cloning…' : 'Create copy'}</Button>
        </form>
      </Dialog>
    </div>
  );
}
