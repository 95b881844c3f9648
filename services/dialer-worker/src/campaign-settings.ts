import type { DataSource } from '@dialer/db';
import { Batcher } from '@dialer/platform';
import { findCampaigns, type DialCampaign } from './dial.repository';
import { TtlCache } from './ttl-cache';

/**
 * Campaign settings for dialling, cached in process for about a second: a burst of jobs of one
 * campaign reads its row once. The dial transaction re-reads the status itself, uncached. The
 * campaigns whose entries expire together are read in one statement (a Batcher): a fleet of many
 * campaigns costs a few reads a second per replica, not one per campaign.
 */
export class CampaignSettings {
  private readonly cache: TtlCache<DialCampaign | null>;
  private readonly reads: Batcher<{ tenantId: string; campaignId: string }, DialCampaign | null>;

  constructor(
    private readonly ds: DataSource,
    ttlMs = 1_000,
  ) {
    this.cache = new TtlCache(ttlMs);
    this.reads = new Batcher((refs) => findCampaigns(this.ds, refs), { maxBatch: 500 });
  }

  get(tenantId: string, campaignId: string): Promise<DialCampaign | null> {
    return this.cache.get(`${tenantId}:${campaignId}`, () => this.reads.submit({ tenantId, campaignId }));
  }

  forget(tenantId: string, campaignId: string): void {
    this.cache.delete(`${tenantId}:${campaignId}`);
  }
}
