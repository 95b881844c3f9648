import type { ConsentType } from '@dialer/domain';
import { Router, type Request, type Response } from 'express';
import type { DataSource } from '@dialer/db';
import type { LeadSchema } from '@dialer/domain';
import { AppError, validateInput, type Logger } from '@dialer/platform';
import { getCampaign } from '../campaigns/campaigns.repository';
import { idempotent } from '../http/idempotency';
import { authOf, pathId } from '../http/request-context';
import { tenantDefaultCountry } from '../tenants/tenants.repository';
import { CLOSED_TO_LEADS, closedToLeads } from '../leads/leads.repository';
import { describeMapping, suggestMapping } from './column-mapping';
import { csvLine, IMPORT_TEMPLATE } from './errors-csv';
import type { ImportRunner } from './import-runner';
import { ImportPreviewQuery, type ImportDetail, type SchemaMapping, type ImportPage, type ImportPreview, type PreviewLead, type PreviewProblem } from './import.dto';
import { cancelImport, getImportJob, importErrorsPage, listImportJobs, reopenImport, setImportFilename } from './imports.repository';
import { INSPECT_BYTES, inspectCsv, mappingFor } from './inspect-csv';
import { bindSchema, prepareRecord, type PrepareContext, type SchemaBinding } from './prepare-rows';
import { leadsTemplate } from './leads-template';
import {
  createUploadJob, failUpload, finalizeUpload, firstReportLines, importView, parseMapping,
} from './receive-upload';
import { drainRequest, receiveMultipart, tooLarge } from './store-upload';

export interface ImportsRouterDeps {
  ds: DataSource;
  logger: Logger;
  runner: ImportRunner;
  /** Largest multipart upload, in bytes (413 beyond). */
  maxBytes: number;
}

const PREVIEW_ROWS = 20;
/** Multipart framing allowed on top of the file itself when checking Content-Length. */
const MULTIPART_OVERHEAD = 64 * 1024;

function flag(v: unknown): boolean {
  return typeof v === 'string' && ['1', 'true', 'yes'].includes(v.toLowerCase());
}

/** Which column feeds each field of the lead schema, and the required fields no column feeds. */
function schemaMapping(b: SchemaBinding): SchemaMapping {
  return {
    fields: b.compiled.fields.map((f) => ({ field: f.name, type: f.type, required: f.required, column: b.headerOf.get(f.name) ?? null })),
    missingRequired: b.compiled.fields.filter((f) => f.required && f.spec.default === undefined && !b.headerOf.has(f.name)).map((f) => f.name),
  };
}

