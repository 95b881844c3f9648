import type { DataSource, EntityManager } from 'typeorm';
import { CampaignStatsEntity } from '../entities/other.entities';

export interface StatsDelta {
  totalLeads?: number;
  leadsDone?: number;
  dncSuppressed?: number;
  attempts?: number;
  callsEnded?: number;
  connected?: number;
  voicemail?: number;
  busy?: number;
  noAnswer?: number;
  failed?: number;
  canceled?: number;
  talkSeconds?: number;
  /** Final lead disposition to count once more (answered, exhausted, dnc, …). */
  disposition?: string;
}

const COLUMNS: Array<[keyof StatsDelta, string]> = [
  ['totalLeads', 'total_leads'], ['leadsDone', 'leads_done'], ['dncSuppressed', 'dnc_suppressed'],
  ['attempts', 'attempts'], ['callsEnded', 'calls_ended'], ['connected', 'connected'], ['voicemail', 'voicemail'],
  ['busy', 'busy'], ['noAnswer', 'no_answer'], ['failed', 'failed'], ['canceled', 'canceled'],
  ['talkSeconds', 'talk_seconds'],
];

/**
 * Adds to a campaign's hot counters (creating its row when missing). Call it inside the transaction
 * that makes the state change it counts, so a counter moves exactly when the change commits.
 */
export async function bumpCampaignStats(m: EntityManager, tenantId: string, campaignId: string, d: StatsDelta): Promise<void> {
  const values = COLUMNS.map(([k]) => Number(d[k] ?? 0));
  const cols = COLUMNS.map(([, c]) => c);
  const disp = d.disposition ? JSON.stringify({ [d.disposition]: 1 }) : '{}';
  await m.query(
    `INSERT INTO campaign_stats (campaign_id, tenant_id, ${cols.join(', ')}, dispositions, updated_at)
     VALUES ($1, $2, ${cols.map((_, i) => `$${i + 3}`).join(', ')}, $${cols.length + 3}::jsonb, now())
     ON CONFLICT (campaign_id) DO UPDATE SET
       ${cols.map((c) => `${c} = campaign_stats.${c} + EXCLUDED.${c}`).join(',\n       ')},
       dispositions = CASE WHEN $${cols.length + 4}::text IS NULL THEN campaign_stats.dispositions
         ELSE jsonb_set(campaign_stats.dispositions, ARRAY[$${cols.length + 4}::text],
           to_jsonb(COALESCE((campaign_stats.dispositions ->> $${cols.length + 4}::text)::bigint, 0) + 1)) END,
       updated_at = now()`,
    [campaignId, tenantId, ...values, disp, d.disposition ?? null],
  );
}

/** A campaign's maintained counters (null before its stats row exists). */
export async function findCampaignStats(m: DataSource | EntityManager, tenantId: string, campaignId: string): Promise<CampaignStatsEntity | null> {
  return m.getRepository(CampaignStatsEntity).findOneBy({ campaignId, tenantId });
}
