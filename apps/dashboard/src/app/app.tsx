import { Suspense, useEffect } from 'react';
import { ErrorMessage, Loading } from '../components/feedback';
import { Layout } from '../components/layout';
import { NotFound } from '../components/not-found';
import { useSession } from '../features/auth/api/get-session';
import { AcceptInvitePage } from '../features/auth/components/accept-invite-page';
import { SignInPage } from '../features/auth/components/sign-in-page';
import { matchPath, navigate, useLocation } from '../lib/router';
import { ROUTES } from './routes';

const PUBLIC = ['/sign-in', '/accept-invite'];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

/** Signed out → /sign-in?next=…; signed in → the page for the path, inside the layout. */
export function App() {
  const { pathname, search } = useLocation();
  const session = useSession();

  if (pathname === '/accept-invite') return <AcceptInvitePage />;
  if (session.isPending) return <Loading />;
  if (session.isError) return <main style={{ padding: '1rem' }}><h1>Dialer is not reachable</h1><ErrorMessage error={session.error} /></main>;

  if (!session.data) {
    if (pathname === '/sign-in') return <SignInPage />;
    const here = pathname + (search.size ? `?${search.toString()}` : '');
    return <Redirect to={PUBLIC.includes(pathname) || pathname === '/' ? '/sign-in' : `/sign-in?next=${encodeURIComponent(here)}`} />;
  }
  if (pathname === '/' || pathname === '/sign-in') return <Redirect to="/campaigns" />;

  for (const route of ROUTES) {
    const params = matchPath(route.path, pathname);
    if (!params) continue;
    const Page = route.component;
    document.title = `${route.title} · Dialer`;
    return (
      <Layout>
        <Suspense fallback={<Loading />}>
          <Page params={params} />
        </Suspense>
      </Layout>
    );
  }
  return (
    <Layout>
      <NotFound />
    </Layout>
  );
}
