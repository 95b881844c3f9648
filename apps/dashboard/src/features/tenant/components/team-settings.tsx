import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Loading, Notice, Panel } from '../../../components/feedback';
import { FieldRow, TextField } from '../../../components/field';
import { usePermission } from '../../auth/use-permission';
import { useTenant } from '../api/get-tenant';
import { useUpdateTenant } from '../api/update-tenant';

/**
 * The tenant ("team") and its default country: the country of numbers written without a country code
 * for campaigns created afterwards that do not set their own. Admins (tenant:manage) may change it.
 */
export function TeamSettings() {
  const tenant = useTenant();
  const update = useUpdateTenant();
  const canManage = usePermission('tenant:manage');
  const [country, setCountry] = useState<string | null>(null);
  const shown = country ?? tenant.data?.defaultCountry ?? '';
  const valid = /^[A-Za-z]{2}$/.test(shown.trim());

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (!valid) return;
    update.mutate({ defaultCountry: shown.trim().toUpperCase() }, { onSuccess: () => setCountry(null) });
  };

  return (
    <Panel title="Team">
      {tenant.isPending ? <Loading /> : null}
      <ErrorMessage error={tenant.error} />
      {tenant.data ? (
        <form onSubmit={submit} aria-label="Team settings">
          <p>{tenant.data.name}: numbers written without a country code are read as <strong>{tenant.data.defaultCountry}</strong> numbers, unless a campaign sets its own country.</p>
          {canManage ? (
            <FieldRow>
              <TextField label="Default country" value={shown} maxLength={2} required onChange={(e) => { update.reset(); setCountry(e.target.value); }}
                aria-invalid={!valid || undefined}
                hint={valid ? 'Two letters (US, IN, GB). Applies to campaigns created from now on; existing campaigns keep theirs.' : 'Two letters, such as US or IN.'} />
              <Button type="submit" variant="primary" disabled={!valid || update.isPending || shown.trim().toUpperCase() === tenant.data.defaultCountry}>Save default country</Button>
            </FieldRow>
          ) : <p className="muted">Only an admin may change it.</p>}
          <ErrorMessage error={update.error} />
          {update.isSuccess ? <Notice>The default country is now {update.data.defaultCountry}.</Notice> : null}
        </form>
      ) : null}
    </Panel>
  );
}
