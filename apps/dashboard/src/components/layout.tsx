import type { ReactNode } from 'react';
import { useSession } from '../features/auth/api/get-session';
import { useSignOut } from '../features/auth/api/sign-out';
import type { Permission } from '../features/auth/permissions';
import { Link, navigate, useLocation } from '../lib/router';
import { Button } from './button';
import styles from './layout.module.css';

const NAV: Array<{ to: string; label: string; permission?: Permission; adminOnly?: boolean }> = [
  { to: '/campaigns', label: 'Campaigns', permission: 'campaigns:read' },
  { to: '/analytics', label: 'Analytics', permission: 'stats:read' },
  { to: '/dnc', label: 'DNC', permission: 'dnc:read' },
  { to: '/provider-connections', label: 'Provider connections', permission: 'connections:read' },
  { to: '/api-keys', label: 'API keys', permission: 'keys:manage' },
  { to: '/users', label: 'Users', adminOnly: true },
  { to: '/audit-log', label: 'Audit log', permission: 'audit:read' },
];

/** The page frame: skip link, header with navigation, the current user and tenant, sign out. */
export function Layout({ children }: { children: ReactNode }) {
  const { data: session } = useSession();
  const signOut = useSignOut();
  const { pathname } = useLocation();
  const items = NAV.filter((n) => (n.adminOnly ? session?.user.role === 'admin' || session?.permissions.includes('users:manage') : !n.permission || session?.permissions.includes(n.permission)));
  return (
    <>
      <a href="#main" className={styles.skip}>Skip to content</a>
      <header className={styles.header}>
        <Link to="/campaigns" className={styles.brand}>Dialer</Link>
        <nav aria-label="Main" className={styles.nav}>
          <ul>
            {items.map((n) => (
              <li key={n.to}><Link to={n.to} aria-current={pathname.startsWith(n.to) ? 'page' : undefined}>{n.label}</Link></li>
            ))}
          </ul>
        </nav>
        {session ? (
          <div className={styles.user}>
            <span>
              <span className="visually-hidden">Signed in as </span>{session.user.name || session.user.email}
              {' · '}{session.user.role}{' · '}<span className="visually-hidden">tenant </span>{session.tenant.name}
            </span>
            <Button size="small" onClick={() => signOut.mutate(undefined, { onSettled: () => navigate('/sign-in') })} disabled={signOut.isPending}>Sign out</Button>
          </div>
        ) : null}
      </header>
      <main id="main" className={styles.main} tabIndex={-1}>{children}</main>
    </>
  );
}
