import type { DataSource, EntityManager } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { CallerId, CallerIdPool } from './caller-id.dto';
import { findPoolOwner, type CallerIdRow, type PoolOwner } from './caller-ids.repository';

/** Most numbers one pool may hold (every call's pick weighs them all). */
export const MAX_POOL_NUMBERS = 1_000;

export const OWNER_NAME: Record<PoolOwner, string> = { provider_connection: 'provider connection', campaign: 'campaign' };

/** The pool's owner (a provider connection or a campaign of the caller's tenant, not deleted): 404 otherwise. */
export async function requireOwner(m: DataSource | EntityManager, tenantId: string, owner: PoolOwner, ownerId: string, opts: { forUpdate?: boolean } = {}): Promise<{ providerType: string | null }> {
  const found = await findPoolOwner(m, tenantId, owner, ownerId, opts);
  if (!found) throw AppError.notFound(OWNER_NAME[owner], ownerId);
  return found;
}

/** Vapi places calls from numbers it knows by id: a number of a Vapi pool needs its phoneNumberId. */
export function assertProviderNumberId(providerType: string | null, providerNumberId: string | null): void {
  if (providerType === 'vapi' && !providerNumberId) {
    const reason = 'a Vapi call goes out from a number Vapi knows by id: give the number\'s Vapi phoneNumberId';
    throw new AppError('validation_failed', `request body is invalid: providerNumberId: ${reason}`, {
      status: 400, details: [{ field: 'providerNumberId', reason }],
    });
  }
}

export function callerIdView(r: CallerIdRow): CallerId {
  return {
    id: r.id, number: r.number, providerNumberId: r.provider_number_id, isDefault: r.is_default, paused: r.paused,
    dailyCap: r.daily_cap, cooldownSeconds: r.cooldown_seconds, createdAt: r.created_at,
  };
}

export function poolView(owner: PoolOwner, ownerId: string, poolOnly: boolean, rows: CallerIdRow[]): CallerIdPool {
  return { owner, ownerId, poolOnly, callerIds: rows.map(callerIdView) };
}
