import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../sql';

/** True while an import of the campaign is pending or running (its leads are still coming). */
export async function importInFlight(m: DataSource | EntityManager, campaignId: string): Promise<boolean> {
  const rows = await queryRows<{ busy: boolean }>(m, `SELECT EXISTS (SELECT 1 FROM import_jobs WHERE campaign_id = $1 AND status IN ('pending', 'running')) AS busy`, [campaignId]);
  return rows[0]?.busy ?? false;
}

/**
 * Valid numbers of a campaign's leads per detected country, from the counts its imports keep (one
 * row per import, never a scan of the leads). Leads added as JSON are not counted.
 */
export async function leadCountries(m: EntityManager | DataSource, tenantId: string, campaignId: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ country: string; n: number }>(m,
    `SELECT c.key AS country, sum(c.value::int)::int AS n
       FROM import_jobs j, jsonb_each_text(j.countries) c
      WHERE j.tenant_id = $1 AND j.campaign_id = $2
      GROUP BY c.key`, [tenantId, campaignId]);
  return Object.fromEntries(rows.map((r) => [r.country, r.n]));
}
