import { Router, type Request } from 'express';
import { ImportJobEntity, LeadEntity, type DataSource } from '@dialer/db';
import { AppError, validateInput, type Logger } from '@dialer/platform';
import { getCampaign } from '../campaigns/campaigns.repository';
import { authOf, pathId, toPage } from '../http/request-context';
import { addLeads } from './add-leads';
import { importCsv } from './import-csv';
import { AddLeadsDto, ListLeadsQuery } from './lead.dto';
import { CLOSED_TO_LEADS, closedToLeads } from './leads.repository';

export interface LeadsRouterDeps {
  ds: DataSource;
  logger: Logger;
  csvMaxBytes: number;
}

/** How much of a refused upload is read and dropped so the client sees the answer; past it the socket is cut. */
const DRAIN_LIMIT_BYTES = 64 * 1024 * 1024;

/** After a failed upload, reads and drops the rest of the body so the answer reaches the client. */
function drain(req: Request, limitBytes: number): void {
  if (req.readableEnded) return;
  req.unpipe();
  let dropped = 0;
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > limitBytes) req.socket.destroy();
  });
  req.resume();
}

export function leadsRouter({ ds, logger, csvMaxBytes }: LeadsRouterDeps): Router {
  const r = Router();

  r.post('/campaigns/:id/leads', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    if (CLOSED_TO_LEADS.includes(campaign.status)) throw closedToLeads(campaign.status);
    const dto = validateInput(AddLeadsDto, req.body, { where: 'request body' });
    const result = await addLeads(ds, { tenantId, campaignId: campaign.id, defaultCountry: campaign.defaultCountry }, dto.leads);
    logger.info({ campaignId: campaign.id, accepted: result.accepted, duplicates: result.duplicates,
      dncSuppressed: result.dncSuppressed, rejected: result.rejected.length }, 'leads added');
    res.status(201).json(result);
  });

  r.post('/campaigns/:id/leads/csv', async (req, res) => {
    try {
      const { tenantId } = authOf(res);
      if (!req.is(['text/csv', 'application/csv'])) {
        throw new AppError('unsupported_media_type', 'send the CSV as the request body with Content-Type: text/csv', { status: 415 });
      }
      const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
      if (CLOSED_TO_LEADS.includes(campaign.status)) throw closedToLeads(campaign.status);
      const declared = req.get('content-length');
      const filename = typeof req.query.filename === 'string' ? req.query.filename.slice(0, 255) : null;
      const result = await importCsv(ds, logger, {
        tenantId, campaignId: campaign.id, defaultCountry: campaign.defaultCountry, body: req,
        maxBytes: csvMaxBytes, declaredBytes: declared !== undefined ? Number(declared) : undefined, filename,
      });
      res.status(201).json(result);
    } catch (err) {
      drain(req, DRAIN_LIMIT_BYTES);
      throw err;
    }
  });

  r.get('/campaigns/:id/leads', async (req, res) => {
    const { tenantId } = authOf(res);
    const campaign = await getCampaign(ds, tenantId, pathId(req.params.id, 'campaign'));
    const q = validateInput(ListLeadsQuery, { ...req.query }, { where: 'query string' });
    const qb = ds.getRepository(LeadEntity).createQueryBuilder('l')
      .where('l.campaign_id = :campaignId AND l.tenant_id = :tenantId', { campaignId: campaign.id, tenantId })
      .orderBy('l.created_at', 'ASC')
      .addOrderBy('l.id', 'ASC')
      .limit(q.limit + 1);
    if (q.status) qb.andWhere('l.status = :status', { status: q.status });
    if (q.cursor) {
      qb.andWhere(`(l.created_at, l.id) > (SELECT k.created_at, k.id FROM leads k WHERE k.id = :cursor AND k.campaign_id = :campaignId)`,
        { cursor: q.cursor });
    }
    res.json(toPage(await qb.getMany(), q.limit));
  });

  r.get('/imports/:id', async (req, res) => {
    const { tenantId } = authOf(res);
    const id = pathId(req.params.id, 'import');
    const job = await ds.getRepository(ImportJobEntity).findOneBy({ id, tenantId });
    if (!job) throw AppError.notFound('import', id);
    res.json(job);
  });

  return r;
}
