import { useMutation } from '@tanstack/react-query';
import { api, csvUpload, unwrap } from '../../../lib/api-client';
import type { ImportJob } from '../../../lib/api-types';
import { queryClient } from '../../../lib/query-client';
import { importsKey } from './get-imports';

/** Uploads a CSV (multipart: `mapping` before `file`); 202 with the import, processed in the background. */
export async function startImport({ campaignId, file, mapping }: { campaignId: string; file: File; mapping?: Record<string, string> }): Promise<ImportJob> {
  const answer = await unwrap(api.POST('/v1/campaigns/{id}/imports', { params: { path: { id: campaignId } }, ...csvUpload(file, mapping) }));
  // The route answers an ImportPreview (200) only with ?preview=true, which is never sent from here.
  if ('preview' in answer) throw new Error('The server answered a preview instead of starting the import.');
  return answer;
}

export function useStartImport() {
  return useMutation({
    mutationFn: startImport,
    onSuccess: (job) => queryClient.invalidateQueries({ queryKey: importsKey(job.campaignId) }),
  });
}
