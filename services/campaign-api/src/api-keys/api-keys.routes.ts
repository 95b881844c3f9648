import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput } from '@dialer/platform';
import { authOf, pathId } from '../http/request-context';
import { CreateApiKeyDto, ListApiKeysQuery, type ApiKey, type ApiKeyPage, type CreatedApiKey } from './api-key.dto';
import { keyView } from './api-key-view';
import { listApiKeys } from './api-keys.repository';
import { issueApiKey } from './issue-api-key';
import { revokeApiKey } from './revoke-api-key';

/** API keys of the caller's tenant: create (the key is in this answer only), list, revoke. */
export function apiKeysRouter(ds: DataSource): Router {
  const r = Router();

  r.post('/api-keys', async (req, res) => {
    const auth = authOf(res);
    const dto = validateInput(CreateApiKeyDto, req.body, { where: 'request body' });
    res.status(201).set('Cache-Control', 'no-store').json(await issueApiKey(ds, auth, dto) satisfies CreatedApiKey);
  });

  r.get('/api-keys', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(ListApiKeysQuery, { ...req.query }, { where: 'query string' });
    const rows = await listApiKeys(ds, tenantId, q.includeRevoked === 'true');
    res.json({ data: rows.map(keyView), nextCursor: null } satisfies ApiKeyPage);
  });

  r.post('/api-keys/:id/revoke', async (req, res) => {
    const auth = authOf(res);
    const id = pathId(req.params.id, 'API key');
    res.json(await revokeApiKey(ds, auth, id) satisfies ApiKey);
  });

  return r;
}
