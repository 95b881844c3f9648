import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min } from 'class-validator';
import { CommonConfig } from '@dialer/platform';

export class WebhookIngestConfig extends CommonConfig {
  /** HTTP port; 0 picks a free one (tests). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  WEBHOOK_INGEST_PORT = 3001;

  /** Public base URL providers post to; signatures are checked against it + the request path. */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  WEBHOOK_PUBLIC_URL = 'http://127.0.0.1:3001';

  /** How often the sweeper applies stored-but-unapplied events and repairs terminal post-steps. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(600_000)
  WEBHOOK_SWEEP_MS = 2_000;

  /** How long a built provider adapter (decrypted credentials) is reused per connection. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(3_600_000)
  WEBHOOK_ADAPTER_CACHE_MS = 30_000;

  /**
   * An event whose call attempt is still unknown after this long is given up (apply_error set), so
   * events that will never match do not crowd the sweeper's batch. Attempts are written before the
   * provider is called, so a real match arrives within seconds.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  WEBHOOK_UNMATCHED_GIVE_UP_MS = 15 * 60_000;

  /**
   * Calls whose remaining events (post-call data, anything after it) are applied at once in the
   * background, one event at a time each (one call's events always in order). Progress events and
   * plain terminal events are applied in bulk (applyEventBatch).
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(256)
  WEBHOOK_APPLY_CONCURRENCY = 8;

  /**
   * The apply thread's scheduling priority relative to the process (Linux nice, 0–19; 0: the same):
   * when CPU is short, answering and storing webhooks goes first and applying uses what is left.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(19)
  WEBHOOK_APPLY_NICE = 10;

  /** Most stored events applied in one background batch (everything that arrived meanwhile, up to this). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  WEBHOOK_APPLY_BATCH = 1_000;

  /** Most raw events stored by one INSERT (group commit). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5_000)
  WEBHOOK_WRITE_BATCH = 500;

  /** Group-commit INSERTs in flight at once. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(64)
  WEBHOOK_WRITE_IN_FLIGHT = 3;

  /** Postgres connections of this service (writes + applies + sweeper). */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(200)
  WEBHOOK_DB_POOL = 12;

  /**
   * Connections of the apply thread's pool (applying stored events in the background), apart from
   * the pool that stores incoming events; its commits are asynchronous. The sweeper has its own
   * pool of up to 4.
   */
  @Type(() => Number)
  @IsInt()
  @Min(2)
  @Max(200)
  WEBHOOK_APPLY_DB_POOL = 10;
}
