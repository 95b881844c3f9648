import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayMinSize, IsArray, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min,
} from 'class-validator';
import { Router } from 'express';
import type { DncCheckResult, DncEntry, DncImportResult, DncPage } from './dnc.dto';
import { listDncEntries } from './dnc.repository';
import type { DataSource, DncEntryEntity } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { authOf, pathId, toPage } from '../http/request-context';
import { Doc } from '../openapi/doc';
import { addDncEntry } from './add-dnc-entry';
import { checkDncNumbers } from './check-dnc-numbers';
import { importDncCsv } from './import-dnc-csv';
import { removeDncEntry } from './remove-dnc-entry';
import { removeDncNumber } from './remove-dnc-number';

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
    const auth = authOf(res);
    const dto = validateInput(AddDncDto, req.body, { where: 'request body' });
    const { entry, created } = await addDncEntry(ds, auth, dto);
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
    res.json({ data: await checkDncNumbers(ds, tenantId, dto.campaignId ?? null, dto.phones) } satisfies DncCheckResult);
  });

  // Bulk add from CSV (text/csv, streamed): the column named phone (or number, mobile…), else the first.
  r.post('/dnc/csv', async (req, res) => {
    const auth = authOf(res);
    const q = validateInput(DncScopeQuery, { ...req.query }, { where: 'query string' });
    if (!req.is('text/csv') && !req.is('text/plain') && !req.is('application/csv')) {
      throw new AppError('unsupported_media_type', 'send the CSV with Content-Type: text/csv', { status: 415 });
    }
    res.status(200).json(await importDncCsv(ds, auth, req, q) satisfies DncImportResult);
  });

  // Remove a number (normalized as on add) from the tenant list, or from a campaign's list.
  r.delete('/dnc', async (req, res) => {
    const auth = authOf(res);
    const q = validateInput(RemoveDncQuery, { ...req.query }, { where: 'query string' });
    await removeDncNumber(ds, auth, q);
    res.status(204).end();
  });

  r.delete('/dnc/:id', async (req, res) => {
    const auth = authOf(res);
    await removeDncEntry(ds, auth, pathId(req.params.id, 'dnc entry'));
    res.status(204).end();
  });

  return r;
}
