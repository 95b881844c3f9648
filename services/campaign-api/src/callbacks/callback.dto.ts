import { Type } from 'class-transformer';
import { IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min } from 'class-validator';
import { Doc } from '../openapi/doc';
import { arrayOf, DATE_TIME, EX, Field, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';

/** An ISO 8601 time that says its offset (`Z` or `±hh:mm`): a bare local time is ambiguous across the callee's zones. */
export const WITH_OFFSET = /(Z|[+-]\d{2}:?\d{2})$/i;

export const CALLBACK_AGENT_DOC = 'Only through this agent or flow: the callback\'s call uses it instead of the campaign\'s (checked against the campaign\'s provider connection type, like the campaign\'s agentOverride: a Vapi assistant id, a Twilio TwiML URL or App sid, an Exotel flow).';

export class RequestCallbackDto {
  @Doc('When to call back: ISO 8601 with its offset (Z or ±hh:mm). Outside the callee\'s calling window it moves to the next legal moment; a past time means as soon as allowed.', '2026-03-03T17:30:00-08:00')
  @IsISO8601({ strict: true }) @Matches(WITH_OFFSET, { message: 'callbackAt must carry its offset (Z or ±hh:mm)' }) callbackAt: string;
  @Doc(CALLBACK_AGENT_DOC, 'asst-closer-0001')
  @IsOptional() @IsString() @Length(1, 500) agentOverride?: string;
}

export class ListCallbacksQuery {
  @Doc('Callbacks per page (1–1000).', 100)
  @Type(() => Number) @IsInt() @Min(1) @Max(1000) limit = 100;
  @Doc('nextCursor of the previous page.', EX.id)
  @IsOptional() @IsUUID() cursor?: string;
}

// ---- responses ----

@ResponseSchema('A scheduled callback: when the lead is called next, as asked for and as allowed.')
export class Callback {
  @Field(UUID, 'The callback id.', EX.id) id: string;
  @Field(UUID, 'The lead to call back.', EX.id) leadId: string;
  @Field(UUID, 'Its campaign.', EX.id2) campaignId: string;
  @Field(oneOf(['api', 'disposition', 'analysis']), 'Who asked: the API, a person\'s disposition of a call, or the AI\'s post-call analysis.', 'disposition') source: 'api' | 'disposition' | 'analysis';
  @Field(UUID, 'The call it was asked for in, if any.', null, { nullable: true }) callAttemptId: string | null;
  @Field(DATE_TIME, 'The time asked for.', '2026-03-04T05:30:00.000Z') requestedAt: Date;
  @Field(DATE_TIME, 'When the lead is due: the time asked for, or the next legal moment after it.', '2026-03-04T17:00:00.000Z') dueAt: Date;
  @Field(oneOf(['outside_window', 'in_the_past']), 'Why dueAt is not the time asked for: outside the callee\'s calling window (campaign window ∩ legal floor), or a past time; null when it is.', 'outside_window', { nullable: true }) moved: 'outside_window' | 'in_the_past' | null;
  @Field(TEXT, 'The move in words, null when not moved.', 'requested 2026-03-03T21:30:00-08:00 is outside the callee\'s calling window; moved to the next legal moment, 2026-03-04T09:00:00-08:00', { nullable: true }) movedReason: string | null;
  @Field(oneOf(['pending', 'dialled', 'cancelled', 'replaced']), 'pending until its call ends (dialled), or cancelled, or replaced by a newer request.', 'pending') status: 'pending' | 'dialled' | 'cancelled' | 'replaced';
  @Field(TEXT, 'The callee\'s zone the local time is shown in (the first candidate zone, or the campaign\'s default).', 'America/Los_Angeles') timezone: string;
  @Field(TEXT, 'dueAt in the callee\'s local time, with its offset.', '2026-03-04T09:00:00-08:00') localDueAt: string;
  @Field(DATE_TIME, 'When it was asked for.', EX.at) createdAt: Date;
  @Field(TEXT, 'The agent or flow its call goes through only (null: the campaign\'s).', null, { nullable: true }) agentOverride: string | null;
}

@ResponseSchema('A campaign\'s upcoming callback and its lead.')
export class UpcomingCallback extends Callback {
  @Field(TEXT, 'The lead\'s name, if known.', 'Ada Lovelace', { nullable: true }) leadName: string | null;
  @Field(TEXT, 'The lead\'s status (pending, or queued/dialing once the feeder took it).', 'pending') leadStatus: string;
}

@ResponseSchema('A page of a campaign\'s upcoming callbacks, soonest first.')
export class CallbackPage {
  @Field(arrayOf(ref(() => UpcomingCallback)), 'The callbacks of this page.', []) data: UpcomingCallback[];
  @Field(UUID, 'Pass as cursor for the next page; null on the last page.', null, { nullable: true }) nextCursor: string | null;
}
