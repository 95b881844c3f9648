import { IsIn, IsISO31661Alpha2, IsOptional } from 'class-validator';
import { GivenConsent } from '../consent/consent.dto';
import { Doc } from '../openapi/doc';
import { ANY, arrayOf, BOOL, DATE_TIME, EX, Field, INT, mapOf, oneOf, ref, ResponseSchema, TEXT, UUID } from '../openapi/response-schema';

export const IMPORT_STATUSES = ['pending', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ImportStatus = (typeof IMPORT_STATUSES)[number];

@ResponseSchema('A CSV import of leads: its status, counts and the options it runs with.')
export class ImportJob {
  @Field(UUID, 'The import id.', EX.id) id: string;
  @Field(UUID, 'The campaign the leads go to.', EX.id2) campaignId: string;
  @Field(oneOf(IMPORT_STATUSES), 'pending (stored, waiting), running, completed, failed (resumable) or cancelled.', 'running') status: ImportStatus;
  @Field(TEXT, 'The uploaded file\'s name.', 'leads.csv', { nullable: true }) filename: string | null;
  @Field(INT, 'Data rows read so far.', 5000) rowsRead: number;
  @Field(INT, 'Rows that became leads.', 4890) accepted: number;
  @Field(INT, 'Invalid rows (see the error report).', 60) rejected: number;
  @Field(INT, 'Numbers already in the campaign or repeated in the file.', 40) duplicates: number;
  @Field(INT, 'Numbers on a do-not-call list.', 10) dncSuppressed: number;
  @Field(INT, 'Last data row committed (a resumed run continues after it).', 5000) lastRow: number;
  @Field(TEXT, 'Country (ISO 3166-1 alpha-2) assumed for numbers written without a country code: the campaign\'s defaultCountry (null until the upload is stored).', 'IN', { nullable: true })
  assumedCountry: string | null;
  @Field(mapOf(INT), 'Valid numbers per detected country (duplicates and DNC included; "unknown" when the number names none).', { IN: 4850, US: 40 })
  countries: Record<string, number>;
  @Field(TEXT, 'Why it failed or was cancelled.', null, { nullable: true }) error: string | null;
  @Field(TEXT, 'Detected text encoding (null until the upload is stored).', 'utf-8', { nullable: true }) encoding: string | null;
  @Field(TEXT, 'Detected delimiter.', ',', { nullable: true }) delimiter: string | null;
  @Field(mapOf(TEXT), 'Lead field → CSV column used.', { phone: 'Mobile Number', firstName: 'First Name' }, { nullable: true })
  mapping: Record<string, string> | null;
  @Field(DATE_TIME, 'When the upload began.', EX.at) createdAt: Date;
  @Field(DATE_TIME, 'When processing began.', EX.at, { nullable: true }) startedAt: Date | null;
  @Field(DATE_TIME, 'When it ended.', null, { nullable: true }) finishedAt: Date | null;
  @Field(TEXT, 'Where the per-row error report (CSV) is.', `/v1/imports/${EX.id}/errors.csv`) errorsUrl: string;
}

export const REPORT_KINDS = ['invalid', 'duplicate', 'dnc', 'warning'] as const;

@ResponseSchema('A line of the import report: a row that did not become a lead (invalid, duplicate, dnc), or a lead kept without an invalid optional value (warning).')
export class ImportReportLine {
  @Field(INT, 'Data row number (1 = the first row after the header).', 7) row: number;
  @Field(oneOf(REPORT_KINDS), 'invalid (refused: every problem of the row), duplicate, dnc, or warning (the lead was kept; the value was left out).', 'invalid')
  kind: (typeof REPORT_KINDS)[number];
  @Field(TEXT, 'The column(s) at fault, comma-separated when the row has several problems.', 'phone') column: string;
  @Field(TEXT, 'The value at fault (the first problem\'s; absent when there is none).', '555-01', { optional: true }) value?: string;
  @Field(TEXT, 'Why (every problem of the row, separated by "; ").', 'phone is not a valid US number; add the country code or set defaultCountry') reason: string;
}

@ResponseSchema('An import with the first lines of its report.')
export class ImportDetail extends ImportJob {
  @Field(arrayOf(ref(() => ImportReportLine)), 'The first report lines (at most 100; the whole report is at errorsUrl).', []) errors: ImportReportLine[];
}

@ResponseSchema('A campaign\'s imports, newest first (at most 100).')
export class ImportPage {
  @Field(arrayOf(ref(() => ImportJob)), 'The imports.', []) data: ImportJob[];
}

@ResponseSchema('A sample row of a preview, as it would become a lead.')
export class PreviewLead {
  @Field(INT, 'Data row number.', 1) row: number;
  @Field(TEXT, 'The number in E.164.', EX.phone) phoneE164: string;
  @Field(TEXT, 'First name.', 'Ada', { nullable: true }) firstName: string | null;
  @Field(TEXT, 'Last name.', 'Lovelace', { nullable: true }) lastName: string | null;
  @Field(TEXT, 'Email.', 'ada@example.com', { nullable: true }) email: string | null;
  @Field(arrayOf(TEXT), 'Candidate IANA zones ([]: the campaign\'s zone at dial time).', ['America/Los_Angeles']) timezones: string[];
  @Field(mapOf(ANY), 'The other columns: free ones as text, the lead schema\'s fields typed.', { plan: 'gold', budget: 7500000 }) custom: Record<string, unknown>;
  @Field(TEXT, 'The country the number belongs to, as detected from it (null: none).', 'US', { nullable: true }) country: string | null;
  @Field(ref(() => GivenConsent), 'Its consent, from the consent_type, consent_at, consent_source and consent_text columns (absent or null: none).', null, { nullable: true, optional: true })
  consent?: GivenConsent | null;
}

@ResponseSchema('A sample row of a preview that would be rejected, or kept without an invalid optional value.')
export class PreviewProblem {
  @Field(INT, 'Data row number.', 2) row: number;
  @Field(oneOf(['invalid', 'warning']), 'invalid (the row would be refused) or warning (kept; the value left out).', 'invalid') kind: 'invalid' | 'warning';
  @Field(TEXT, 'The column at fault.', 'phone') column: string;
  @Field(TEXT, 'The value at fault.', '555-01', { optional: true }) value?: string;
  @Field(TEXT, 'Why.', 'not a valid phone number') reason: string;
}

@ResponseSchema('One field of the campaign\'s lead schema and the CSV column that feeds it.')
export class SchemaFieldColumn {
  @Field(TEXT, 'The field.', 'property_type') field: string;
  @Field(TEXT, 'Its type.', 'text') type: string;
  @Field(BOOL, 'Whether a lead needs it.', true) required: boolean;
  @Field(TEXT, 'The column of the file that feeds it (matched ignoring case, spaces and punctuation); null: none.', 'Property Type', { nullable: true }) column: string | null;
}

@ResponseSchema('How the file meets the campaign\'s lead schema.')
export class SchemaMapping {
  @Field(arrayOf(ref(() => SchemaFieldColumn)), 'Every field of the schema, in order, with its column.', []) fields: SchemaFieldColumn[];
  @Field(arrayOf(TEXT), 'Required fields (without a default) no column feeds: every row would be refused for them.', ['location']) missingRequired: string[];
}

@ResponseSchema('What an upload would do (?preview=true): nothing is stored.')
export class ImportPreview {
  @Field({ type: 'boolean', const: true }, 'Always true: this is a preview.', true) preview: true;
  @Field(TEXT, 'The uploaded file\'s name.', 'leads.csv', { nullable: true }) filename: string | null;
  @Field(TEXT, 'Detected text encoding.', 'utf-8') encoding: string;
  @Field(TEXT, 'Detected delimiter.', ',') delimiter: string;
  @Field(arrayOf(TEXT), 'The header names (cleaned).', ['Mobile Number', 'First Name', 'plan']) headers: string[];
  @Field(mapOf(TEXT), 'Lead field → column, as guessed from the headers.', { phone: 'Mobile Number', firstName: 'First Name' })
  suggestedMapping: Record<string, string>;
  @Field(mapOf(TEXT), 'Lead field → column that would be used (the explicit mapping, else the suggestion).', { phone: 'Mobile Number' })
  mapping: Record<string, string>;
  @Field(arrayOf(TEXT), 'Columns that would go to custom fields.', ['plan']) customColumns: string[];
  @Field(arrayOf(ref(() => PreviewLead)), 'The first rows, as leads.', []) sampleRows: PreviewLead[];
  @Field(arrayOf(ref(() => PreviewProblem)), 'Problems of the sample rows: rows that would be rejected, and values that would be left out.', []) sampleErrors: PreviewProblem[];
  @Field(TEXT, 'Country (ISO 3166-1 alpha-2) assumed for numbers written without a country code: the campaign\'s defaultCountry.', 'IN') assumedCountry: string;
  @Field(mapOf(INT), 'Valid sample numbers per detected country.', { IN: 18, US: 1 }) countries: Record<string, number>;
  @Field(ref(() => SchemaMapping), 'With a campaign that has a lead schema: which column feeds each field, which required fields are missing.', { fields: [{ field: 'budget', type: 'number', required: false, column: 'Budget' }], missingRequired: [] }, { optional: true })
  schemaMapping?: SchemaMapping;
}

@ResponseSchema('The result of a synchronous CSV import.')
export class CsvImportResult {
  @Field(UUID, 'The import (its report: /v1/imports/{id}/errors.csv).', EX.id) importId: string;
  @Field(INT, 'Data rows read.', 3) rowsRead: number;
  @Field(INT, 'Rows that became leads.', 2) accepted: number;
  @Field(INT, 'Invalid rows.', 1) rejected: number;
  @Field(INT, 'Repeated or already present numbers.', 0) duplicates: number;
  @Field(INT, 'Numbers on a do-not-call list.', 0) dncSuppressed: number;
  @Field(TEXT, 'Country (ISO 3166-1 alpha-2) assumed for numbers written without a country code: the campaign\'s defaultCountry.', 'IN') assumedCountry: string;
  @Field(mapOf(INT), 'Valid numbers per detected country (duplicates and DNC included).', { IN: 2 }) countries: Record<string, number>;
  @Field(arrayOf(ref(() => ImportReportLine)), 'The first report lines (at most 100).', []) errors: ImportReportLine[];
}


export class ImportPreviewQuery {
  @Doc('Country (ISO 3166-1 alpha-2) assumed for numbers written without a country code, as the campaign will have it; absent: the tenant\'s default country.', 'IN')
  @IsOptional() @IsISO31661Alpha2() defaultCountry?: string;
  @Doc('The compliance mode the campaign will have: pci refuses custom fields holding card numbers.', 'standard')
  @IsOptional() @IsIn(['standard', 'hipaa', 'pci']) complianceMode: 'standard' | 'hipaa' | 'pci' = 'standard';
}
