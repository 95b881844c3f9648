import { writeAudit, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import type { AddCallerIdDto, CallerId } from './caller-id.dto';
import { assertProviderNumberId, callerIdView, MAX_POOL_NUMBERS, requireOwner } from './caller-id-checks';
import { countCallerIds, ensurePool, insertCallerId, type PoolOwner } from './caller-ids.repository';

/**
 * POST …/caller-ids: adds a number to the owner's pool (created on first use), in one transaction
 * with its audit. 409 when the pool has the number already or is full.
 */
export async function addCallerId(ds: DataSource, auth: AuthContext, owner: PoolOwner, ownerId: string, dto: AddCallerIdDto): Promise<CallerId> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const { providerType } = await requireOwner(m, tenantId, owner, ownerId, { forUpdate: true });
    assertProviderNumberId(providerType, dto.providerNumberId ?? null);
    const pool = await ensurePool(m, tenantId, owner, ownerId);
    if ((await countCallerIds(m, tenantId, pool.id)) >= MAX_POOL_NUMBERS) {
      throw new AppError('pool_full', `a caller-id pool holds at most ${MAX_POOL_NUMBERS} numbers`, { status: 409 });
    }
    const row = await insertCallerId(m, tenantId, pool.id, {
      number: dto.number, providerNumberId: dto.providerNumberId ?? null, isDefault: dto.isDefault ?? false, paused: dto.paused ?? false,
      dailyCap: dto.dailyCap ?? null, cooldownSeconds: dto.cooldownSeconds ?? 0,
    });
    if (!row) throw new AppError('duplicate_caller_id', `the pool has ${dto.number} already`, { status: 409 });
    const view = callerIdView(row);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'caller_id.add', entityType: 'caller_id', entityId: row.id, after: { owner, ownerId, ...view } });
    return view;
  });
}
