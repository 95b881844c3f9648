import { Router } from 'express';
import type { DataSource, LeadEntity } from '@dialer/db';
import { compileLeadSchema, leadZones, noWindowDetail, parseLeadFilter, type LeadFieldFilter, type LeadSchema } from '@dialer/domain';
import { AppError, validateInput, type Logger } from '@dialer/platform';
import { getCampaign } from '../campaigns/campaigns.repository';
import { leadForRole } from '../compliance/compliance';
import { authOf, pathId, toPage } from '../http/request-context';
import type { CsvImportResult } from '../imports/import.dto';
import type { ImportRunner } from '../imports/import-runner';
import { getImportJob, type ImportJobRow } from '../imports/imports.repository';
import { createUploadJob, failUpload, finalizeUpload, firstReportLines } from '../imports/receive-upload';
import { drainRequest, streamToFile, tooLarge } from '../imports/store-upload';
import { addLeads } from './add-leads';
import { AddLeadsDto, ListLeadsQuery, type AddLeadsResult, type LeadPage } from './lead.dto';
import { CLOSED_TO_LEADS, closedToLeads, listCampaignLeads } from './leads.repository';

export interface LeadsRouterDeps {
  ds: DataSource;
  logger: Logger;
  csvMaxBytes: number;
  imports: ImportRunner;
}

/** The `filter` parameters typed against the campaign's lead schema; 400 naming each one that is not valid. */
function leadFieldFilters(exprs: readonly string[], schema: LeadSchema | null): LeadFieldFilter[] {
  if (exprs.length === 0) return [];
  const compiled = schema ? compileLeadSchema(schema) : null;
  const out: LeadFieldFilter[] = [];
  const problems: Array<{ field: string; value: string; reason: string }> = [];
  for (const e of exprs) {
    const r = parseLeadFilter(e, compiled);
    if (r.ok) out.push(r.filter);
    else problems.push({ field: 'filter', value: e, reason: r.reason });
  }
  if (problems.length) {
    throw new AppError('validation_failed', `query string is invalid: ${problems.map((p) => `filter "${p.value}": ${p.reason}`).join('; ')}`, { status: 400, details: problems });
  }
  return out;
}

export function leadsRouter({ ds, logger, csvMaxBytes, imports }: LeadsRouterDeps): Router {
  const r = Router();

  r.post('/campaigns/:id/leads', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    if (CLOSED_TO_LEADS.includes(campaign.status)) throw closedToLeads(campaign.status);
    const dto = validateInput(AddLeadsDto, req.body, { where: 'request body' });
    const result = await addLeads(ds, {
      tenantId, campaignId: campaign.id, defaultCountry: campaign.defaultCountry, rejectCardNumbers: campaign.complianceMode === 'pci',
      leadSchema: campaign.leadSchema,
      consentRequired: campaign.consentRequired,
    }, dto.leads);
    logger.info({ campaignId: campaign.id, accepted: result.accepted, duplicates: result.duplicates,
      dncSuppressed: result.dncSuppressed, rejected: result.rejected.length }, 'leads added');
    res.status(201).json(result satisfies AddLeadsResult);
  });

  /**
   * The synchronous CSV import: the body (text/csv) is stored like an upload and run through the
   * import pipeline in the request; the answer carries the counts and the first report lines.
   */
  r.post('/campaigns/:id/leads/csv', async (req, res) => {
    const { tenantId } = authOf(res);
    let job: { id: string; filePath: string } | undefined;
    let claimed: ImportJobRow;
    try {
      if (req.is('multipart/form-data')) {
        throw new AppError('unsupported_media_type',
          `this route takes the CSV itself as the body (Content-Type: text/csv); send multipart uploads to POST /v1/campaigns/${pathId(req.params.id, 'campaign')}/imports`,
          { status: 415 });
      }
      if (!req.is(['text/csv', 'application/csv'])) {
        throw new AppError('unsupported_media_type', 'send the CSV as the request body with Content-Type: text/csv', { status: 415 });
      }
      const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
      if (CLOSED_TO_LEADS.includes(campaign.status)) throw closedToLeads(campaign.status);
      const filename = typeof req.query.filename === 'string' ? req.query.filename.slice(0, 255) : null;
      job = await createUploadJob(ds, imports, { tenantId, campaignId: campaign.id, filename });
      const declared = Number(req.get('content-length') ?? NaN);
      if (Number.isFinite(declared) && declared > csvMaxBytes) throw tooLarge(csvMaxBytes);
      const bytes = await streamToFile(req, job.filePath, csvMaxBytes);
      claimed = await finalizeUpload(ds, {
        id: job.id, filePath: job.filePath, bytes, mapping: null, defaultCountry: campaign.defaultCountry, rejectCardNumbers: campaign.complianceMode === 'pci',
        leadSchema: campaign.leadSchema, consentRequired: campaign.consentRequired, claim: true,
      });
    } catch (err) {
      drainRequest(req);
      throw job ? await failUpload(ds, job.id, job.filePath, err) : err;
    }
    const outcome = await imports.run(claimed);
    const done = await getImportJob(ds, tenantId, job.id);
    if (outcome.status === 'failed') {
      const e = outcome.error;
      throw e instanceof AppError
        ? new AppError(e.code, e.message, { status: e.status, details: { ...(typeof e.details === 'object' && e.details ? e.details : {}), importId: job.id } })
        : new AppError('import_failed', done?.error ?? 'the import failed', { status: 500, details: { importId: job.id } });
    }
    logger.info({ importId: job.id, campaignId: done?.campaign_id, accepted: done?.accepted }, 'csv import completed');
    res.status(201).json({
      importId: job.id, rowsRead: done?.rows_read ?? 0, accepted: done?.accepted ?? 0, rejected: done?.rejected ?? 0,
      duplicates: done?.duplicates ?? 0, dncSuppressed: done?.dnc_suppressed ?? 0,
      assumedCountry: claimed.options.defaultCountry ?? '', countries: done?.countries ?? {},
      errors: await firstReportLines(ds, tenantId, job.id),
    } satisfies CsvImportResult);
  });

  r.get('/campaigns/:id/leads', async (req, res) => {
    const { tenantId, role } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const q = validateInput(ListLeadsQuery, { ...req.query }, { where: 'query string' });
    const phonePrefix = q.phone ? (q.phone.startsWith('+') ? q.phone : `+${q.phone}`) : undefined;
    const fields = leadFieldFilters(q.filter ?? [], campaign.leadSchema);
    const page = toPage(await listCampaignLeads(ds, tenantId, campaign.id, { ...q, phonePrefix, fields }, q.limit + 1), q.limit);
    const detail = (l: LeadEntity): string | null => (l.disposition === 'no_window'
      ? noWindowDetail(campaign.callingWindow, l.phoneE164, leadZones(l.timezones, campaign.defaultTimezone)) : null);
    res.json({
      data: page.data.map((l) => ({ ...leadForRole(l, campaign.complianceMode, role), dispositionDetail: detail(l) })), nextCursor: page.nextCursor,
    } satisfies LeadPage);
  });

  return r;
}
