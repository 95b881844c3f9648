import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { CommonConfig } from '@dialer/platform';
import { DEFAULT_LEASE_TTL_MS } from '@dialer/queue';

/** dialer-worker settings; the property names are the environment variable names. */
export class DialerWorkerConfig extends CommonConfig {
  /** Port of the health/metrics HTTP server (0 picks a free port). */
  @Type(() => Number) @IsInt() @Min(0) @Max(65_535)
  DIALER_WORKER_PORT = 3003;

  /** Dial jobs processed at once by this replica. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  DIALER_CONCURRENCY = 100;

  /** How long a concurrency slot lives without a terminal webhook (see DEFAULT_LEASE_TTL_MS). */
  @Type(() => Number) @IsInt() @Min(60_000) @Max(7 * 24 * 3_600_000)
  LEASE_TTL_MS = DEFAULT_LEASE_TTL_MS;

  /** Base delay before a job that found its campaign's slots full tries again (±25 % jitter). */
  @Type(() => Number) @IsInt() @Min(10) @Max(60_000)
  LEASE_RETRY_MS = 500;

  /** Public base URL of webhook-ingest, used in each call's StatusCallback. */
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'WEBHOOK_PUBLIC_URL must be an http(s) URL' })
  WEBHOOK_PUBLIC_URL = 'http://127.0.0.1:3001';

  /** Timeout of one provider HTTP request. */
  @Type(() => Number) @IsInt() @Min(100) @Max(120_000)
  PROVIDER_TIMEOUT_MS = 5_000;

  /**
   * How long campaign settings (window, limits, status) are cached per replica. At most 1 s, so a
   * pause or an edit reaches every replica within a second (the dial transaction re-checks the
   * status uncached in any case).
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(1_000)
  CAMPAIGN_SETTINGS_TTL_MS = 1_000;

  /**
   * A job that finds its callee's window closed but opening within this long is delayed to the
   * exact opening instant; later openings send the lead back to pending, due at the opening.
   */
  @Type(() => Number) @IsInt() @Min(0) @Max(3_600_000)
  WINDOW_DELAY_MAX_MS = 300_000;

  /**
   * BullMQ lock of an active dial job, and how often stalled jobs are looked for: a job whose worker
   * died is delivered again after about this long (its attempt row guards against a second call).
   */
  @Type(() => Number) @IsInt() @Min(1_000) @Max(300_000)
  DIALER_LOCK_MS = 30_000;

  /** Postgres connections of this replica. */
  @Type(() => Number) @IsInt() @Min(1) @Max(200)
  DB_POOL_SIZE = 20;
}
