import type { EntityManager } from 'typeorm';
import { bumpCampaignStats } from './stats.repository';

/**
 * Counts `count` leads that ended with one disposition: leads_done and dispositions[disposition]
 * both move by `count`. (bumpCampaignStats adds one disposition at a time; this is its bulk form.)
 */
export async function countFinishedLeads(
  m: EntityManager, tenantId: string, campaignId: string, disposition: string, count: number,
): Promise<void> {
  if (count <= 0) return;
  if (count === 1) {
    await bumpCampaignStats(m, tenantId, campaignId, { leadsDone: 1, disposition });
    return;
  }
  await bumpCampaignStats(m, tenantId, campaignId, { leadsDone: count });
  await m.query(
    `UPDATE campaign_stats
        SET dispositions = jsonb_set(dispositions, ARRAY[$2::text],
              to_jsonb(COALESCE((dispositions ->> $2::text)::bigint, 0) + $3::bigint)),
            updated_at = now()
      WHERE campaign_id = $1`,
    [campaignId, disposition, count]);
}
