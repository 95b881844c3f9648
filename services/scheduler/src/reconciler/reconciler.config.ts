import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { CommonConfig } from '@dialer/platform';
import { DEFAULT_LEASE_TTL_MS } from '@dialer/queue';

/** The reconciler's settings (part of the scheduler's); the property names are the environment variable names. */
export class ReconcilerConfig extends CommonConfig {
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
   * ago than this, is looked up at the provider (its webhooks may have been lost: providers retry a
   * callback little or not at all). An unanswered call rings for at most its campaign's
   * ringTimeoutSeconds (default 30 s), so one minute is the default ring plus a margin; an attempt of
   * a campaign that rings longer is stale that much later (findStaleAttempts). A call the provider
   * still holds (queued) is extended and asked about again after RECONCILE_RECHECK_MS, not closed.
   */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(7 * 24 * 3_600_000)
  RECONCILE_STALE_RINGING_MS = 60_000;

  /**
   * The same for an answered attempt, counted from its answer (its last news): a status read is cheap,
   * so an answered call without news is asked about after a minute and then every
   * RECONCILE_RECHECK_MS while it lasts. With the defaults a call that ended while webhook-ingest was
   * down is settled within about RECONCILE_RECHECK_MS + RECONCILER_INTERVAL_MS of its return.
   */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(7 * 24 * 3_600_000)
  RECONCILE_STALE_ANSWERED_MS = 60_000;

  /** A stale attempt the provider said was still live is not asked about again for this long (its slot is extended by LEASE_TTL_MS, at least twice this). */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(24 * 3_600_000)
  RECONCILE_RECHECK_MS = 60_000;

  /** Stale attempts looked up at the providers per run, all connections together (oldest first); the rest wait for the next runs. */
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  RECONCILE_BATCH = 100;

  /**
   * Stale attempts looked up per provider connection per run (its oldest first), so one connection's
   * many long calls neither crowd out the others nor spend its API rate limit: at the default
   * interval, 20 per run is at most 240 status reads a minute per connection.
   */
  @Type(() => Number) @IsInt() @Min(1) @Max(10_000)
  RECONCILE_LOOKUPS_PER_CONNECTION = 20;

  /** Expiry of the slots rebuilt after Redis lost them (as the workers' LEASE_TTL_MS). */
  @Type(() => Number) @IsInt() @Min(60_000) @Max(7 * 24 * 3_600_000)
  LEASE_TTL_MS = DEFAULT_LEASE_TTL_MS;
}
