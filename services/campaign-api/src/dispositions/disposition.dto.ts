import { IsBoolean, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CALLBACK_AGENT_DOC, WITH_OFFSET } from '../callbacks/callback.dto';
import { Doc } from '../openapi/doc';

export class DispositionDto {
  /** A label of the team's own: `interested`, `callback_requested`, `wrong_person`, … */
  @Doc('A label of the team\'s own: lower-case letters, digits, _ or - (interested, callback_requested, wrong_person, …).', 'callback_requested')
  @IsString() @Length(1, 64) @Matches(/^[a-z0-9][a-z0-9_-]*$/, { message: 'disposition must be lower-case letters, digits, _ or -' })
  disposition: string;

  /** Sets the lead's qualified flag; automatic qualification rules no longer change it afterwards. */
  @Doc('Sets the lead\'s qualified flag; automatic qualification rules no longer change it afterwards.', true)
  @IsOptional() @IsBoolean() qualified?: boolean;

  @Doc('A note (at most 2000 characters).', 'call back after 5 pm')
  @IsOptional() @IsString() @Length(0, 2000) note?: string;

  @Doc('Ask for a callback of the lead at this time (ISO 8601 with its offset), as POST /v1/leads/:id/callback does; refused (409) when the lead cannot take it, and then nothing of the disposition is written.', '2026-03-03T17:30:00-08:00')
  @IsOptional() @IsISO8601({ strict: true }) @Matches(WITH_OFFSET, { message: 'callbackAt must carry its offset (Z or ±hh:mm)' }) callbackAt?: string;

  @Doc(`With callbackAt: ${CALLBACK_AGENT_DOC}`, 'asst-closer-0001')
  @IsOptional() @IsString() @Length(1, 500) callbackAgentOverride?: string;
}
