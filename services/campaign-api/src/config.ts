import { resolve } from 'node:path';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Max, Min } from 'class-validator';
import { CommonConfig } from '@dialer/platform';

/** campaign-api settings; property names are the environment variable names. */
export class CampaignApiConfig extends CommonConfig {
  /** HTTP port; 0 picks a free port (tests). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  CAMPAIGN_API_PORT = 3000;

  /** Largest CSV upload accepted, in bytes. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  CSV_MAX_BYTES = 50 * 1024 * 1024;

  /** Where uploaded import files are kept until their import ends (shared volume with several replicas). */
  @IsString()
  IMPORT_DIR = './.data/imports';

  /** Largest multipart import upload, in bytes (413 beyond). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  IMPORT_MAX_BYTES = 1024 * 1024 * 1024;

  /** Rows per import batch (one transaction each: the unit of progress and of a resume). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  IMPORT_BATCH_ROWS = 10_000;

  /** Worker threads that prepare import rows (phone normalization); 0 = auto (none on 2 cores or fewer, else one); -1 = none (inline). */
  @Type(() => Number)
  @IsInt()
  @Min(-1)
  @Max(32)
  IMPORT_WORKERS = 0;

  /** A running import whose heartbeat is older than this is resumed by another process (or after a restart). */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  IMPORT_STALE_MS = 30_000;

  /** Requests per API key per RATE_LIMIT_WINDOW_MS (Redis fixed window, shared by replicas); 0 = no limit. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  RATE_LIMIT_MAX = 3000;

  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(3_600_000)
  RATE_LIMIT_WINDOW_MS = 60_000;

  /** Largest JSON request body, in bytes (413 beyond). */
  @Type(() => Number)
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  JSON_BODY_MAX_BYTES = 1024 * 1024;

  /** Origins allowed by CORS: comma-separated, `*` for any, empty (default) for none (no CORS headers). */
  @IsString()
  CORS_ORIGINS = '';

  /** A dashboard session ends after this long without a request. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(7 * 24 * 60)
  SESSION_IDLE_MINUTES = 60;

  /** A dashboard session ends this long after sign-in, used or not. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(30 * 24)
  SESSION_ABSOLUTE_HOURS = 12;

  /** Secure session cookie: auto = when the request came over https or NODE_ENV is production. */
  @IsIn(['auto', 'true', 'false'])
  SESSION_COOKIE_SECURE: 'auto' | 'true' | 'false' = 'auto';

  /** Failed sign-ins per account, and per client address, before it is locked for LOGIN_LOCKOUT_MINUTES. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES = 5;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  LOGIN_MAX_FAILURES_PER_IP = 50;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  LOGIN_LOCKOUT_MINUTES = 15;

  /** The dashboard's public origin (https://dialer.example.com), for invitation links; empty: the request's own. */
  @Matches(/^(https?:\/\/[^/\s]+\/?)?$/, { message: 'PUBLIC_URL must be an origin like https://dialer.example.com, or empty' })
  PUBLIC_URL = '';

  /** express "trust proxy" (e.g. 1, loopback, 10.0.0.0/8): whose X-Forwarded-For gives the client address; empty: none. */
  @IsString()
  TRUST_PROXY = '';

  /** How often pending and abandoned imports are looked for. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  IMPORT_POLL_MS = 2_000;

  /** The built web dashboard served at / (index.html + assets/); default: the repository's apps/dashboard/dist. */
  @IsString()
  DASHBOARD_DIR = resolve(__dirname, '../../../apps/dashboard/dist');
}
