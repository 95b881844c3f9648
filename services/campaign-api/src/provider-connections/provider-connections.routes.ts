import { Type } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, IsString, IsUrl, Length, Matches, Max, Min } from 'class-validator';
import { Router } from 'express';
import { ProviderConnectionEntity, type DataSource } from '@dialer/db';
import { AppError, encryptSecret, validateInput } from '@dialer/platform';
import { writeAudit } from '../audit/audit.repository';
import { authOf, pathId } from '../http/request-context';
import { E164 } from '../http/validators';

export class CreateProviderConnectionDto {
  @IsString() @Length(1, 200) name: string;
  @IsIn(['twilio']) type: 'twilio';
  @IsOptional() @IsUrl({ require_tld: false, protocols: ['http', 'https'], require_protocol: true }) baseUrl?: string;
  @IsString() @Length(1, 200) accountSid: string;
  @IsString() @Length(1, 500) authToken: string;
  @Matches(E164, { message: 'fromNumber must be an E.164 number, like +14155550100' }) fromNumber: string;
  @IsOptional() @Type(() => Number) @IsNumber() @Min(0.001) @Max(10_000) callsPerSecond?: number;
}

/** A provider connection as the API shows it: never its secrets. */
export function providerConnectionView(p: ProviderConnectionEntity): Record<string, unknown> {
  return {
    id: p.id, name: p.name, type: p.type, baseUrl: p.baseUrl, config: p.config,
    callsPerSecond: p.callsPerSecond, createdAt: p.createdAt, updatedAt: p.updatedAt,
  };
}

export function providerConnectionsRouter(ds: DataSource, secretsKey: string): Router {
  const r = Router();
  const repo = ds.getRepository(ProviderConnectionEntity);

  r.post('/provider-connections', async (req, res) => {
    const { tenantId, apiKeyId } = authOf(res);
    const dto = validateInput(CreateProviderConnectionDto, req.body, { where: 'request body' });
    const saved = await ds.transaction(async (m) => {
      const conn = await m.getRepository(ProviderConnectionEntity).save(m.getRepository(ProviderConnectionEntity).create({
        tenantId,
        name: dto.name.trim(),
        type: dto.type,
        baseUrl: dto.baseUrl ? dto.baseUrl.replace(/\/+$/, '') : null,
        config: { accountSid: dto.accountSid, fromNumber: dto.fromNumber },
        secretsSealed: encryptSecret(JSON.stringify({ authToken: dto.authToken }), secretsKey),
        callsPerSecond: dto.callsPerSecond ?? 1,
      }));
      const created = await m.getRepository(ProviderConnectionEntity).findOneByOrFail({ id: conn.id });
      await writeAudit(m, { tenantId, apiKeyId, action: 'provider_connection.create', entityType: 'provider_connection', entityId: conn.id, after: providerConnectionView(created) });
      return created;
    });
    res.status(201).json(providerConnectionView(saved));
  });

  r.get('/provider-connections', async (_req, res) => {
    const { tenantId } = authOf(res);
    const rows = await repo.find({ where: { tenantId }, order: { createdAt: 'DESC', id: 'DESC' }, take: 500 });
    res.json({ data: rows.map(providerConnectionView), nextCursor: null });
  });

  r.get('/provider-connections/:id', async (req, res) => {
    const { tenantId } = authOf(res);
    const id = pathId(req.params.id, 'provider connection');
    const row = await repo.findOneBy({ id, tenantId });
    if (!row) throw AppError.notFound('provider connection', id);
    res.json(providerConnectionView(row));
  });

  return r;
}
