import type { Outcome } from '../../campaigns/api/campaign.types';

/** One row of GET /v1/campaigns/:id/calls. `leadName`/`phone` are shown when the API adds them. */
export interface CallSummary {
  id: string;
  leadId: string;
  attemptNo: number;
  provider: string;
  status: string;
  outcome: Outcome | null;
  answeredBy: string | null;
  durationSeconds: number | null;
  dialedAt: string | null;
  endedAt: string | null;
  createdAt: string;
  leadName?: string | null;
  phone?: string | null;
}

/** GET /v1/call-attempts/:id */
export interface CallDetail extends Omit<CallSummary, 'createdAt'> {
  campaignId: string;
  providerCallId: string | null;
  rawStatus: string | null;
  analysis: { summary?: string; structuredData?: Record<string, unknown>; successEvaluation?: unknown } | null;
  recordingUrl: string | null;
  transcript: string | null;
  leadQualified: boolean | null;
  manualDisposition: { disposition: string; note: string | null; at: string | null } | null;
  /** When the API adds it: every status the call went through. */
  statusHistory?: Array<{ status: string; at: string }>;
}
