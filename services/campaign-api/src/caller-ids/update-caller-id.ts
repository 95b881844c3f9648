import { writeAudit, type DataSource } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import type { CallerId, UpdateCallerIdDto } from './caller-id.dto';
import { assertProviderNumberId, callerIdView, requireOwner } from './caller-id-checks';
import { findCallerId, findPool, updateCallerIdRow, type PoolOwner } from './caller-ids.repository';

/** PATCH …/caller-ids/:callerId: pause or resume a number, change its cap, cool-down or default mark; audited. */
export async function updateCallerId(
  ds: DataSource, auth: AuthContext, owner: PoolOwner, ownerId: string, id: string, dto: UpdateCallerIdDto,
): Promise<CallerId> {
  const { tenantId, apiKeyId, userId } = auth;
  return ds.transaction(async (m) => {
    const { providerType } = await requireOwner(m, tenantId, owner, ownerId);
    const pool = await findPool(m, tenantId, owner, ownerId);
    const before = pool ? await findCallerId(m, tenantId, pool.id, id, { forUpdate: true }) : null;
    if (!before) throw AppError.notFound('caller id', id);
    const after = {
      ...before,
      provider_number_id: dto.providerNumberId !== undefined ? dto.providerNumberId : before.provider_number_id,
      is_default: dto.isDefault ?? before.is_default,
      paused: dto.paused ?? before.paused,
      daily_cap: dto.dailyCap !== undefined ? dto.dailyCap : before.daily_cap,
      cooldown_seconds: dto.cooldownSeconds ?? before.cooldown_seconds,
    };
    assertProviderNumberId(providerType, after.provider_number_id);
    const row = await updateCallerIdRow(m, tenantId, after);
    await writeAudit(m, {
      tenantId, apiKeyId, userId, action: 'caller_id.update', entityType: 'caller_id', entityId: id,
      before: callerIdView(before), after: callerIdView(row),
    });
    return callerIdView(row);
  });
}
