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

  /** Expiry of the slots rebuilt after Redis lost them (as the workers' LEASE_TTL_MS). */
  @Type(() => Number) @IsInt() @Min(60_000) @Max(7 * 24 * 3_600_000)
  LEASE_TTL_MS = 7_200_000;
}
