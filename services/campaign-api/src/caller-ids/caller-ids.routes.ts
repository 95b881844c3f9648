import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf, pathId } from '../http/request-context';
import { addCallerId } from './add-caller-id';
import { AddCallerIdDto, CallerIdStatsQuery, UpdateCallerIdDto, UpdateCallerIdPoolDto, type CallerId, type CallerIdPool, type CallerIdStats } from './caller-id.dto';
import { OWNER_NAME } from './caller-id-checks';
import type { PoolOwner } from './caller-ids.repository';
import { getCallerIdStats } from './get-caller-id-stats';
import { listCallerIdPool } from './list-caller-ids';
import { removeCallerId } from './remove-caller-id';
import { updateCallerId } from './update-caller-id';
import { updateCallerIdPool } from './update-caller-id-pool';

const OWNERS: ReadonlyArray<[PoolOwner, string]> = [['provider_connection', '/provider-connections'], ['campaign', '/campaigns']];

/**
 * Caller-id pools of provider connections and campaigns (docs/caller-ids.md), each at
 * `/provider-connections/:id/caller-ids` and `/campaigns/:id/caller-ids`:
 * GET (the pool), POST (add a number), PATCH (poolOnly), GET …/stats, PATCH and DELETE …/:callerId.
 */
export function callerIdsRouter(ds: DataSource): Router {
  const r = Router();
  for (const [owner, base] of OWNERS) {
    const ownerId = (v: unknown): string => pathId(v, OWNER_NAME[owner]);

    r.get(`${base}/:id/caller-ids`, async (req, res) => {
      res.json((await listCallerIdPool(ds, authOf(res), owner, ownerId(req.params.id))) satisfies CallerIdPool);
    });

    r.post(`${base}/:id/caller-ids`, async (req, res) => {
      const id = ownerId(req.params.id);
      const dto = validateInput(AddCallerIdDto, req.body, { where: 'request body' });
      res.status(201).json((await addCallerId(ds, authOf(res), owner, id, dto)) satisfies CallerId);
    });

    r.patch(`${base}/:id/caller-ids`, async (req, res) => {
      const id = ownerId(req.params.id);
      const dto = validateInput(UpdateCallerIdPoolDto, req.body, { where: 'request body' });
      res.json((await updateCallerIdPool(ds, authOf(res), owner, id, dto)) satisfies CallerIdPool);
    });

    r.get(`${base}/:id/caller-ids/stats`, async (req, res) => {
      const id = ownerId(req.params.id);
      const q = validateInput(CallerIdStatsQuery, { ...req.query }, { where: 'query string' });
      res.json((await getCallerIdStats(ds, authOf(res), owner, id, q.days)) satisfies CallerIdStats);
    });

    r.patch(`${base}/:id/caller-ids/:callerId`, async (req, res) => {
      const id = ownerId(req.params.id);
      const callerId = pathId(req.params.callerId, 'caller id');
      const dto = validateInput(UpdateCallerIdDto, req.body, { where: 'request body' });
      res.json((await updateCallerId(ds, authOf(res), owner, id, callerId, dto)) satisfies CallerId);
    });

    r.delete(`${base}/:id/caller-ids/:callerId`, async (req, res) => {
      await removeCallerId(ds, authOf(res), owner, ownerId(req.params.id), pathId(req.params.callerId, 'caller id'));
      res.status(204).end();
    });
  }
  return r;
}
