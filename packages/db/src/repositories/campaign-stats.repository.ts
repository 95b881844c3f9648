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
  await bumpManyCampaignStats(m, [{ tenantId, campaignId, delta: d }]);
}

/**
 * bumpCampaignStats for many campaigns in one statement: deltas of one campaign are added up first
 * (a row may be touched once per statement), and rows are locked in campaign id order, the same in
 * every transaction, so two batches over the same campaigns wait for each other instead of deadlocking.
 */
export async function bumpManyCampaignStats(
  m: EntityManager, items: ReadonlyArray<{ tenantId: string; campaignId: string; delta: StatsDelta }>,
): Promise<void> {
  const sums = new Map<string, { tenantId: string; values: number[] }>();
  for (const it of items) {
    const row = sums.get(it.campaignId) ?? { tenantId: it.tenantId, values: COLUMNS.map(() => 0) };
    COLUMNS.forEach(([k], i) => {
      row.values[i]! += Number(it.delta[k] ?? 0);
    });
    sums.set(it.campaignId, row);
  }
  if (!sums.size) return;
  const ids = [...sums.keys()].sort();
  const cols = COLUMNS.map(([, c]) => c);
  const params: unknown[] = [ids, ids.map((id) => sums.get(id)!.tenantId)];
  COLUMNS.forEach((_, i) => params.push(ids.map((id) => sums.get(id)!.values[i])));
  await m.query(
    `INSERT INTO campaign_stats (campaign_id, tenant_id, ${cols.join(', ')}, updated_at)
     SELECT v.*, now() FROM unnest($1::uuid[], $2::uuid[], ${cols.map((_, i) => `$${i + 3}::bigint[]`).join(', ')})
       AS v(campaign_id, tenant_id, ${cols.join(', ')})
      ORDER BY v.campaign_id
     ON CONFLICT (campaign_id) DO UPDATE SET
       ${cols.map((c) => `${c} = campaign_stats.${c} + EXCLUDED.${c}`).join(',\n       ')},
       updated_at = now()`,
    params,
  );
}

/** A campaign's maintained counters (null before its stats row exists). */
export async function findCampaignStats(m: DataSource | EntityManager, tenantId: string, campaignId: string): Promise<CampaignStatsEntity | null> {
  return m.getRepository(CampaignStatsEntity).findOneBy({ campaignId, tenantId });
}
