import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput, type Logger } from '@dialer/platform';
import { authOf } from '../http/request-context';
import { EraseDto, ListErasuresQuery, type ErasurePage, type ErasureView } from './erasure.dto';
import { erasePerson } from './erase-person';
import { listErasures, type ErasureRow } from './erasures.repository';

function view(r: ErasureRow): ErasureView {
  const c = r.counts as { removed?: Record<string, number>; remaining?: Record<string, number> };
  return { id: r.id, dncHashed: r.dnc_hashed, counts: c.removed ?? {}, remaining: c.remaining ?? {}, createdAt: r.created_at };
}

/**
 * POST /v1/erasures   erase a person (phone and/or email) across the tenant (admins; docs/privacy.md)
 * GET  /v1/erasures   the tenant's erasures, newest first (counts only)
 */
export function erasuresRouter(ds: DataSource, logger: Logger): Router {
  const r = Router();

  r.post('/erasures', async (req, res) => {
    const dto = validateInput(EraseDto, req.body, { where: 'request body' });
    res.status(201).json((await erasePerson(ds, authOf(res), dto, logger)) satisfies ErasureView);
  });

  r.get('/erasures', async (req, res) => {
    const q = validateInput(ListErasuresQuery, { ...req.query }, { where: 'query string' });
    res.json({ data: (await listErasures(ds, authOf(res).tenantId, q.limit)).map(view) } satisfies ErasurePage);
  });

  return r;
}
