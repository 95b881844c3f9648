import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
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

  /** How often the feeder tops up every running campaign's hopper. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  @Max(600_000)
  FEEDER_INTERVAL_MS = 500;

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

  /** Run the feeder and scheduler tick inside this process. */
  @Transform(({ value }) => (typeof value === 'string' ? !['false', '0', 'no', 'off'].includes(value.trim().toLowerCase()) : value))
  @IsBoolean()
  FEEDER_ENABLED = true;
}
