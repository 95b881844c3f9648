import { useMutation } from '@tanstack/react-query';
import { api, csvUpload, unwrap } from '../../../lib/api-client';
import type { ComplianceMode } from '../../../lib/api-types';

export interface PreviewInput {
  file: File;
  mapping?: Record<string, string>;
  /** The country of numbers written without a country code (the campaign's, or the wizard's choice). */
  defaultCountry: string;
  complianceMode?: ComplianceMode;
}

/**
 * POST /v1/imports/preview: the encoding, delimiter, headers, suggested mapping, sample rows and
 * errors of a CSV; writes nothing and needs no campaign (the wizard previews before creating one).
 */
export const previewImport = ({ file, mapping, defaultCountry, complianceMode }: PreviewInput) =>
  unwrap(api.POST('/v1/imports/preview', {
    params: { query: { defaultCountry, ...(complianceMode ? { complianceMode } : {}) } },
    ...csvUpload(file, mapping),
  }));

export function usePreviewImport() {
  return useMutation({ mutationFn: previewImport });
}
