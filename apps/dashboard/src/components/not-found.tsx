import { useEffect } from 'react';
import { Link } from '../lib/router';

/** The page for an unknown route or id (also an API 404: another tenant's campaign reads as not found). */
export function NotFound({ what = 'page' }: { what?: string }) {
  useEffect(() => {
    document.title = 'Not found · Dialer';
  }, []);
  return (
    <>
      <h1>Not found</h1>
      <p>There is no such {what}, or you may not see it.</p>
      <p><Link to="/campaigns">Go to the campaigns</Link></p>
    </>
  );
}
