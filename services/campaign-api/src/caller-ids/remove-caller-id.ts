import { writeAudit, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { callerIdView, requireOwner } from './caller-id-checks';
import { deleteCallerId, findCallerId, findPool, type PoolOwner } from './caller-ids.repository';

/** DELETE …/caller-ids/:callerId: the number leaves the pool (its past calls keep it); audited. */
export async function removeCallerId(ds: DataSource, auth: AuthContext, owner: PoolOwner, ownerId: string, id: string): Promise<void> {
  const { tenantId, apiKeyId, userId } = auth;
  await ds.transaction(async (m) => {
    await requireOwner(m, tenantId, owner, ownerId);
    const pool = await findPool(m, tenantId, owner, ownerId);
    const before = pool ? await findCallerId(m, tenantId, pool.id, id, { forUpdate: true }) : null;
    if (!before) throw AppError.notFound('caller id', id);
    await deleteCallerId(m, tenantId, id);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'caller_id.remove', entityType: 'caller_id', entityId: id, before: callerIdView(before), after: null });
  });
}
