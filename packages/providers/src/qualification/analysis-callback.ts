import type { CallAnalysis } from '../adapter';

/** The field of the provider's structured data by which an assistant asks for a callback (Vapi `analysis.structuredData.callbackAt`). */
export const ANALYSIS_CALLBACK_FIELD = 'callbackAt';

/** An ISO 8601 time with its offset (a bare local time is ambiguous across the callee's zones). */
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The callback the post-call analysis asks for: `structuredData.callbackAt` as ISO 8601 with its
 * offset; anything else (absent, empty, a local time without offset, not a time) asks for none.
 */
export function analysisCallbackAt(analysis: CallAnalysis | null | undefined): Date | null {
  const v = analysis?.structuredData?.[ANALYSIS_CALLBACK_FIELD];
  if (typeof v !== 'string' || !ISO_WITH_OFFSET.test(v.trim())) return null;
  const at = new Date(v.trim());
  return Number.isNaN(at.getTime()) ? null : at;
}
