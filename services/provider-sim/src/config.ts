import { Type } from 'class-transformer';
import { IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min } from 'class-validator';
import { CommonConfig } from '@dialer/platform';

const OUTCOME_ITEM = String.raw`\s*(completed|machine|busy|no-answer|failed|canceled)\s*:\s*(\d+(\.\d+)?|\.\d+)\s*`;
const ACCOUNT_ITEM = String.raw`\s*AC[0-9A-Za-z]+\s*:\s*[^,\s]+\s*`;

/** provider-sim settings. DATABASE_URL / REDIS_URL are inherited but unused: the sim keeps everything in memory. */
export class ProviderSimConfig extends CommonConfig {
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(65_535)
  PROVIDER_SIM_PORT = 3010;

  /** `AC..:token,AC..:token`; when unset, any non-empty auth token is accepted and remembered per account. */
  @IsOptional()
  @Matches(new RegExp(`^${ACCOUNT_ITEM}(,${ACCOUNT_ITEM})*$`), {
    message: 'SIM_TWILIO_ACCOUNTS must look like "ACxxxx:token,ACyyyy:token"',
  })
  SIM_TWILIO_ACCOUNTS?: string;

  /** Comma-separated Vapi API keys accepted; when unset, any non-empty Bearer key is accepted. */
  @IsOptional()
  @IsString()
  SIM_VAPI_KEYS?: string;

  /** Multiplies every simulated duration (0.01 makes a 20 s call last 200 ms; 0 makes calls end at once). */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  SIM_TIME_SCALE = 1;

  /** Weights of the simulated outcomes (normalized by their sum). */
  @IsString()
  @Matches(new RegExp(`^${OUTCOME_ITEM}(,${OUTCOME_ITEM})*$`), {
    message: 'SIM_OUTCOMES must look like "completed:0.6,machine:0.05,busy:0.1,no-answer:0.15,failed:0.1"',
  })
  SIM_OUTCOMES = 'completed:0.6,machine:0.05,busy:0.1,no-answer:0.15,failed:0.1';

  /** Mean ring time in simulated seconds (actual: uniform between half and one and a half times the mean). */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  SIM_RING_SECONDS = 4;

  /** Mean talk time of an answered call in simulated seconds. */
  @Type(() => Number)
  @IsNumber()
  @Min(0)
  SIM_TALK_SECONDS = 20;

  /** Seed for a deterministic random sequence (outcomes, durations, injected failures). */
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  SIM_SEED?: number;

  /** Extra real-time delay before each status callback is sent (not scaled). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  SIM_CALLBACK_DELAY_MS = 0;
}

/** Parses SIM_TWILIO_ACCOUNTS into accountSid → authToken (empty map when unset). */
export function parseAccounts(text: string | undefined): Map<string, string> {
  const accounts = new Map<string, string>();
  if (!text) return accounts;
  for (const item of text.split(',')) {
    const at = item.indexOf(':');
    const sid = item.slice(0, at).trim();
    const token = item.slice(at + 1).trim();
    if (sid && token) accounts.set(sid, token);
  }
  return accounts;
}
