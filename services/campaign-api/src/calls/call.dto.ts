import { Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsUUID, Max, Min } from 'class-validator';
import { CALL_STATUSES, OUTCOMES, type CallStatus, type Outcome } from '@dialer/domain';
import { arrayOf, BOOL, DATE_TIME, EX, Field, INT, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';
import { Doc } from '../openapi/doc';

export class ListCallsQuery {
  @Doc('Only calls that ended this way.', 'busy')
  @IsOptional() @IsIn(OUTCOMES) outcome?: Outcome;
  /** Calls created at or after this time. */
  @Doc('Calls created at or after this time.', '2026-03-02T00:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() from?: Date;
  /** Calls created before this time. */
  @Doc('Calls created before this time.', '2026-03-03T00:00:00Z')
  @IsOptional() @Type(() => Date) @IsDate() to?: Date;
  @Doc('Only the calls of this lead.', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() leadId?: string;
  @Doc('Calls per page (1–500).', 100)
  @Type(() => Number) @IsInt() @Min(1) @Max(500) limit = 100;
  @Doc('nextCursor of the previous page.', '7d9f4c1e-3b1a-4c55-9a51-0f3f0e7f2b10')
  @IsOptional() @IsUUID() cursor?: string;
}

// ---- responses ----

@ResponseSchema('Who a call was to: the lead\'s name and number (masked, names hidden, for a viewer of a HIPAA campaign, as lead reads are).')
export class CallLead {
  @Field(TEXT, 'First name.', 'Ada', { nullable: true }) firstName: string | null;
  @Field(TEXT, 'Last name.', 'Lovelace', { nullable: true }) lastName: string | null;
  @Field(TEXT, 'The number in E.164 ("+1*******71" when masked).', EX.phone) phoneE164: string;
}

const CALL_LEAD_EXAMPLE = { firstName: 'Ada', lastName: 'Lovelace', phoneE164: EX.phone };

@ResponseSchema('A call attempt in a campaign\'s list of calls.')
export class CallAttempt {
  @Field(UUID, 'The call attempt id.', EX.id) id: string;
  @Field(UUID, 'The lead called.', EX.id2) leadId: string;
  @Field(ref(() => CallLead), 'Who was called.', CALL_LEAD_EXAMPLE) lead: CallLead;
  @Field(INT, 'Which attempt of the lead (1 = first).', 1) attemptNo: number;
  @Field(TEXT, 'The provider that placed it (twilio, vapi, exotel).', 'twilio') provider: string;
  @Field(oneOf(CALL_STATUSES), 'Where the call is: created … in_progress, then completed, busy, no_answer, failed or canceled.', 'completed') status: CallStatus;
  @Field(oneOf(OUTCOMES), 'What came of it; null until it ended.', 'answered', { nullable: true }) outcome: Outcome | null;
  @Field(TEXT, 'Who answered, as the provider tells (human, machine_start, …).', 'human', { nullable: true }) answeredBy: string | null;
  @Field(INT, 'Length of the call in seconds.', 42, { nullable: true }) durationSeconds: number | null;
  @Field(DATE_TIME, 'When it was dialled.', EX.at, { nullable: true }) dialedAt: Date | null;
  @Field(DATE_TIME, 'When it ended.', EX.at, { nullable: true }) endedAt: Date | null;
  @Field(DATE_TIME, 'When the attempt was created.', EX.at) createdAt: Date;
}

@ResponseSchema('A page of calls, newest first.')
export class CallAttemptPage {
  @Field(arrayOf(ref(() => CallAttempt)), 'The calls of this page.', []) data: CallAttempt[];
  @Field(UUID, 'Pass as cursor for the next page; null on the last page.', null, { nullable: true }) nextCursor: string | null;
}

@ResponseSchema('A person\'s disposition of a call.')
export class ManualDisposition {
  @Field(TEXT, 'The team\'s own label.', 'callback_requested') disposition: string;
  @Field(TEXT, 'A note.', 'call back after 5 pm', { nullable: true }) note: string | null;
  @Field(DATE_TIME, 'When it was given.', EX.at, { nullable: true }) at: Date | null;
}

/** What a provider's post-call analysis holds (Vapi); other providers send none. */
const ANALYSIS = {
  type: 'object',
  properties: {
    summary: { type: ['string', 'null'], description: 'A summary of the conversation.' },
    structuredData: { type: ['object', 'null'], description: 'Data extracted by the assistant.' },
    successEvaluation: { description: 'The assistant\'s success evaluation (as the provider sends it).' },
  },
};

@ResponseSchema('One call with everything known about it: outcome, analysis, recording, transcript, manual disposition.')
export class CallDetail {
  @Field(UUID, 'The call attempt id.', EX.id) id: string;
  @Field(UUID, 'Its campaign.', EX.id2) campaignId: string;
  @Field(UUID, 'The lead called.', EX.id2) leadId: string;
  @Field(ref(() => CallLead), 'Who was called.', CALL_LEAD_EXAMPLE) lead: CallLead;
  @Field(INT, 'Which attempt of the lead (1 = first).', 1) attemptNo: number;
  @Field(TEXT, 'The provider that placed it.', 'vapi') provider: string;
  @Field(TEXT, 'The provider\'s id of the call.', 'CA0123456789abcdef0123456789abcdef', { nullable: true }) providerCallId: string | null;
  @Field(oneOf(CALL_STATUSES), 'Where the call is.', 'completed') status: CallStatus;
  @Field(oneOf(OUTCOMES), 'What came of it; null until it ended.', 'answered', { nullable: true }) outcome: Outcome | null;
  @Field(TEXT, 'The provider\'s own last status.', 'completed', { nullable: true }) rawStatus: string | null;
  @Field(TEXT, 'Who answered, as the provider tells.', 'human', { nullable: true }) answeredBy: string | null;
  @Field(INT, 'Length of the call in seconds.', 42, { nullable: true }) durationSeconds: number | null;
  @Field(ANALYSIS, 'The provider\'s post-call analysis.', { summary: 'Interested, asked for a callback.' }, { nullable: true }) analysis: unknown;
  @Field(TEXT, 'Where the recording is.', 'https://example.com/recordings/RE123.mp3', { nullable: true }) recordingUrl: string | null;
  @Field(TEXT, 'The transcript.', 'AI: Hello … User: Call me later.', { nullable: true }) transcript: string | null;
  @Field(DATE_TIME, 'When it was dialled.', EX.at, { nullable: true }) dialedAt: Date | null;
  @Field(DATE_TIME, 'When it ended.', EX.at, { nullable: true }) endedAt: Date | null;
  @Field(BOOL, 'The lead\'s qualified flag (null: not decided).', true, { nullable: true }) leadQualified: boolean | null;
  @Field(ref(() => ManualDisposition), 'A person\'s disposition of the call; null when none.', { disposition: 'callback_requested', note: null, at: EX.at }, { nullable: true })
  manualDisposition: ManualDisposition | null;
}
