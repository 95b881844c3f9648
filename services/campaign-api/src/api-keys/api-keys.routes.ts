import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { authOf, pathId } from '../http/request-context';
import { createApiKey } from '../tenants/api-keys';
import { findApiKey, listApiKeys, revokeApiKey, type ApiKeyRow } from './api-keys.repository';
import { CreateApiKeyDto, ListApiKeysQuery, type ApiKey, type ApiKeyPage, type CreatedApiKey } from './api-key.dto';

/** An API key as the API shows it: never the key, never its hash. */
function keyView(k: ApiKeyRow): ApiKey {
  return { id: k.id, name: k.name, prefix: k.key_prefix, role: k.role, createdAt: k.created_at, lastUsedAt: k.last_used_at, revokedAt: k.revoked_at };
}

/** API keys of the caller's tenant: create (the key is in this answer only), list, revoke. */
export function apiKeysRouter(ds: DataSource): Router {
  const r = Router();

  r.post('/api-keys', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const dto = validateInput(CreateApiKeyDto, req.body, { where: 'request body' });
    const out = await ds.transaction(async (m) => {
      const created = await createApiKey(m, tenantId, dto.role, dto.name.trim());
      const row = (await findApiKey(m, tenantId, created.id))!;
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'api_key.create', entityType: 'api_key', entityId: created.id, after: keyView(row) });
      return { ...keyView(row), apiKey: created.apiKey } satisfies CreatedApiKey;
    });
    res.status(201).set('Cache-Control', 'no-store').json(out);
  });

  r.get('/api-keys', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(ListApiKeysQuery, { ...req.query }, { where: 'query string' });
    const rows = await listApiKeys(ds, tenantId, q.includeRevoked === 'true');
    res.json({ data: rows.map(keyView), nextCursor: null } satisfies ApiKeyPage);
  });

  r.post('/api-keys/:id/revoke', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'API key');
    const view = await ds.transaction(async (m) => {
      const row = await revokeApiKey(m, tenantId, id);
      if (!row) {
        const exists = await findApiKey(m, tenantId, id);
        if (!exists) throw AppError.notFound('API key', id);
        throw new AppError('invalid_state', 'the API key is already revoked', { status: 409, details: { revokedAt: exists.revoked_at } });
      }
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'api_key.revoke', entityType: 'api_key', entityId: id, before: { revokedAt: null }, after: { revokedAt: row.revoked_at } });
      return keyView(row);
    });
    res.json(view);
  });

  return r;
}
