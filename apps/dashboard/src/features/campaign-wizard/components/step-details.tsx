import { ErrorMessage } from '../../../components/feedback';
import { SelectField, TextAreaField, TextField } from '../../../components/field';
import { Link } from '../../../lib/router';
import { useProviderConnections } from '../../provider-connections/api/get-provider-connections';
import type { WizardDraft } from '../model/wizard-draft';
import styles from './wizard.module.css';

export function StepDetails({ draft, update, tenantCountry }: { draft: WizardDraft; update: (p: Partial<WizardDraft>) => void; tenantCountry?: string }) {
  const connections = useProviderConnections();
  return (
    <div className={styles.narrow}>
      <TextField label="Name" value={draft.name} onChange={(e) => update({ name: e.target.value })} required maxLength={200} autoFocus />
      <TextAreaField label="Description" value={draft.description} onChange={(e) => update({ description: e.target.value })} rows={3} maxLength={2000}
        hint="Optional; kept with the campaign's settings." />
      <SelectField label="Provider connection" value={draft.providerConnectionId} onChange={(e) => update({ providerConnectionId: e.target.value })}
        hint={<>A campaign needs one before it can start. <Link to="/provider-connections">Manage connections</Link></>}>
        <option value="">— none yet —</option>
        {(connections.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name} ({c.type})</option>)}
      </SelectField>
      <ErrorMessage error={connections.error} />
      <TextField label="Default country" value={draft.defaultCountry} onChange={(e) => update({ defaultCountry: e.target.value, countryFromTenant: false })} maxLength={2}
        hint={<>Two letters (US, IN, GB): the country of numbers written without a country code
          {tenantCountry ? <>; your team's default is {tenantCountry}{draft.countryFromTenant ? ' (prefilled)' : ''}</> : null}. The campaign's default time zone follows it.</>} />
    </div>
  );
}
