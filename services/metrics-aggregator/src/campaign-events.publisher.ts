import type { FoldResult, TouchedCampaign } from '@dialer/db';
import type { Logger } from '@dialer/platform';
import { campaignEventsChannel, type Redis } from '@dialer/queue';

/**
 * Publishes small "something changed" messages per campaign on Redis pub/sub: `stats` after lead
 * counters moved or a campaign completed, `call` after a call was folded. Best effort: the change is
 * committed already, and a lost message only delays a live view until the next one.
 */
export class CampaignEventsPublisher {
  constructor(private readonly redis: Redis, private readonly prefix: string, private readonly logger: Logger) {}

  async statsChanged(campaigns: readonly TouchedCampaign[]): Promise<void> {
    await Promise.all(campaigns.map((c) => this.publish(c.campaignId, { type: 'stats' })));
  }

  async callFolded(callAttemptId: string, r: FoldResult): Promise<void> {
    if (!r.counted || !r.campaignId) return;
    await this.publish(r.campaignId, {
      type: 'call',
      call: {
        callAttemptId, attemptNo: r.attemptNo ?? null, outcome: r.outcome ?? null, durationSeconds: r.durationSeconds ?? null,
        endedAt: r.endedAt?.toISOString() ?? null, leadFinal: r.leadFinal ?? false,
      },
    });
  }

  private async publish(campaignId: string, message: Record<string, unknown>): Promise<void> {
    try {
      await this.redis.publish(campaignEventsChannel(this.prefix, campaignId), JSON.stringify(message));
    } catch (err) {
      this.logger.warn({ err, campaignId }, 'could not publish a campaign event');
    }
  }
}
