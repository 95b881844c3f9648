import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage, Loading, Panel } from '../../../components/feedback';
import { FieldRow, SelectField, TextField } from '../../../components/field';
import { formatDateTime } from '../../../lib/format';
import type { Role, UserLink } from '../../../lib/api-types';
import { useSession } from '../../auth/api/get-session';
import { TeamSettings } from '../../tenant/components/team-settings';
import { useUsers } from '../api/get-users';
import { useInviteUser } from '../api/invite-user';
import { useResetPassword } from '../api/reset-password';
import { useUpdateUser } from '../api/update-user';

const ROLES: Role[] = ['admin', 'manager', 'viewer'];

function LinkShown({ title, link }: { title: string; link: UserLink }) {
  const url = new URL(link.inviteUrl, window.location.origin).toString();
  return (
    <div role="status" style={{ marginTop: '0.75rem' }}>
      <p><strong>{title}</strong> Send this link to the person; it works until {formatDateTime(link.expiresAt)}.</p>
      <TextField label="Invitation link" readOnly value={url} onFocus={(e) => e.target.select()} style={{ width: '100%' }} />
      <Button size="small" onClick={() => void navigator.clipboard?.writeText(url)}>Copy link</Button>
    </div>
  );
}

export default function UsersPage() {
  const me = useSession().data?.user.id;
  const users = useUsers();
  const invite = useInviteUser();
  const update = useUpdateUser();
  const reset = useResetPassword();
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [resetFor, setResetFor] = useState<string | null>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    invite.mutate({ email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}) }, { onSuccess: () => { setEmail(''); setName(''); } });
  };

  return (
    <>
      <h1>Users</h1>
      <TeamSettings />
      <Panel title="Invite a person">
        <form onSubmit={submit}>
          <FieldRow>
            <TextField label="Email" type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
            <TextField label="Name" value={name} onChange={(e) => setName(e.target.value)} />
            <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
              {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
            </SelectField>
            <Button type="submit" variant="primary" disabled={invite.isPending}>Invite</Button>
          </FieldRow>
        </form>
        <ErrorMessage error={invite.error} />
        {invite.data ? <LinkShown title={`${invite.data.user.email} is invited.`} link={invite.data} /> : null}
      </Panel>
      <ErrorMessage error={users.error ?? update.error ?? reset.error} />
      {reset.data && resetFor ? <LinkShown title={`Password reset link for ${resetFor}.`} link={reset.data} /> : null}
      {users.isPending ? <Loading /> : (
        <table aria-label="Users">
          <thead><tr><th scope="col">Name</th><th scope="col">Email</th><th scope="col" id="users-role-col">Role</th><th scope="col">Status</th><th scope="col">Last sign-in</th><th scope="col"><span className="visually-hidden">Actions</span></th></tr></thead>
          <tbody>
            {users.data?.map((u) => (
              <tr key={u.id}>
                <td>{u.name ?? '—'}</td>
                <td id={`email-${u.id}`}>{u.email}</td>
                <td>
                  <select id={`role-${u.id}`} aria-labelledby={`users-role-col email-${u.id}`} value={u.role} disabled={u.id === me || update.isPending} onChange={(e) => update.mutate({ id: u.id, role: e.target.value as Role })}>
                    {ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                  </select>
                </td>
                <td>{u.active ? 'active' : 'deactivated'}</td>
                <td>{formatDateTime(u.lastLoginAt)}</td>
                <td style={{ display: 'flex', gap: '0.4rem' }}>
                  {u.id === me ? <span className="muted">you</span> : (
                    <>
                      <Button size="small" variant={u.active ? 'danger' : 'default'} disabled={update.isPending}
                        aria-label={`${u.active ? 'Deactivate' : 'Reactivate'} ${u.email}`}
                        onClick={() => update.mutate({ id: u.id, active: !u.active })}>{u.active ? 'Deactivate' : 'Reactivate'}</Button>
                      <Button size="small" disabled={reset.isPending} aria-label={`Reset password of ${u.email}`}
                        onClick={() => { setResetFor(u.email); reset.mutate(u.id); }}>Reset password</Button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
