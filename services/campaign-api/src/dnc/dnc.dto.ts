import { arrayOf, BOOL, DATE_TIME, EX, Field, INT, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';

@ResponseSchema('A number on a do-not-call list: the tenant\'s (campaignId null) or a campaign\'s.')
export class DncEntry {
  @Field(UUID, 'The entry id.', EX.id) id: string;
  @Field(TEXT, 'The number in E.164; for a number kept after an erasure (source erasure), `sha256:` and its hash instead (docs/privacy.md).', EX.phone) phoneE164: string;
  @Field(UUID, 'The campaign whose list it is on; null: the tenant-wide list.', null, { nullable: true }) campaignId: string | null;
  @Field(TEXT, 'Why it was listed.', 'asked', { nullable: true }) reason: string | null;
  @Field(TEXT, 'How it was listed: api, csv, opt_out (the callee asked on a call) or erasure (kept as a hash for an erased person).', 'api') source: string;
  @Field(DATE_TIME, 'When it was listed.', EX.at) createdAt: Date;
}

@ResponseSchema('A page of DNC entries, newest first.')
export class DncPage {
  @Field(arrayOf(ref(() => DncEntry)), 'The entries of this page.', []) data: DncEntry[];
  @Field(UUID, 'Pass as cursor for the next page; null on the last page.', null, { nullable: true }) nextCursor: string | null;
}

@ResponseSchema('Whether one number may not be called.')
export class DncCheck {
  @Field(TEXT, 'The number as given.', '(415) 555-2671') phone: string;
  @Field(TEXT, 'The number in E.164; null when it is not a valid number.', EX.phone, { nullable: true }) e164: string | null;
  @Field(BOOL, 'True when it is on a list.', true) dnc: boolean;
  @Field(arrayOf(oneOf(['tenant', 'campaign'])), 'The lists it is on.', ['tenant']) scopes: Array<'tenant' | 'campaign'>;
  @Field(TEXT, 'Why the number is not valid (only then).', 'not a valid phone number', { optional: true }) reason?: string;
}

@ResponseSchema('The numbers checked, in the order given.')
export class DncCheckResult {
  @Field(arrayOf(ref(() => DncCheck)), 'One result per number.', []) data: DncCheck[];
}

@ResponseSchema('A row of a DNC CSV that was not taken.')
export class DncImportError {
  @Field(INT, 'Data row number (1 = first data row).', 4) row: number;
  @Field(TEXT, 'Why.', 'not a valid phone number') reason: string;
}

@ResponseSchema('What a DNC CSV added.')
export class DncImportResult {
  @Field(INT, 'Data rows read.', 1000) rows: number;
  @Field(INT, 'Numbers added.', 990) added: number;
  @Field(INT, 'Numbers already listed or repeated in the file.', 6) duplicates: number;
  @Field(INT, 'Rows without a valid number.', 4) invalid: number;
  @Field(arrayOf(ref(() => DncImportError)), 'The first problems (at most 100).', []) errors: DncImportError[];
}
