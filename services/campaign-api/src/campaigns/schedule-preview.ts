import type { CampaignEntity, DataSource } from '@dialer/db';
import { loadPreviewGroups } from '../leads/leads.repository';
import type { SameKeys } from '../openapi/response-schema';
import { previewSchedule, type PreviewHour } from '@dialer/domain';
import type { SchedulePreview, SchedulePreviewHour } from './campaign.dto';

/** The domain's preview hour is what the API shows. */
export const PREVIEW_HOUR_SHOWN: SameKeys<PreviewHour, SchedulePreviewHour> = true;

export async function schedulePreview(ds: DataSource, campaign: CampaignEntity, from: Date, days: number): Promise<SchedulePreview> {
  const groups = await loadPreviewGroups(ds, campaign, from);
  const hours = previewSchedule({
    window: campaign.callingWindow ?? {}, defaultTimezone: campaign.defaultTimezone, groups, from, hours: days * 24,
    endAt: campaign.scheduledEndAt,
  });
  return { campaignId: campaign.id, from: hours[0]?.start ?? from.toISOString(), days, groups: groups.length, hours };
}
