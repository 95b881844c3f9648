import { Router } from 'express';
import { bumpCampaignStats, CampaignEntity, type DataSource, type EntityManager, mutate } from '@dialer/db';
import { resolveWindow, type CallingWindow, type CampaignStatus, type RetryPolicy } from '@dialer/domain';
import { AppError, clock, validateInput } from '@dialer/platform';
import { writeAudit } from '../audit/audit.repository';
import { authOf, pathId, toPage } from '../http/request-context';
import { getCampaign, listCampaigns } from './campaigns.repository';
import { CreateCampaignDto, ListCampaignsQuery, SchedulePreviewQuery, UpdateCampaignDto } from './campaign.dto';
import { schedulePreview } from './schedule-preview';
import { isCampaignCommand, runCampaignCommand } from './run-campaign-command';

/** Statuses in which a campaign can no longer change (its leads, settings). */
export const FINISHED_STATUSES: readonly CampaignStatus[] = ['completed', 'stopped', 'cancelled'];

function plain<T>(v: T): T {
  return JSON.parse(JSON.stringify(v)) as T;
}

async function assertProviderConnection(m: EntityManager | DataSource, tenantId: string, id: string): Promise<void> {
  const rows: unknown[] = await m.query(
    `SELECT 1 FROM provider_connections WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL`, [id, tenantId]);
  if (rows.length === 0) {
    throw new AppError('validation_failed', 'request body is invalid: providerConnectionId names no provider connection', {
      status: 400, details: [{ field: 'providerConnectionId', reason: 'no provider connection with this id' }],
    });
  }
}

function assertScheduleOrder(start: Date | null | undefined, end: Date | null | undefined): void {
  if (start && end && end.getTime() <= start.getTime()) {
    throw new AppError('validation_failed', 'request body is invalid: scheduledEndAt must be after scheduledStartAt', {
      status: 400, details: [{ field: 'scheduledEndAt', reason: 'must be after scheduledStartAt' }],
    });
  }
}

