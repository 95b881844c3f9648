import { Router } from 'express';
import { findProviderConnectionRecord, insertProviderConnection, listProviderConnections, type DataSource, type ProviderConnectionEntity } from '@dialer/db';
import { isProviderType, PROVIDER_TYPES } from '@dialer/domain';
import { AppError, encryptSecret, randomToken, validateInput, type FieldError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { authOf, pathId } from '../http/request-context';
import {
  CONNECTION_DTOS, parseVapiWebhookAuth, type ConnectionDto, type ProviderConnection, type ProviderConnectionPage,
} from './provider-connection.dto';

/** The connection's settings (`config`, shown) and credentials (`secrets`, sealed, never shown). */
export function connectionSettings(dto: ConnectionDto): { config: Record<string, unknown>; secrets: Record<string, string> } {
  const limit = dto.timeLimitSeconds !== undefined ? { timeLimitSeconds: dto.timeLimitSeconds } : {};
  switch (dto.type) {
    case 'twilio':
      return {
        config: {
          accountSid: dto.accountSid, fromNumber: dto.fromNumber, ...limit,
          ...(dto.fromNumbers ? { fromNumbers: dto.fromNumbers } : {}), ...(dto.twimlUrl ? { twimlUrl: dto.twimlUrl } : {}),
          ...(dto.machineDetection ? { machineDetection: dto.machineDetection } : {}), ...(dto.record ? { record: true } : {}),
        },
        secrets: { authToken: dto.authToken },
      };
    case 'vapi': {
      const auth = dto.webhookAuth === undefined ? undefined : parseVapiWebhookAuth(dto.webhookAuth);
      if (auth && 'problem' in auth) {
        throw new AppError('validation_failed', `webhookAuth: ${auth.problem}`, { status: 400, details: [{ field: 'webhookAuth', reason: auth.problem }] });
      }
      return {
        config: {
          assistantId: dto.assistantId, phoneNumberId: dto.phoneNumberId, ...limit,
          ...(auth ? { webhookAuth: auth.auth } : {}), ...(dto.serverCredentialId ? { serverCredentialId: dto.serverCredentialId } : {}),
        },
        secrets: { apiKey: dto.apiKey, webhookSecret: dto.webhookSecret ?? randomToken(24) },
      };
    }
    case 'exotel':
      return {
        config: {
          accountSid: dto.accountSid, callerId: dto.callerId, ...limit,
          ...(dto.flowUrl ? { flowUrl: dto.flowUrl } : { agentNumber: dto.agentNumber }),
          ...(dto.callType ? { callType: dto.callType } : {}), ...(dto.record ? { record: true } : {}),
        },
        // Exotel signs nothing: its StatusCallback URL carries this token.
        secrets: { apiKey: dto.apiKey, apiToken: dto.apiToken, webhookToken: randomToken(24) },
      };
  }
}

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

/** A provider connection as the API shows it: never its secrets. */
export function providerConnectionView(p: ProviderConnectionEntity): ProviderConnection {
  return {
    id: p.id, name: p.name, type: p.type, baseUrl: p.baseUrl, config: p.config,
    callsPerSecond: p.callsPerSecond, createdAt: p.createdAt, updatedAt: p.updatedAt,
  };
}

export function providerConnectionsRouter(ds: DataSource, secretsKey: string): Router {
  const r = Router();

  r.post('/provider-connections', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const dto = validateConnection(req.body);
    const { config, secrets } = connectionSettings(dto);
    const saved = await ds.transaction(async (m) => {
      const created = await insertProviderConnection(m, {
        tenantId,
        name: dto.name.trim(),
        type: dto.type,
        baseUrl: dto.baseUrl ? dto.baseUrl.replace(/\/+$/, '') : null,
        config,
        secretsSealed: encryptSecret(JSON.stringify(secrets), secretsKey),
        callsPerSecond: dto.callsPerSecond ?? 10,
      });
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'provider_connection.create', entityType: 'provider_connection', entityId: created.id, after: providerConnectionView(created) });
      return created;
    });
    res.status(201).json(providerConnectionView(saved));
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

  return r;
}
