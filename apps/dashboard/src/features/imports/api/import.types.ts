/** An import job (POST /v1/campaigns/:id/imports, GET /v1/imports/:id). */
export interface ImportJob {
  id: string;
  campaignId: string;
  status: 'pending' | 'running' | 'completed' | 'failed' | 'cancelled' | string;
  filename: string | null;
  rowsRead: number;
  accepted: number;
  rejected: number;
  duplicates: number;
  dncSuppressed: number;
  lastRow: number;
  error: string | null;
  encoding: string | null;
  delimiter: string | null;
  mapping: Record<string, string> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  errorsUrl: string;
  /** GET /v1/imports/:id only: the first report lines. */
  errors?: Array<{ row: number; column: string; value?: string; reason: string }>;
}

/** POST /v1/campaigns/:id/imports?preview=true */
export interface ImportPreview {
  preview: true;
  filename: string | null;
  encoding: string;
  delimiter: string;
  headers: string[];
  suggestedMapping: Record<string, string>;
  mapping: Record<string, string>;
  customColumns: string[];
  sampleRows: Array<Record<string, unknown> & { row: number }>;
  sampleErrors: Array<{ row: number; column?: string; field?: string; value?: string; reason: string }>;
}

/** The lead fields a column can map to (services/campaign-api/src/imports/column-mapping.ts). */
export const IMPORT_FIELDS = ['phone', 'firstName', 'lastName', 'name', 'email', 'timezone', 'state', 'postalCode', 'country'] as const;