export function importsRouter({ ds, logger, runner, maxBytes }: ImportsRouterDeps): Router {
  const r = Router();

  const openCampaign = async (req: Request, tenantId: string) => {
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    if (CLOSED_TO_LEADS.includes(campaign.status)) throw closedToLeads(campaign.status);
    return campaign;
  };

  /** 404 for an unknown import, else 409 naming its status. */
  const refusal = async (tenantId: string, id: string, what: string): Promise<AppError> => {
    const existing = await getImportJob(ds, tenantId, id);
    if (!existing) return AppError.notFound('import', id);
    return new AppError('invalid_state', `a ${existing.status} import cannot be ${what}`, { status: 409, details: { status: existing.status } });
  };

  r.get('/imports/template.csv', (_req, res) => {
    res.type('text/csv').set('Content-Disposition', 'attachment; filename="leads-template.csv"').send(IMPORT_TEMPLATE);
  });

  /** The campaign's own template: the built-in columns and its lead schema's fields, with a sample row that imports back. */
  r.get('/campaigns/:id/leads/template.csv', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    res.type('text/csv').set('Content-Disposition', `attachment; filename="campaign-${campaign.id}-template.csv"`)
      .send(campaign.leadSchema ? leadsTemplate(campaign.leadSchema) : IMPORT_TEMPLATE);
  });

  /** Multipart upload (field `file`, optional `mapping` JSON, optional `preview`): 202 and an import id, or a preview. */
  r.post('/campaigns/:id/imports', async (req, res) => {
    const { tenantId } = authOf(res);
    // Idempotency-Key: a repeat of this upload (same campaign) answers the first import again; the file is not hashed.
    if (flag(req.query.preview) || req.get('idempotency-key') === undefined) {
      await upload(req, res, tenantId);
      return;
    }
    try {
      await idempotent(ds, req, res, tenantId, null, async () => {
        let answer: { status: number; body: unknown; location?: string } | undefined;
        await upload(req, res, tenantId, (a) => {
          answer = a;
        });
        if (!answer) throw new AppError('internal', 'the upload gave no answer', { status: 500 });
        return answer;
      });
    } catch (err) {
      drainRequest(req);
      throw err;
    }
  });

  /** Reads the head of a multipart upload and answers what an import of it would do; writes nothing. */
  const answerPreview = async (
    req: Request, res: Response, rules: { defaultCountry: string; rejectCardNumbers: boolean; leadSchema?: LeadSchema | null; consentRequired?: ConsentType | null },
  ): Promise<void> => {
    const up = await receiveMultipart(req, { filePath: '', maxBytes, preview: true, headBytes: INSPECT_BYTES });
    if (!up.head) throw new AppError('no_file', 'the upload has no file part', { status: 400 });
    const ins = inspectCsv(up.head, up.complete ?? false, PREVIEW_ROWS);
    const explicit = parseMapping(up.fields.mapping ?? req.query.mapping);
    const mapping = mappingFor(ins, explicit);
    const ctx: PrepareContext = { mapping, ...rules };
    const bound = rules.leadSchema ? bindSchema(rules.leadSchema, mapping) : null;
    const rows: PreviewLead[] = [];
    const errors: PreviewProblem[] = [];
    const countries: Record<string, number> = {};
    for (const { row, rec } of ins.sample) {
      const p = prepareRecord(rec, ctx);
      if (p.ok) {
        rows.push({ row, ...p.lead });
        if (p.warning) errors.push({ row, kind: 'warning', ...p.warning });
        const country = p.lead.country ?? 'unknown';
        countries[country] = (countries[country] ?? 0) + 1;
      } else errors.push({ row, kind: 'invalid', ...p.problem });
    }
    res.json({
      preview: true, filename: up.filename, encoding: ins.encoding, delimiter: ins.delimiter, headers: ins.headers,
      suggestedMapping: suggestMapping(ins.headers), mapping: describeMapping(mapping),
      customColumns: mapping.custom.map((c) => c.name), sampleRows: rows, sampleErrors: errors,
      assumedCountry: rules.defaultCountry, countries,
      ...(bound ? { schemaMapping: schemaMapping(bound) } : {}),
    } satisfies ImportPreview);
  };

  /** A preview before any campaign exists (the dashboard's wizard): the rules come from the query. */
  r.post('/imports/preview', async (req, res) => {
    const { tenantId } = authOf(res);
    try {
      if (!req.is('multipart/form-data')) {
        throw new AppError('unsupported_media_type', 'send the file as multipart/form-data (field "file"; optional "mapping")', { status: 415 });
      }
      const q = validateInput(ImportPreviewQuery, { ...req.query }, { where: 'query string' });
      const country = q.defaultCountry?.toUpperCase() ?? await tenantDefaultCountry(ds, tenantId);
      await answerPreview(req, res, { defaultCountry: country, rejectCardNumbers: q.complianceMode === 'pci' });
    } catch (err) {
      drainRequest(req);
      throw err;
    }
  });

  const upload = async (req: Request, res: Response, tenantId: string, answer?: (a: { status: number; body: unknown; location: string }) => void): Promise<void> => {
    let job: { id: string; filePath: string } | undefined;
    try {
      if (!req.is('multipart/form-data')) {
        throw new AppError('unsupported_media_type', 'send the file as multipart/form-data (field "file"; optional "mapping" and "preview")', { status: 415 });
      }
      const campaign = await openCampaign(req, tenantId);
      const preview = flag(req.query.preview);
      const declared = Number(req.get('content-length') ?? NaN);
      if (!preview && Number.isFinite(declared) && declared > maxBytes + MULTIPART_OVERHEAD) throw tooLarge(maxBytes);

      if (preview) {
        await answerPreview(req, res, {
          defaultCountry: campaign.defaultCountry, rejectCardNumbers: campaign.complianceMode === 'pci', leadSchema: campaign.leadSchema,
          consentRequired: campaign.consentRequired,
        });
        return;
      }

      job = await createUploadJob(ds, runner, { tenantId, campaignId: campaign.id, filename: null });
      const up = await receiveMultipart(req, { filePath: job.filePath, maxBytes, preview: false, headBytes: 0 });
      if (!up.stored) throw new AppError('no_file', 'the upload has no file part (send it as the form field "file")', { status: 400 });
      await setImportFilename(ds, job.id, up.filename);
      const claimed = await finalizeUpload(ds, {
        id: job.id, filePath: job.filePath, bytes: up.bytes, mapping: parseMapping(up.fields.mapping ?? req.query.mapping),
        defaultCountry: campaign.defaultCountry, rejectCardNumbers: campaign.complianceMode === 'pci', leadSchema: campaign.leadSchema,
        consentRequired: campaign.consentRequired, claim: true,
      });
      void runner.run(claimed);
      logger.info({ importId: job.id, campaignId: campaign.id, bytes: up.bytes }, 'import uploaded');
      if (answer) answer({ status: 202, body: importView(claimed), location: `/v1/imports/${job.id}` });
      else res.status(202).location(`/v1/imports/${job.id}`).json(importView(claimed));
    } catch (err) {
      drainRequest(req);
      throw job ? await failUpload(ds, job.id, job.filePath, err) : err;
    }
  };

  r.get('/campaigns/:id/imports', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const rows = await listImportJobs(ds, tenantId, campaign.id, 100);
    res.json({ data: rows.map(importView) } satisfies ImportPage);
  });

  r.get('/imports/:id', async (req, res) => {
    const { tenantId } = authOf(res);
    const id = pathId(req.params.id, 'import');
    const job = await getImportJob(ds, tenantId, id);
    if (!job) throw AppError.notFound('import', id);
    res.json({ ...importView(job), errors: await firstReportLines(ds, tenantId, id) } satisfies ImportDetail);
  });

  /** The per-row report: every row that did not become a lead, with its column, value and reason. */
  r.get('/imports/:id/errors.csv', async (req, res) => {
    const { tenantId } = authOf(res);
    const id = pathId(req.params.id, 'import');
    const job = await getImportJob(ds, tenantId, id);
    if (!job) throw AppError.notFound('import', id);
    res.type('text/csv').set('Content-Disposition', `attachment; filename="import-${id}-errors.csv"`);
    res.write(csvLine(['row', 'column', 'value', 'reason', 'kind']));
    let after = 0;
    for (;;) {
      const page = await importErrorsPage(ds, tenantId, id, after, 5000);
      if (!page.length) break;
      const ok = res.write(page.map((e) => csvLine([e.row, e.column, e.value, e.reason, e.kind])).join(''));
      after = page[page.length - 1]!.row;
      if (!ok) await new Promise((resolve) => res.once('drain', resolve));
    }
    res.end();
  });

  r.post('/imports/:id/cancel', async (req, res) => {
    const { tenantId } = authOf(res);
    const id = pathId(req.params.id, 'import');
    const job = await cancelImport(ds, tenantId, id);
    if (!job) throw await refusal(tenantId, id, 'cancelled');
    await runner.abort(id);
    res.json(importView(job));
  });

  /** A failed import continues after its last committed batch. */
  r.post('/imports/:id/resume', async (req, res) => {
    const { tenantId } = authOf(res);
    const id = pathId(req.params.id, 'import');
    const job = await reopenImport(ds, tenantId, id);
    if (!job) throw await refusal(tenantId, id, 'resumed (only a failed one)');
    runner.submit(id);
    res.status(202).json(importView(job));
  });

  return r;
}
