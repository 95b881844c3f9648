import type { DataSource } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import type { CallerIdPool } from './caller-id.dto';
import { poolView, requireOwner } from './caller-id-checks';
import { findPool, listCallerIds, type PoolOwner } from './caller-ids.repository';

/** GET …/caller-ids: the owner's pool (empty and not pool-only when it has none). */
export async function listCallerIdPool(ds: DataSource, auth: AuthContext, owner: PoolOwner, ownerId: string): Promise<CallerIdPool> {
  await requireOwner(ds, auth.tenantId, owner, ownerId);
  const pool = await findPool(ds, auth.tenantId, owner, ownerId);
  return poolView(owner, ownerId, pool?.pool_only ?? false, pool ? await listCallerIds(ds, auth.tenantId, pool.id) : []);
}
