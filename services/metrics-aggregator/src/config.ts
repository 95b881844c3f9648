import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { CommonConfig } from '@dialer/platform';

export class MetricsAggregatorConfig extends CommonConfig {
  /** HTTP port for /healthz and /metrics; 0 picks a free one (tests). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  METRICS_AGGREGATOR_PORT = 3002;

  /** How often lost folds are repaired and running campaigns are checked for completion. */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(3_600_000)
  AGGREGATOR_SWEEP_MS = 2_000;

  /** How often the lead-count deltas are folded into the counters (and live views told what moved). */
  @Type(() => Number)
  @IsInt()
  @Min(20)
  @Max(60_000)
  AGGREGATOR_COUNTS_MS = 250;

  /** callFinished jobs taken at once; the ones in hand are folded together (createFoldBatches). */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  AGGREGATOR_CONCURRENCY = 50;
}
