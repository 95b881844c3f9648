import { useMutation } from '@tanstack/react-query';
import { upload } from '../../../lib/api-client';
import type { ImportPreview } from './import.types';

/**
 * The preview of a CSV (encoding, delimiter, header, suggested mapping, sample rows and errors);
 * writes nothing. It needs a campaign (its default country); the wizard previews against a
 * scratch draft? No: it previews after creation only when no campaign exists; see the wizard.
 */
export function previewImport({ campaignId, file, mapping }: { campaignId: string; file: File; mapping?: Record<string, string> }) {
  const form = new FormData();
  if (mapping) form.append('mapping', JSON.stringify(mapping));
  form.append('file', file);
  return upload<ImportPreview>(`/v1/campaigns/${encodeURIComponent(campaignId)}/imports?preview=true`, form);
}

export function usePreviewImport() {
  return useMutation({ mutationFn: previewImport });
}
