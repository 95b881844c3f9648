import type { DataSource } from '@dialer/db';
import { getCampaign } from '../campaigns/campaigns.repository';

/** The numbering a DNC number is read in: its campaign's default country (404 for an unknown campaign), else US. */
export async function dncCountry(ds: DataSource, tenantId: string, campaignId: string | null | undefined): Promise<string> {
  return campaignId ? (await getCampaign(ds, tenantId, campaignId)).defaultCountry : 'US';
}