export function campaignsRouter(ds: DataSource): Router {
  const r = Router();
  const repo = ds.getRepository(CampaignEntity);

  r.post('/campaigns', async (req, res) => {
    const { tenantId, apiKeyId } = authOf(res);
    const dto = validateInput(CreateCampaignDto, req.body, { where: 'request body' });
    if (dto.providerConnectionId) await assertProviderConnection(ds, tenantId, dto.providerConnectionId);
    assertScheduleOrder(dto.scheduledStartAt, dto.scheduledEndAt);
    const campaign = await ds.transaction(async (m) => {
      const saved = await m.getRepository(CampaignEntity).save(m.getRepository(CampaignEntity).create({
        tenantId,
        name: dto.name.trim(),
        status: 'draft',
        providerConnectionId: dto.providerConnectionId ?? null,
        defaultCountry: dto.defaultCountry,
        defaultTimezone: dto.defaultTimezone,
        maxConcurrentCalls: dto.maxConcurrentCalls,
        maxAttempts: dto.maxAttempts,
        maxCallsPerNumber24h: dto.maxCallsPerNumber24h ?? null,
        retryPolicy: plain((dto.retryPolicy ?? {}) as RetryPolicy),
        callingWindow: resolveWindow(plain((dto.callingWindow ?? {}) as CallingWindow)),
        settings: plain(dto.settings ?? {}),
        scheduledStartAt: dto.scheduledStartAt ?? null,
        scheduledEndAt: dto.scheduledEndAt ?? null,
      }));
      await bumpCampaignStats(m, tenantId, saved.id, {});
      const created = await m.getRepository(CampaignEntity).findOneByOrFail({ id: saved.id });
      await writeAudit(m, { tenantId, apiKeyId, action: 'campaign.create', entityType: 'campaign', entityId: saved.id, after: created });
      return created;
    });
    res.status(201).json(campaign);
  });

  r.get('/campaigns', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(ListCampaignsQuery, { ...req.query }, { where: 'query string' });
    res.json(toPage(await listCampaigns(ds, tenantId, q), q.limit));
  });

  r.get('/campaigns/:id', async (req, res) => {
    const { tenantId } = authOf(res);
    res.json(await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign')));
  });

  // Hour by hour, how many open leads may be called and in which zones (campaign window ∩ rule packs).
  r.get('/campaigns/:id/schedule-preview', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const q = validateInput(SchedulePreviewQuery, { ...req.query }, { where: 'query string' });
    res.json(await schedulePreview(ds, campaign, q.from ?? clock.now(), q.days));
  });

  r.patch('/campaigns/:id', async (req, res) => {
    const { tenantId, apiKeyId } = authOf(res);
    const id = pathId(req.params.id, 'campaign');
    const before = await getCampaign(ds, tenantId, id);
    const dto = validateInput(UpdateCampaignDto, req.body, { where: 'request body' });
    if (FINISHED_STATUSES.includes(before.status)) {
      throw new AppError('invalid_state', `a ${before.status} campaign cannot be changed`, { status: 409, details: { status: before.status } });
    }
    const changes: Partial<CampaignEntity> = {};
    if (dto.name !== undefined) changes.name = dto.name.trim();
    if (dto.providerConnectionId !== undefined) {
      if (dto.providerConnectionId !== null) await assertProviderConnection(ds, tenantId, dto.providerConnectionId);
      changes.providerConnectionId = dto.providerConnectionId;
    }
    if (dto.defaultCountry !== undefined) changes.defaultCountry = dto.defaultCountry;
    if (dto.defaultTimezone !== undefined) changes.defaultTimezone = dto.defaultTimezone;
    if (dto.maxConcurrentCalls !== undefined) changes.maxConcurrentCalls = dto.maxConcurrentCalls;
    if (dto.maxAttempts !== undefined) changes.maxAttempts = dto.maxAttempts;
    if (dto.maxCallsPerNumber24h !== undefined) changes.maxCallsPerNumber24h = dto.maxCallsPerNumber24h;
    if (dto.retryPolicy !== undefined) changes.retryPolicy = plain(dto.retryPolicy as RetryPolicy);
    if (dto.callingWindow !== undefined) changes.callingWindow = resolveWindow(plain(dto.callingWindow as CallingWindow));
    if (dto.scheduledStartAt !== undefined) changes.scheduledStartAt = dto.scheduledStartAt;
    if (dto.scheduledEndAt !== undefined) changes.scheduledEndAt = dto.scheduledEndAt;
    if (dto.settings !== undefined) changes.settings = plain(dto.settings);
    assertScheduleOrder(
      changes.scheduledStartAt !== undefined ? changes.scheduledStartAt : before.scheduledStartAt,
      changes.scheduledEndAt !== undefined ? changes.scheduledEndAt : before.scheduledEndAt);
    if (Object.keys(changes).length === 0) {
      res.json(before);
      return;
    }

    const updated = await ds.transaction(async (m) => {
      // Optimistic: only the version we read may be changed, and never once finished.
      const result = await m.createQueryBuilder().update(CampaignEntity)
        .set({ ...changes, version: () => 'version + 1', updatedAt: () => 'now()' } as never)
        .where('id = :id AND tenant_id = :tenantId AND version = :version AND deleted_at IS NULL AND status NOT IN (:...finished)',
          { id, tenantId, version: before.version, finished: FINISHED_STATUSES })
        .execute();
      if (!result.affected) {
        const now = await m.getRepository(CampaignEntity).findOneBy({ id, tenantId });
        if (!now) throw AppError.notFound('campaign', id);
        if (FINISHED_STATUSES.includes(now.status)) {
          throw new AppError('invalid_state', `a ${now.status} campaign cannot be changed`, { status: 409, details: { status: now.status } });
        }
        throw AppError.conflict('the campaign was changed by another request; read it again and retry', { version: now.version });
      }
      const after = await m.getRepository(CampaignEntity).findOneByOrFail({ id, tenantId });
      const beforeFields: Record<string, unknown> = {};
      const afterFields: Record<string, unknown> = {};
      for (const k of Object.keys(changes) as Array<keyof CampaignEntity>) {
        beforeFields[k] = before[k];
        afterFields[k] = after[k];
      }
      await writeAudit(m, { tenantId, apiKeyId, action: 'campaign.update', entityType: 'campaign', entityId: id, before: beforeFields, after: afterFields });
      return after;
    });
    res.json(updated);
  });

  r.delete('/campaigns/:id', async (req, res) => {
    const { tenantId, apiKeyId } = authOf(res);
    const id = pathId(req.params.id, 'campaign');
    await ds.transaction(async (m) => {
      const { rows } = await mutate<{ status: string }>(m,
        `UPDATE campaigns SET deleted_at = now(), updated_at = now(), version = version + 1
          WHERE id = $1 AND tenant_id = $2 AND deleted_at IS NULL AND status <> 'running'
          RETURNING status`, [id, tenantId]);
      if (rows.length === 0) {
        const now = await repo.findOneBy({ id, tenantId });
        if (!now) throw AppError.notFound('campaign', id);
        throw new AppError('invalid_state', 'a running campaign must be stopped before it is deleted', { status: 409, details: { status: now.status } });
      }
      await writeAudit(m, { tenantId, apiKeyId, action: 'campaign.delete', entityType: 'campaign', entityId: id, before: { status: rows[0]!.status }, after: { deleted: true } });
    });
    res.status(204).end();
  });

  r.post('/campaigns/:id/:command', async (req, res, next) => {
    const command = req.params.command;
    if (!isCampaignCommand(command)) {
      next();
      return;
    }
    const { tenantId, apiKeyId } = authOf(res);
    const id = pathId(req.params.id, 'campaign');
    const { campaign } = await runCampaignCommand(ds, { tenantId, campaignId: id, command, apiKeyId });
    res.json(campaign);
  });

  return r;
}
