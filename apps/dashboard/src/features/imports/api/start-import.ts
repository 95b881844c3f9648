import { useMutation } from '@tanstack/react-query';
import { upload } from '../../../lib/api-client';
import { queryClient } from '../../../lib/query-client';
import { importsKey } from './get-imports';
import type { ImportJob } from './import.types';

/** Uploads a CSV (multipart: `mapping` before `file`); 202 with the import, processed in the background. */
export function startImport({ campaignId, file, mapping }: { campaignId: string; file: File; mapping?: Record<string, string> }) {
  const form = new FormData();
  if (mapping) form.append('mapping', JSON.stringify(mapping));
  form.append('file', file);
  return upload<ImportJob>(`/v1/campaigns/${encodeURIComponent(campaignId)}/imports`, form);
}

export function useStartImport() {
  return useMutation({
    mutationFn: startImport,
    onSuccess: (job) => queryClient.invalidateQueries({ queryKey: importsKey(job.campaignId) }),
  });
}
