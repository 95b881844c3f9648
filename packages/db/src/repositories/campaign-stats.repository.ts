import type { DataSource, EntityManager } from 'typeorm';
import { CampaignStatsEntity } from '../entities/other.entities';

/** What to add to a campaign's hot counters (the call counters and DNC suppressions the stats API reads). */
export interface StatsDelta {
  dncSuppressed?: number;
  callsEnded?: number;
  connected?: number;
  voicemail?: number;
  busy?: number;
  noAnswer?: number;
  failed?: number;
  canceled?: number;
  talkSeconds?: number;
}

const COLUMNS: Array<[keyof StatsDelta, string]> = [
  ['dncSuppressed', 'dnc_suppressed'], ['callsEnded', 'calls_ended'], ['connected', 'connected'], ['voicemail', 'voicemail'],
  ['busy', 'busy'], ['noAnswer', 'no_answer'], ['failed', 'failed'], ['canceled', 'canceled'], ['talkSeconds', 'talk_seconds'],
];

/**
 * Adds to a campaign's hot counters (creating its row when missing). Call it inside the transaction
 * that makes the state change it counts, so a counter moves exactly when the change commits. Lead
 * totals, done leads and dispositions are not here: they come from the trigger-kept lead counts
 * (readLeadCounts).
 */
export async function bumpCampaignStats(m: EntityManager, tenantId: string, campaignId: string, d: StatsDelta): Promise<void> {
  const values = COLUMNS.map(([k]) => Number(d[k] ?? 0));
  const cols = COLUMNS.map(([, c]) => c);
  await m.query(
    `INSERT INTO campaign_stats (campaign_id, tenant_id, ${cols.join(', ')}, updated_at)
     VALUES ($1, $2, ${cols.map((_, i) => `$${i + 3}`).join(', ')}, now())
     ON CONFLICT (campaign_id) DO UPDATE SET
       ${cols.map((c) => `${c} = campaign_stats.${c} + EXCLUDED.${c}`).join(',\n       ')},
       updated_at = now()`,
    [campaignId, tenantId, ...values],
  );
}

/** A campaign's maintained counters (null before its stats row exists). */
export async function findCampaignStats(m: DataSource | EntityManager, tenantId: string, campaignId: string): Promise<CampaignStatsEntity | null> {
  return m.getRepository(CampaignStatsEntity).findOneBy({ campaignId, tenantId });
}
