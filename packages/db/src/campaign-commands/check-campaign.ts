import type { DataSource, EntityManager } from 'typeorm';
import type { CampaignEntity } from '../entities/campaign.entity';
import { leadCountries } from '../repositories/import-jobs.repository';
import { checkCampaign, type CampaignCheck } from '@dialer/domain';
import { clock } from '@dialer/platform';

/** The warnings of a campaign as it is now (see checkCampaign in the domain). */
export async function checkCampaignNow(m: EntityManager | DataSource, c: CampaignEntity): Promise<CampaignCheck> {
  return checkCampaign({
    window: c.callingWindow, defaultCountry: c.defaultCountry, defaultTimezone: c.defaultTimezone,
    leadCountries: await leadCountries(m, c.tenantId, c.id), scheduledEndAt: c.scheduledEndAt, now: clock.now(),
  });
}
