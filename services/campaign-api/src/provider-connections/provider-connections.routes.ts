import { Router } from 'express';
import { findProviderConnectionRecord, listProviderConnections, type DataSource } from '@dialer/db';
import { isProviderType, PROVIDER_TYPES } from '@dialer/domain';
import { AppError, validateInput, type FieldError } from '@dialer/platform';
import { authOf, pathId } from '../http/request-context';
import { createProviderConnection } from './create-provider-connection';
import { CONNECTION_DTOS, UpdateProviderConnectionDto, type ConnectionDto, type ProviderConnection, type ProviderConnectionPage } from './provider-connection.dto';
import { providerConnectionView } from './provider-connection-view';
import { updateProviderConnection } from './update-provider-connection';

function validateConnection(body: unknown): ConnectionDto {
  const type = (body as { type?: unknown } | null)?.type;
  if (!isProviderType(type)) {
    // Name every problem at once: the type, and the rest as a Twilio connection would have them.
    const details: FieldError[] = [{ field: 'type', reason: `type must be one of ${PROVIDER_TYPES.join(', ')}` }];
    try {
      validateInput(CONNECTION_DTOS.twilio, { ...(body as object), type: 'twilio' }, { where: 'request body' });
    } catch (err) {
      if (err instanceof AppError && Array.isArray(err.details)) details.push(...(err.details as FieldError[]));
    }
    throw new AppError('validation_failed', `type must be one of ${PROVIDER_TYPES.join(', ')}`, { status: 400, details });
  }
  const where = { where: 'request body' };
  if (type === 'twilio') return validateInput(CONNECTION_DTOS.twilio, body, where);
  if (type === 'vapi') return validateInput(CONNECTION_DTOS.vapi, body, where);
  return validateInput(CONNECTION_DTOS.exotel, body, where);
}

export function providerConnectionsRouter(ds: DataSource, secretsKey: string): Router {
  const r = Router();

  r.post('/provider-connections', async (req, res) => {
    const auth = authOf(res);
    const dto = validateConnection(req.body);
    res.status(201).json(providerConnectionView(await createProviderConnection(ds, auth, dto, secretsKey)) satisfies ProviderConnection);
  });

  r.get('/provider-connections', async (_req, res) => {
    const { tenantId } = authOf(res);
    const rows = await listProviderConnections(ds, tenantId, 500);
    res.json({ data: rows.map(providerConnectionView), nextCursor: null } satisfies ProviderConnectionPage);
  });

  r.get('/provider-connections/:id', async (req, res) => {
    const { tenantId } = authOf(res);
    const id = pathId(req.params.id, 'provider connection');
    const row = await findProviderConnectionRecord(ds, tenantId, id);
    if (!row) throw AppError.notFound('provider connection', id);
    res.json(providerConnectionView(row));
  });

  r.patch('/provider-connections/:id', async (req, res) => {
    const auth = authOf(res);
    const id = pathId(req.params.id, 'provider connection');
    const dto = validateInput(UpdateProviderConnectionDto, req.body, { where: 'request body' });
    res.json(providerConnectionView(await updateProviderConnection(ds, auth, id, dto)) satisfies ProviderConnection);
  });

  return r;
}
