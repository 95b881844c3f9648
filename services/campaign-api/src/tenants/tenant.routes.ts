import { Router } from 'express';
import { listPurgeRuns, type DataSource, type TenantEntity } from '@dialer/db';
import { AppError, validateInput } from '@dialer/platform';
import { authOf } from '../http/request-context';
import { ListPurgesQuery, UpdateTenantDto, type PurgeRunCounts, type PurgeRunPage, type TenantView } from './tenant.dto';
import { findTenant } from './tenants.repository';
import { updateTenant } from './update-tenant';

function tenantView(t: TenantEntity): TenantView {
  return {
    id: t.id, name: t.name, defaultCountry: t.defaultCountry, maxConcurrentCalls: t.maxConcurrentCalls, weight: t.weight,
    retention: {
      callDataDays: t.retentionCallDataDays, attemptsDays: t.retentionAttemptsDays,
      webhookEventsDays: t.retentionWebhookEventsDays, endedLeadsDays: t.retentionEndedLeadsDays,
    },
    createdAt: t.createdAt,
  };
}

/** The caller's own tenant: read it, change its default country, concurrency budget and retention (admins), read its purge runs. */
export function tenantRouter(ds: DataSource): Router {
  const r = Router();

  r.get('/tenant', async (_req, res) => {
    const { tenantId } = authOf(res);
    const t = await findTenant(ds, tenantId);
    if (!t) throw AppError.notFound('tenant', tenantId);
    res.json(tenantView(t) satisfies TenantView);
  });

  r.patch('/tenant', async (req, res) => {
    const auth = authOf(res);
    const dto = validateInput(UpdateTenantDto, req.body, { where: 'request body' });
    res.json(tenantView(await updateTenant(ds, auth, dto)) satisfies TenantView);
  });

  // What the scheduler's retention purge removed, run by run (docs/privacy.md).
  r.get('/tenant/purges', async (req, res) => {
    const { tenantId } = authOf(res);
    const q = validateInput(ListPurgesQuery, { ...req.query }, { where: 'query string' });
    const runs = await listPurgeRuns(ds, tenantId, q.limit);
    // Runs before a kind existed report 0 for it.
    const zero: PurgeRunCounts = { call_data: 0, call_attempts: 0, webhook_events: 0, outbound_events: 0, ended_leads: 0 };
    res.json({
      data: runs.map((p) => ({ id: p.id, startedAt: p.started_at, finishedAt: p.finished_at, now: p.cutoff_now, removed: { ...zero, ...p.removed } })),
    } satisfies PurgeRunPage);
  });

  return r;
}
