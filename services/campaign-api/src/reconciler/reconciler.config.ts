import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** The reconciler's settings (campaign-api); the property names are the environment variable names. */
export class ReconcilerConfig {
  /** How often the reconciler runs (lease loss check, stuck attempts, leaked slots). 0 turns it off. */
  @Type(() => Number) @IsInt() @Min(0) @Max(600_000)
  RECONCILER_INTERVAL_MS = 5_000;

  /**
   * An attempt committed but never marked dialled (its worker died between the commit and the
   * provider's answer) is looked up at the provider after this long; not found, it is closed as
   * failed/provider_error and its slot freed. Well above the provider timeout plus the pace wait.
   */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(24 * 3_600_000)
  RECONCILE_GRACE_MS = 60_000;

  /** A slot whose call attempt does not exist (a worker died between the slot and the commit) is freed after this long. */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(3_600_000)
  RECONCILE_ORPHAN_SLOT_MS = 15_000;

  /**
   * A dialled attempt (it has a provider call id) that has not ended, not answered and dialled longer
   * ago than this, is looked up at the provider (its webhooks may have been lost). An unanswered call
   * rings for at most its Timeout (the adapters ask 30 s; Twilio allows up to 600 s), so 15 minutes is
   * well past any ring; a call the provider still holds in its queue is extended, not closed.
   */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(7 * 24 * 3_600_000)
  RECONCILE_STALE_RINGING_MS = 900_000;

  /**
   * The same for an answered attempt, counted from its answer: the longest call a connection may
   * allow (`timeLimitSeconds` at most 14,400 s, which is also Twilio's default TimeLimit) plus 5 minutes.
   * A call still live at the provider is extended, not closed.
   */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(7 * 24 * 3_600_000)
  RECONCILE_STALE_ANSWERED_MS = 14_700_000;

  /** A stale attempt the provider said was still live is not asked about again for this long (its slot is extended by LEASE_TTL_MS, at least twice this). */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(24 * 3_600_000)
  RECONCILE_RECHECK_MS = 600_000;

  /** Stale attempts looked up at the provider per run (oldest first); the rest wait for the next runs. */
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  RECONCILE_BATCH = 100;

  /** Expiry of the slots rebuilt after Redis lost them (as the workers' LEASE_TTL_MS). */
  @Type(() => Number) @IsInt() @Min(60_000) @Max(7 * 24 * 3_600_000)
  LEASE_TTL_MS = 15_300_000;
}
