import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router } from 'express';

const NOT_BUILT = 'the dashboard is not built: run pnpm build';

/** Paths the dashboard's history fallback leaves alone (the API, its document and the ops routes). */
const NOT_DASHBOARD = /^\/(v1|openapi\.json|docs|healthz|readyz|metrics|assets)(\/|$)/;

/**
 * The built web dashboard (apps/dashboard/dist): hashed files under /assets cached for a year,
 * index.html never cached without revalidation, and every other GET that accepts HTML answered
 * with index.html so that deep links (/campaigns/…) work. Without a build, / says how to make one.
 */
export function dashboardRouter(dir: string): Router {
  const r = Router();
  const index = join(dir, 'index.html');

  r.use('/assets', express.static(join(dir, 'assets'), {
    index: false, fallthrough: true, etag: true, lastModified: false,
    setHeaders: (res) => {
      res.set('Cache-Control', 'public, max-age=31536000, immutable');
    },
  }));

  r.get(/.*/, (req, res, next) => {
    if (NOT_DASHBOARD.test(req.path) || !req.accepts('html')) {
      next();
      return;
    }
    if (!existsSync(index)) {
      // An expected state of a fresh checkout, not a server fault: answered here, not logged as an error.
      res.status(503).set('Cache-Control', 'no-store').json({ error: { code: 'unavailable', message: NOT_BUILT } });
      return;
    }
    res.set('Cache-Control', 'no-cache');
    res.sendFile(index, { lastModified: true, etag: true }, (err) => {
      if (err && !res.headersSent) next(err);
    });
  });

  return r;
}
