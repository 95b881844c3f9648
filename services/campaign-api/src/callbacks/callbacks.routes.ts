import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf, pathId } from '../http/request-context';
import { CallbackPage, ListCallbacksQuery, RequestCallbackDto, type Callback } from './callback.dto';
import { cancelCallback } from './cancel-callback';
import { listCallbacks } from './list-callbacks';
import { requestCallback } from './request-callback';

/**
 * POST   /v1/leads/:id/callback        ask for a callback at `callbackAt` (201 with the callback as scheduled)
 * DELETE /v1/leads/:id/callback        cancel the lead's pending callback
 * GET    /v1/campaigns/:id/callbacks   the campaign's upcoming callbacks, soonest first
 */
export function callbacksRouter(ds: DataSource): Router {
  const r = Router();

  r.post('/leads/:id/callback', async (req, res) => {
    const id = pathId(req.params.id, 'lead');
    const dto = validateInput(RequestCallbackDto, req.body, { where: 'request body' });
    res.status(201).json((await requestCallback(ds, authOf(res), id, new Date(dto.callbackAt), dto.agentOverride ?? null)) satisfies Callback);
  });

  r.delete('/leads/:id/callback', async (req, res) => {
    await cancelCallback(ds, authOf(res), pathId(req.params.id, 'lead'));
    res.status(204).end();
  });

  r.get('/campaigns/:id/callbacks', async (req, res) => {
    const id = pathId(req.params.id, 'campaign');
    const q = validateInput(ListCallbacksQuery, { ...req.query }, { where: 'query string' });
    res.json((await listCallbacks(ds, authOf(res), id, q)) satisfies CallbackPage);
  });

  return r;
}
