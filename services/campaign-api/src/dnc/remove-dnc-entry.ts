import type { DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import { deleteDncEntry } from './dnc.repository';

/** Deletes one DNC entry of the caller's tenant by its id, audited; 404 when there is none. */
export async function removeDncEntry(ds: DataSource, auth: AuthContext, id: string): Promise<void> {
  const { tenantId, apiKeyId, userId } = auth;
  await ds.transaction(async (m) => {
    if (!await deleteDncEntry(m, tenantId, id)) throw AppError.notFound('dnc entry', id);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'dnc.delete', entityType: 'dnc_entry', entityId: id });
  });
}
