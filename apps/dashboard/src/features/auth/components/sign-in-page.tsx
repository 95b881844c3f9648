import { useState, type FormEvent } from 'react';
import { Button } from '../../../components/button';
import { ErrorMessage } from '../../../components/feedback';
import { TextField } from '../../../components/field';
import { ApiError } from '../../../lib/api-error';
import { navigate, useLocation } from '../../../lib/router';
import { useSignIn } from '../api/sign-in';
import styles from './auth-page.module.css';

/** A path inside the app to go back to after signing in (never another origin). */
export function safeNext(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/sign-in') ? next : '/campaigns';
}

export function SignInPage() {
  const { search } = useLocation();
  const signIn = useSignIn();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    signIn.mutate({ email: email.trim(), password }, { onSuccess: () => navigate(safeNext(search.get('next')), { replace: true }) });
  };

  const err = signIn.error;
  const message = err instanceof ApiError && err.code === 'invalid_credentials'
    ? new Error('The email or password is not right.')
    : err instanceof ApiError && err.code === 'login_throttled'
      ? new Error(`Too many attempts. Try again${err.retryAfterSeconds ? ` in ${err.retryAfterSeconds} seconds` : ' later'}.`)
      : err;

  return (
    <main className={styles.page}>
      <form className={styles.card} onSubmit={submit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        <TextField label="Email" type="email" name="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        <TextField label="Password" type="password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        <ErrorMessage error={message} />
        <div className={styles.actions}>
          <Button type="submit" variant="primary" disabled={signIn.isPending}>{signIn.isPending ? 'Signing in…' : 'Sign in'}</Button>
        </div>
      </form>
    </main>
  );
}
