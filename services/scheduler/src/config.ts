import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { ReconcilerConfig } from './reconciler/reconciler.config';

/**
 * scheduler settings; property names are the environment variable names. The reconciler's own
 * (RECONCILER_INTERVAL_MS, RECONCILE_*, LEASE_TTL_MS) come from ReconcilerConfig.
 */
export class SchedulerConfig extends ReconcilerConfig {
  /** HTTP port (/healthz, /readyz, /metrics); 0 picks a free port (tests). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  SCHEDULER_PORT = 3004;

  /** How often the feeder tops up every running campaign's hopper. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(600_000)
  FEEDER_INTERVAL_MS = 500;

  /**
   * How long the feeder's refill after a freed slot waits for more freed slots, so that one pass
   * (one transaction) refills all their campaigns; 0 refills at once. The hopper holds twice each
   * campaign's limit, so the wait delays no call.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000)
  FEEDER_SLOT_GATHER_MS = 20;

  /** A lead queued longer than this gets its dial job re-added (Redis loss, crash after commit). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  FEEDER_ORPHAN_MS = 15_000;

  /** The smallest hopper (queued leads) kept per running campaign. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  HOPPER_MIN = 10;

  /** Hopper size = max(HOPPER_MIN, maxConcurrentCalls × HOPPER_FACTOR). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  HOPPER_FACTOR = 2;

  /**
   * Expiry of the leader lock in Redis. The leader renews it every third of this; when the leader
   * dies (even kill -9) a standby takes over at most this long (plus SCHEDULER_LEADER_RETRY_MS) later.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  SCHEDULER_LEADER_TTL_MS = 10_000;

  /** How often a standby tries to take the leader lock. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  SCHEDULER_LEADER_RETRY_MS = 1_000;

  /**
   * When the retention purge runs (UTC, HH:MM): at this time each day, and every
   * RETENTION_PURGE_INTERVAL_HOURS after it. It deletes what each tenant's retention settings say is
   * too old (docs/privacy.md); tenants without settings keep everything.
   */
  @Matches(/^([01][0-9]|2[0-3]):[0-5][0-9]$/, { message: 'RETENTION_PURGE_TIME_UTC must be HH:MM (UTC), e.g. 03:30' })
  RETENTION_PURGE_TIME_UTC = '03:30';

  /** Hours between retention purges (24: once a day); 0 turns the purge off. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(168)
  RETENTION_PURGE_INTERVAL_HOURS = 24;

  /** Rows per purge statement (each in its own short transaction). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  RETENTION_PURGE_BATCH = 1_000;
}
