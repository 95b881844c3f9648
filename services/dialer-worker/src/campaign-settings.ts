import type { DataSource } from '@dialer/db';
import { findCampaign, type DialCampaign } from './dial.repository';
import { TtlCache } from './ttl-cache';

/**
 * Campaign settings for dialling, cached in process for about a second: a burst of jobs of one
 * campaign reads its row once. The dial transaction re-reads the status itself, uncached.
 */
export class CampaignSettings {
  private readonly cache: TtlCache<DialCampaign | null>;

  constructor(
    private readonly ds: DataSource,
    ttlMs = 1_000,
  ) {
    this.cache = new TtlCache(ttlMs);
  }

  get(tenantId: string, campaignId: string): Promise<DialCampaign | null> {
    return this.cache.get(`${tenantId}:${campaignId}`, () => findCampaign(this.ds, tenantId, campaignId));
  }

  forget(tenantId: string, campaignId: string): void {
    this.cache.delete(`${tenantId}:${campaignId}`);
  }
}
