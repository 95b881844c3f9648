import type { DataSource, EntityManager } from 'typeorm';
import { queryRows } from '../sql';

/** True while an import of the campaign is pending or running (its leads are still coming). */
export async function importInFlight(m: DataSource | EntityManager, campaignId: string): Promise<boolean> {
  const rows = await queryRows<{ busy: boolean }>(m, `SELECT EXISTS (SELECT 1 FROM import_jobs WHERE campaign_id = $1 AND status IN ('pending', 'running')) AS busy`, [campaignId]);
  return rows[0]?.busy ?? false;
}
