import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min,
} from 'class-validator';
import { Router } from 'express';
import type { DncCheckResult, DncEntry, DncImportResult, DncPage } from './dnc.dto';
import { addDncEntry, checkNumbers, deleteDncEntry, importDncCsv, listDncEntries, removeByPhone } from './dnc.repository';
import type { DataSource, DncEntryEntity } from '@dialer/db';
import { normalizePhone } from '@dialer/domain';
import { AppError, validateInput } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import { getCampaign } from '../campaigns/campaigns.repository';
import { authOf, pathId, toPage } from '../http/request-context';
import { Doc } from '../openapi/doc';

export class AddDncDto {
  @Doc('The number: E.164, or national in the campaign\'s (or US) numbering.', '+14155552671')
  @IsString() @Length(1, 64) phone: string;
  @Doc('Only for this campaign (absent: the whole tenant).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() campaignId?: string;
  @Doc('Why (kept with the entry).', 'asked not to be called')
  @IsOptional() @IsString() @Length(0, 500) reason?: string;
}

export class ListDncQuery {
  @Doc('Only this campaign\'s entries (absent: the tenant\'s).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() campaignId?: string;
  @Doc('Entries per page (1–1000).', 100)
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit = 100;
  @Doc('nextCursor of the previous page.', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() cursor?: string;
}

export class CheckDncDto {
  @Doc('1 to 1000 numbers to check.', ['+14155552671'])
  @IsArray() @ArrayMinSize(1) @ArrayMaxSize(1000) @IsString({ each: true }) @Length(1, 64, { each: true }) phones: string[];
  @Doc('Check this campaign\'s list too (the tenant\'s always applies).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() campaignId?: string;
}

export class DncScopeQuery {
  @Doc('Add to this campaign\'s list (absent: the tenant\'s).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() campaignId?: string;
  @Doc('Why, kept with every entry added.', 'complaint list 2026-03')
  @IsOptional() @IsString() @Length(0, 500) reason?: string;
}

export class RemoveDncQuery {
  @Doc('The number to remove.', '+14155552671')
  @IsString() @Length(1, 64) phone: string;
  @Doc('From this campaign\'s list (absent: the tenant\'s).', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() campaignId?: string;
}

function view(e: DncEntryEntity): DncEntry {
  return { id: e.id, phoneE164: e.phoneE164, campaignId: e.campaignId, reason: e.reason, source: e.source, createdAt: e.createdAt };
}

/** Do-not-call entries: tenant-wide (no campaignId) or for one campaign. */
export function dncRouter(ds: DataSource): Router {
  const r = Router();

  r.post('/dnc', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const dto = validateInput(AddDncDto, req.body, { where: 'request body' });
    let country = 'US';
    if (dto.campaignId) country = (await getCampaign(ds, tenantId, dto.campaignId)).defaultCountry;
    const phone = normalizePhone(dto.phone, country);
    if (!phone.ok) {
      throw new AppError('validation_failed', `request body is invalid: phone: ${phone.reason}`, {
        status: 400, details: [{ field: 'phone', reason: phone.reason }],
      });
    }
    const { entry, created } = await ds.transaction(async (m) => {
      const added = await addDncEntry(m, { tenantId, campaignId: dto.campaignId ?? null, phoneE164: phone.e164, reason: dto.reason ?? null });
      if (added.created) {
        await writeAudit(m, { tenantId, apiKeyId, userId, action: 'dnc.add', entityType: 'dnc_entry', entityId: added.entry.id, after: { campaignId: added.entry.campaignId } });
      }
      return added;
    });
    res.status(created ? 201 : 200).json(view(entry));
  });

  r.get('/dnc', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(ListDncQuery, { ...req.query }, { where: 'query string' });
    const page = toPage(await listDncEntries(ds, tenantId, q, q.limit + 1), q.limit);
    res.json({ data: page.data.map(view), nextCursor: page.nextCursor } satisfies DncPage);
  });

  // Which of these numbers may not be called (tenant-wide, or for the given campaign as well)?
  r.post('/dnc/check', async (req, res) => {
    const { tenantId } = authOf(res);
    const dto = validateInput(CheckDncDto, req.body, { where: 'request body' });
    const country = dto.campaignId ? (await getCampaign(ds, tenantId, dto.campaignId)).defaultCountry : 'US';
    res.json({ data: await checkNumbers(ds, tenantId, dto.campaignId ?? null, dto.phones, country) } satisfies DncCheckResult);
  });

  // Bulk add from CSV (text/csv, streamed): the column named phone (or number, mobile…), else the first.
  r.post('/dnc/csv', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const q = validateInput(DncScopeQuery, { ...req.query }, { where: 'query string' });
    if (!req.is('text/csv') && !req.is('text/plain') && !req.is('application/csv')) {
      throw new AppError('unsupported_media_type', 'send the CSV with Content-Type: text/csv', { status: 415 });
    }
    const country = q.campaignId ? (await getCampaign(ds, tenantId, q.campaignId)).defaultCountry : 'US';
    const result = await importDncCsv(ds, req, { tenantId, campaignId: q.campaignId ?? null, reason: q.reason ?? null, country });
    await writeAudit(ds.manager, {
      tenantId, apiKeyId, userId, action: 'dnc.import', entityType: 'dnc_entry', entityId: null,
      after: { campaignId: q.campaignId ?? null, added: result.added, rows: result.rows },
    });
    res.status(200).json(result satisfies DncImportResult);
  });

  // Remove a number (normalized as on add) from the tenant list, or from a campaign's list.
  r.delete('/dnc', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const q = validateInput(RemoveDncQuery, { ...req.query }, { where: 'query string' });
    const country = q.campaignId ? (await getCampaign(ds, tenantId, q.campaignId)).defaultCountry : 'US';
    const removed = await removeByPhone(ds, { tenantId, campaignId: q.campaignId ?? null, phone: q.phone, country, apiKeyId, userId });
    if (!removed) throw AppError.notFound('dnc entry', q.phone.replace(/\d(?=\d{2})/g, '*'));
    res.status(204).end();
  });

  r.delete('/dnc/:id', async (req, res) => {
    const { tenantId, apiKeyId, userId } = authOf(res);
    const id = pathId(req.params.id, 'dnc entry');
    await ds.transaction(async (m) => {
      if (!await deleteDncEntry(m, tenantId, id)) throw AppError.notFound('dnc entry', id);
      await writeAudit(m, { tenantId, apiKeyId, userId, action: 'dnc.delete', entityType: 'dnc_entry', entityId: id });
    });
    res.status(204).end();
  });

  return r;
}
