import { ErrorMessage } from '../../../components/feedback';
import { FieldRow, SelectField, TextAreaField, TextField } from '../../../components/field';
import { Link } from '../../../lib/router';
import { useProviderConnections } from '../../provider-connections/api/get-provider-connections';
import type { WizardDraft } from '../model/wizard-draft';
import styles from './wizard.module.css';

/** What a campaign may put in place of its connection's agent, by provider. */
const AGENT_LABEL = { twilio: 'TwiML URL or App sid', vapi: 'Vapi assistant id', exotel: 'Exotel flow' } as const;
const AGENT_HINT = {
  twilio: 'the TwiML URL (https://…) or TwiML App sid (AP…) the answered call runs',
  vapi: 'the assistant that takes the call',
  exotel: 'the flow (app) id or flow URL the callee is connected to',
} as const;

export function StepDetails({ draft, update, tenantCountry }: { draft: WizardDraft; update: (p: Partial<WizardDraft>) => void; tenantCountry?: string }) {
  const connections = useProviderConnections();
  const connection = connections.data?.find((c) => c.id === draft.providerConnectionId);
  return (
    <div className={styles.narrow}>
      <TextField label="Name" value={draft.name} onChange={(e) => update({ name: e.target.value })} required maxLength={200} autoFocus />
      <TextAreaField label="Description" value={draft.description} onChange={(e) => update({ description: e.target.value })} rows={3} maxLength={2000}
        hint="Optional; what the campaign is for, for the team." />
      <SelectField label="Provider connection" value={draft.providerConnectionId} onChange={(e) => update({ providerConnectionId: e.target.value })}
        hint={<>A campaign needs one before it can start. <Link to="/provider-connections">Manage connections</Link></>}>
        <option value="">— none yet —</option>
        {(connections.data ?? []).map((c) => <option key={c.id} value={c.id}>{c.name} ({c.type})</option>)}
      </SelectField>
      <ErrorMessage error={connections.error} />
      {connection ? (
        <FieldRow>
          {/* An Exotel connection that bridges an agent number keeps it (the API refuses a flow there). */}
          {connection.type === 'exotel' && typeof (connection.config as Record<string, unknown>).flowUrl !== 'string' ? null : (
            <TextField label={AGENT_LABEL[connection.type]} value={draft.agentOverride} onChange={(e) => update({ agentOverride: e.target.value })} maxLength={500}
              hint={`Optional: ${AGENT_HINT[connection.type]} in place of the connection's.`} />
          )}
          {connection.type === 'vapi' ? null : (
            <TextField label="Caller id" value={draft.callerIdOverride} onChange={(e) => update({ callerIdOverride: e.target.value })} maxLength={20}
              hint={connection.type === 'twilio' ? "Optional: the From number (E.164) in place of the connection's." : "Optional: the ExoPhone in place of the connection's."} />
          )}
        </FieldRow>
      ) : null}
      <TextField label="Ring timeout (seconds)" type="number" min={5} max={120} value={draft.ringTimeoutSeconds}
        onChange={(e) => update({ ringTimeoutSeconds: Number(e.target.value) })} hint="How long a call rings before it counts as unanswered (5–120)." />
      <TextField label="Default country" value={draft.defaultCountry} onChange={(e) => update({ defaultCountry: e.target.value, countryFromTenant: false })} maxLength={2}
        hint={<>Two letters (US, IN, GB): the country of numbers written without a country code
          {tenantCountry ? <>; your team's default is {tenantCountry}{draft.countryFromTenant ? ' (prefilled)' : ''}</> : null}. The campaign's default time zone follows it.</>} />
    </div>
  );
}
