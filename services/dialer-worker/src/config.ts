import { Type } from 'class-transformer';
import { IsInt, Matches, Max, Min } from 'class-validator';
import { CommonConfig } from '@dialer/platform';

/** dialer-worker settings; the property names are the environment variable names. */
export class DialerWorkerConfig extends CommonConfig {
  /** Port of the health/metrics HTTP server (0 picks a free port). */
  @Type(() => Number) @IsInt() @Min(0) @Max(65_535)
  DIALER_WORKER_PORT = 3003;

  /** Dial jobs processed at once by this replica. */
  @Type(() => Number) @IsInt() @Min(1) @Max(1000)
  DIALER_CONCURRENCY = 50;

  /** How long a concurrency slot lives without a terminal webhook; longer than the longest call. */
  @Type(() => Number) @IsInt() @Min(60_000) @Max(7 * 24 * 3_600_000)
  LEASE_TTL_MS = 7_200_000;

  /** Base delay before a job that found its campaign's slots full tries again (±25 % jitter). */
  @Type(() => Number) @IsInt() @Min(10) @Max(60_000)
  LEASE_RETRY_MS = 500;

  /** Public base URL of webhook-ingest, used in each call's StatusCallback. */
  @Matches(/^https?:\/\/[^\s/]+(\/[^\s]*)?$/, { message: 'WEBHOOK_PUBLIC_URL must be an http(s) URL' })
  WEBHOOK_PUBLIC_URL = 'http://127.0.0.1:3001';

  /** Timeout of one provider HTTP request. */
  @Type(() => Number) @IsInt() @Min(100) @Max(120_000)
  PROVIDER_TIMEOUT_MS = 5_000;

  /** Postgres connections of this replica. */
  @Type(() => Number) @IsInt() @Min(1) @Max(200)
  DB_POOL_SIZE = 20;
}
