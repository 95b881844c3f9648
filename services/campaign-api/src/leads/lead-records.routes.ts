import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { validateInput, type Logger } from '@dialer/platform';
import { getCampaign } from '../campaigns/campaigns.repository';
import { authOf, pathId } from '../http/request-context';
import { deleteLead } from './delete-lead';
import { exportLeads } from './export-leads';
import { getLead } from './get-lead';
import type { LeadPage } from './lead.dto';
import { SearchLeadsQuery, UpdateLeadDto, type LeadRecord } from './lead-record.dto';
import { searchLeads } from './search-leads';
import { updateLead } from './update-lead';

/** Lead records: one lead read, edited or removed; search across the tenant's campaigns; a campaign's CSV export. */
export function leadRecordsRouter({ ds, logger }: { ds: DataSource; logger: Logger }): Router {
  const r = Router();

  r.get('/leads', async (req, res) => {
    const q = validateInput(SearchLeadsQuery, { ...req.query }, { where: 'query string' });
    res.json((await searchLeads(ds, authOf(res), q)) satisfies LeadPage);
  });

  r.get('/leads/:id', async (req, res) => {
    res.json((await getLead(ds, authOf(res), pathId(req.params.id, 'lead'))) satisfies LeadRecord);
  });

  r.patch('/leads/:id', async (req, res) => {
    const id = pathId(req.params.id, 'lead');
    const dto = validateInput(UpdateLeadDto, req.body, { where: 'request body' });
    res.json((await updateLead(ds, authOf(res), id, dto)) satisfies LeadRecord);
  });

  r.delete('/leads/:id', async (req, res) => {
    await deleteLead(ds, authOf(res), pathId(req.params.id, 'lead'));
    res.status(204).end();
  });

  r.get('/campaigns/:id/leads.csv', async (req, res) => {
    const auth = authOf(res);
    const campaign = await getCampaign(ds, auth.tenantId, pathId(req.params.id, 'campaign'));
    res.status(200).type('text/csv').set('Content-Disposition', `attachment; filename="leads-${campaign.id}.csv"`);
    try {
      await exportLeads(ds, auth, campaign, res);
      res.end();
    } catch (err) {
      // The header line is out: the answer can only be cut short, not turned into an error body.
      logger.warn({ err, campaignId: campaign.id }, 'lead export cut short');
      res.destroy();
    }
  });

  return r;
}
