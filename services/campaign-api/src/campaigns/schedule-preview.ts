import type { CampaignEntity, DataSource } from '@dialer/db';
import type { SameKeys } from '../openapi/response-schema';
import { previewSchedule, type PreviewGroup, type PreviewHour } from '@dialer/domain';
import type { SchedulePreview, SchedulePreviewHour } from './campaign.dto';

/** The domain's preview hour is what the API shows. */
export const PREVIEW_HOUR_SHOWN: SameKeys<PreviewHour, SchedulePreviewHour> = true;

/**
 * The open leads of a campaign grouped by candidate zones, number prefix (which decides the rule
 * pack) and due hour: one SQL aggregate, then the window is evaluated per group, not per lead.
 */
export async function loadPreviewGroups(ds: DataSource, campaign: CampaignEntity, from: Date): Promise<PreviewGroup[]> {
  const rows: Array<{ timezones: string[] | null; sample_phone: string; due_at: Date; n: string }> = await ds.query(
    `SELECT timezones, min(phone_e164) AS sample_phone, min(due) AS due_at, count(*) AS n
       FROM (SELECT timezones, phone_e164,
                    CASE WHEN status = 'pending' THEN greatest(next_attempt_at, $3::timestamptz) ELSE $3::timestamptz END AS due
               FROM leads WHERE campaign_id = $1 AND tenant_id = $2 AND status <> 'done') l
      GROUP BY timezones, left(phone_e164, 5), date_trunc('hour', due)`,
    [campaign.id, campaign.tenantId, from]);
  return rows.map((r) => ({ timezones: r.timezones ?? [], samplePhone: r.sample_phone, dueAt: new Date(r.due_at), count: Number(r.n) }));
}

export async function schedulePreview(ds: DataSource, campaign: CampaignEntity, from: Date, days: number): Promise<SchedulePreview> {
  const groups = await loadPreviewGroups(ds, campaign, from);
  const hours = previewSchedule({
    window: campaign.callingWindow ?? {}, defaultTimezone: campaign.defaultTimezone, groups, from, hours: days * 24,
    endAt: campaign.scheduledEndAt,
  });
  return { campaignId: campaign.id, from: hours[0]?.start ?? from.toISOString(), days, groups: groups.length, hours };
}
