import { queryRows, type CampaignEntity, type DataSource, type EntityManager } from '@dialer/db';
import { checkCampaign, type CampaignCheck } from '@dialer/domain';
import { clock } from '@dialer/platform';

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

/** The warnings of a campaign as it is now (see checkCampaign in the domain). */
export async function checkCampaignNow(m: EntityManager | DataSource, c: CampaignEntity): Promise<CampaignCheck> {
  return checkCampaign({
    window: c.callingWindow, defaultCountry: c.defaultCountry, defaultTimezone: c.defaultTimezone,
    leadCountries: await leadCountries(m, c.tenantId, c.id), scheduledEndAt: c.scheduledEndAt, now: clock.now(),
  });
}
