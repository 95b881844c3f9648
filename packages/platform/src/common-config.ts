import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, Min } from 'class-validator';

/** CAMPAIGN_REPORT_GRACE_MS when not set (also where a caller is given no value). */
export const DEFAULT_CAMPAIGN_REPORT_GRACE_MS = 120_000;

/** Settings every service reads; each service's config class extends this. */
export class CommonConfig {
  @IsString()
  DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/dialer';

  /** Postgres schema (search_path); tests give each file its own. */
  @Matches(/^[a-z_][a-z0-9_]*$/, { message: 'DB_SCHEMA must be a plain lower-case identifier' })
  DB_SCHEMA = 'public';

  /** One server (`redis://…`) or a Redis Cluster by some of its nodes (`redis+cluster://h1:p1,h2:p2,…`). */
  @IsString()
  REDIS_URL = 'redis://127.0.0.1:6379';

  /**
   * Prefix of every Redis key and channel (BullMQ, leases, rate limits, sign-in throttling, live
   * events); hash-tagged so all of them land in one Redis Cluster slot, which BullMQ and our
   * multi-key scripts need. Refused otherwise, on one server as on a Cluster.
   */
  @Matches(/^\{[A-Za-z0-9_:-]+\}$/, { message: 'QUEUE_PREFIX must be hash-tagged, like {dialer}, so that every key lands in one Redis Cluster slot' })
  QUEUE_PREFIX = '{dialer}';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  @IsIn(['development', 'production', 'test'])
  NODE_ENV = 'development';

  /** Deadline for a graceful stop, below the Kubernetes grace period (30 s by default). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  @Max(600_000)
  SHUTDOWN_TIMEOUT_MS = 20_000;

  /**
   * How long a campaign whose leads have all ended stays running for an ended call's post-call
   * report (Vapi's end-of-call-report, which may ask for a callback), counted from the call's end.
   * A report applied sooner lets the campaign complete at once; a report that never comes holds it
   * this long at most. Read by metrics-aggregator (completion) and campaign-api (dialing state).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  CAMPAIGN_REPORT_GRACE_MS = DEFAULT_CAMPAIGN_REPORT_GRACE_MS;

  /** Key that encrypts provider credentials at rest. Required in production. */
  @IsOptional()
  @IsString()
  SECRETS_KEY?: string;
}

export const DEV_SECRETS_KEY = 'dev-only-secrets-key-change-me';

export function secretsKey(cfg: CommonConfig): string {
  if (cfg.SECRETS_KEY) return cfg.SECRETS_KEY;
  if (cfg.NODE_ENV === 'production') throw new Error('configuration error: SECRETS_KEY is required in production');
  return DEV_SECRETS_KEY;
}
