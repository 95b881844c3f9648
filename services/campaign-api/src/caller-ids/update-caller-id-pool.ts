import { writeAudit, type DataSource } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { CallerIdPool, UpdateCallerIdPoolDto } from './caller-id.dto';
import { poolView, requireOwner } from './caller-id-checks';
import { ensurePool, listCallerIds, setPoolOnly, type PoolOwner } from './caller-ids.repository';

/** PATCH …/caller-ids: the pool's setting (pool only: wait rather than use the fixed caller id); audited. */
export async function updateCallerIdPool(
  ds: DataSource, auth: AuthContext, owner: PoolOwner, ownerId: string, dto: UpdateCallerIdPoolDto,
): Promise<CallerIdPool> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    await requireOwner(m, tenantId, owner, ownerId, { forUpdate: true });
    const pool = await ensurePool(m, tenantId, owner, ownerId);
    await setPoolOnly(m, tenantId, pool.id, dto.poolOnly);
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'caller_id_pool.update', entityType: 'caller_id_pool', entityId: pool.id,
      before: { poolOnly: pool.pool_only }, after: { poolOnly: dto.poolOnly },
    });
    return poolView(owner, ownerId, dto.poolOnly, await listCallerIds(m, tenantId, pool.id));
  });
}
