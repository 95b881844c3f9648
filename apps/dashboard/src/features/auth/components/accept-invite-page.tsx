import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage } from '../../../components/feedback';
import { TextField } from '../../../components/field';
import { navigate, useLocation } from '../../../lib/router';
import { useAcceptInvite } from '../api/accept-invite';
import styles from './auth-page.module.css';

const MIN_PASSWORD = 12;

/** /accept-invite?token=…: choose a password (and a name), then signed in. Also used for password resets. */
export function AcceptInvitePage() {
  const { search } = useLocation();
  const token = search.get('token') ?? '';
  const accept = useAcceptInvite();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [confirm, setConfirm] = useState('');
  const [localError, setLocalError] = useState<Error | null>(null);

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) return setLocalError(new Error(`The password needs at least ${MIN_PASSWORD} characters.`));
    if (password !== confirm) return setLocalError(new Error('The two passwords differ.'));
    setLocalError(null);
    accept.mutate({ token, password, ...(name.trim() ? { name: name.trim() } : {}) }, { onSuccess: () => navigate('/campaigns', { replace: true }) });
  };

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={submit} aria-labelledby="invite-title">
        <h1 id="invite-title">Accept invitation</h1>
        {token ? null : <ErrorMessage error={new Error('This link has no invitation token. Ask your admin for a new link.')} />}
        <TextField label="Your name" name="name" autoComplete="name" value={name} onChange={(e) => setName(e.target.value)} />
        <TextField label="Password" type="password" name="password" autoComplete="new-password" required minLength={MIN_PASSWORD}
          hint={`At least ${MIN_PASSWORD} characters.`} value={password} onChange={(e) => setPassword(e.target.value)} />
        <TextField label="Confirm password" type="password" name="confirm" autoComplete="new-password" required value={confirm} onChange={(e) => setConfirm(e.target.value)} />
        <ErrorMessage error={localError ?? accept.error} />
        <div className={styles.actions}>
          <Button type="submit" variant="primary" disabled={!token || accept.isPending}>{accept.isPending ? 'Saving…' : 'Set password and sign in'}</Button>
        </div>
      </form>
    </main>
  );
}
