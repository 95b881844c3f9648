import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { CONSENT_TYPES, type ConsentType } from '@dialer/domain';
import { Doc } from '../openapi/doc';
import { arrayOf, DATE_TIME, EX, Field, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';
import { WITH_OFFSET } from '../callbacks/callback.dto';

export const CONSENT_DOC = 'express_written > express > existing_business_relationship > none (strongest first).';

/** PUT /v1/leads/:id/consent: the lead's consent record (supersedes the current one). */
export class PutConsentDto {
  @Doc(`The consent given: ${CONSENT_DOC}`, 'express_written')
  @IsIn(CONSENT_TYPES) type: ConsentType;
  @Doc('When it was given: ISO 8601 with its offset.', '2026-02-14T10:30:00Z')
  @IsOptional() @IsISO8601({ strict: true }) @Matches(WITH_OFFSET, { message: 'grantedAt must carry its offset (Z or ±hh:mm)' }) grantedAt?: string;
  @Doc('Where it came from: a form URL, a recording, an import (at most 2,000 characters).', 'https://example.com/forms/contact-me')
  @IsOptional() @IsString() @Length(1, 2000) source?: string;
  @Doc('The text or version agreed to (at most 10,000 characters).', 'TCPA disclosure v3')
  @IsOptional() @IsString() @Length(1, 10_000) text?: string;
}

/** DELETE /v1/leads/:id/consent: revoke the current record. */
export class RevokeConsentDto {
  @Doc('Why the consent is revoked (kept on the record and in the audit log; at most 1,000 characters).', 'asked on the call not to be contacted again')
  @IsString() @Length(1, 1000) reason: string;
}

// ---- responses ----

@ResponseSchema('A consent record as given with a lead (JSON consent object or CSV consent columns).')
export class GivenConsent {
  @Field(oneOf(CONSENT_TYPES), `The consent given: ${CONSENT_DOC}`, 'express_written') type: ConsentType;
  @Field(TEXT, 'When it was given (ISO 8601).', '2026-02-14T10:30:00.000Z', { nullable: true }) grantedAt: string | null;
  @Field(TEXT, 'Where it came from (a CSV row without consent_source: "import").', 'import', { nullable: true }) source: string | null;
  @Field(TEXT, 'The text or version agreed to.', 'TCPA disclosure v3', { nullable: true }) text: string | null;
}

@ResponseSchema('A consent record of a lead. Records are never deleted: a newer one supersedes it, a revoke marks it.')
export class Consent {
  @Field(UUID, 'The consent record id (call attempts name the record they relied on).', EX.id) id: string;
  @Field(UUID, 'Its lead.', EX.id2) leadId: string;
  @Field(oneOf(CONSENT_TYPES), `The consent given: ${CONSENT_DOC}`, 'express_written') type: ConsentType;
  @Field(DATE_TIME, 'When it was given (null: not said).', '2026-02-14T10:30:00.000Z', { nullable: true }) grantedAt: Date | null;
  @Field(TEXT, 'Where it came from (form URL, recording, import).', 'https://example.com/forms/contact-me', { nullable: true }) source: string | null;
  @Field(TEXT, 'The text or version agreed to.', 'TCPA disclosure v3', { nullable: true }) text: string | null;
  @Field(oneOf(['api', 'lead', 'import']), 'How it was recorded: PUT …/consent, with a JSON lead, or from a CSV import.', 'api') recordedVia: 'api' | 'lead' | 'import';
  @Field(DATE_TIME, 'When it was recorded.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When a newer record replaced it (null: it is the current one).', null, { nullable: true }) supersededAt: Date | null;
  @Field(DATE_TIME, 'When it was revoked (null: not revoked).', null, { nullable: true }) revokedAt: Date | null;
  @Field(TEXT, 'Why it was revoked.', null, { nullable: true }) revokedReason: string | null;
}

@ResponseSchema('A lead\'s consent: its current record and every record it had, newest first.')
export class ConsentHistory {
  @Field(ref(() => Consent), 'The current record (possibly revoked); null when the lead never had one.', null, { nullable: true }) current: Consent | null;
  @Field(arrayOf(ref(() => Consent)), 'Every record, newest first.', []) history: Consent[];
}
