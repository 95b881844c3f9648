import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf, pathId } from '../http/request-context';
import { DispositionDto } from './disposition.dto';
import { disposeCall, getCallDetail } from './dispose-call';

/**
 * GET  /v1/call-attempts/:id              one call: outcome, provider analysis, recording, transcript, manual disposition
 * POST /v1/call-attempts/:id/disposition  a person's disposition of the call: `{disposition, qualified?, note?}`
 */
export function dispositionsRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/call-attempts/:id', async (req, res) => {
    res.json(await getCallDetail(ds, authOf(res), pathId(req.params.id, 'call attempt')));
  });

  r.post('/call-attempts/:id/disposition', async (req, res) => {
    const auth = authOf(res);
    const id = pathId(req.params.id, 'call attempt');
    const dto = validateInput(DispositionDto, req.body, { where: 'request body' });
    res.json(await disposeCall(ds, auth, id, dto));
  });

  return r;
}
