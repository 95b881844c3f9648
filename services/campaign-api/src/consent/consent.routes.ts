import { Router } from 'express';
import type { DataSource } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { authOf, pathId } from '../http/request-context';
import { findLead } from '../leads/lead-records.repository';
import { consentView } from './consent-view';
import { PutConsentDto, RevokeConsentDto, type Consent, type ConsentHistory } from './consent.dto';
import { listConsents } from './consents.repository';
import { recordConsent } from './record-consent';
import { revokeConsent } from './revoke-consent';

/**
 * GET    /v1/leads/:id/consent   the lead's current consent record and its history
 * PUT    /v1/leads/:id/consent   record the lead's consent (supersedes the current record)
 * DELETE /v1/leads/:id/consent   revoke it, with a reason (body {reason})
 */
export function consentRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/leads/:id/consent', async (req, res) => {
    const id = pathId(req.params.id, 'lead');
    const { tenantId } = authOf(res);
    if (!(await findLead(ds, tenantId, id))) throw AppError.notFound('lead', id);
    const history = (await listConsents(ds, tenantId, id)).map(consentView);
    res.json({ current: history.find((c) => c.supersededAt === null) ?? null, history } satisfies ConsentHistory);
  });

  r.put('/leads/:id/consent', async (req, res) => {
    const id = pathId(req.params.id, 'lead');
    const dto = validateInput(PutConsentDto, req.body, { where: 'request body' });
    res.json((await recordConsent(ds, authOf(res), id, dto)) satisfies Consent);
  });

  r.delete('/leads/:id/consent', async (req, res) => {
    const id = pathId(req.params.id, 'lead');
    // An unknown lead is 404 whatever the body says.
    if (!(await findLead(ds, authOf(res).tenantId, id))) throw AppError.notFound('lead', id);
    const dto = validateInput(RevokeConsentDto, req.body ?? {}, { where: 'request body' });
    res.json((await revokeConsent(ds, authOf(res), id, dto.reason)) satisfies Consent);
  });

  return r;
}
