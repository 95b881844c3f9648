import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CommonConfig } from '@dialer/platform';

/** event-delivery settings; property names are the environment variable names. */
export class EventDeliveryConfig extends CommonConfig {
  /** HTTP port (/healthz, /readyz, /metrics); 0 picks a free port (tests). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  EVENT_DELIVERY_PORT = 3005;

  /** How often the relay looks for new outbox rows and redeliveries when the last look found none. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(60_000)
  RELAY_INTERVAL_MS = 100;

  /** Outbox rows relayed per transaction. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  RELAY_BATCH = 500;

  /** Deliveries in flight at once in this replica. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_000)
  DELIVERY_CONCURRENCY = 100;

  /** Deliveries in flight at once to one endpoint, in this replica (more wait a moment, without counting as an attempt). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1_000)
  ENDPOINT_CONCURRENCY = 20;

  /** An endpoint's answer must come within this. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(60_000)
  DELIVERY_TIMEOUT_MS = 10_000;

  /** The first retry's wait; each next one doubles (up to 6 h), with jitter, for 3 days. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3_600_000)
  DELIVERY_RETRY_BASE_MS = 5_000;

  /**
   * How long a delivery job stays locked to the replica running it; a replica that died (kill -9)
   * leaves its deliveries to the others (and to itself after a restart) this long after its last renewal.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1_000)
  @Max(600_000)
  DELIVERY_LOCK_MS = 30_000;

  /** How much of an endpoint's answer is read and kept in the delivery log. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_536)
  RESPONSE_EXCERPT_BYTES = 1_024;

  /**
   * Allow deliveries to private, loopback and link-local addresses. Unset: allowed outside
   * production, refused in production (the SSRF guard). Refused in production whatever it says.
   */
  @IsOptional()
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : value === true || value === 'true'))
  @IsBoolean()
  WEBHOOK_ALLOW_PRIVATE?: boolean;
}

/** Whether deliveries go through the SSRF guard. */
export function guardsAddresses(cfg: Pick<EventDeliveryConfig, 'NODE_ENV' | 'WEBHOOK_ALLOW_PRIVATE'>): boolean {
  if (cfg.NODE_ENV === 'production') return true;
  return cfg.WEBHOOK_ALLOW_PRIVATE === false;
}
