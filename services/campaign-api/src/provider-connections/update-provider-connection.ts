import {
  findGrantedSharedAccount, lockProviderConnection, setConnectionBudget, writeAudit, type ConnectionBudget, type DataSource, type EntityManager,
  type ProviderConnectionEntity, type ProviderType,
} from '@dialer/db';
import { AppError, type FieldError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import type { UpdateProviderConnectionDto } from './provider-connection.dto';

const RESERVED_REASON = 'reservedCalls must be less than maxConcurrentCalls (the slots left for campaigns), and 0 when there is no maxConcurrentCalls';
const SHARED_OWN_REASON = 'a connection in a shared account has no budget of its own: the shared account\'s limit is set by the platform operator';

/** A budget where the reserved slots leave none for campaigns (or reserve from no limit): the reason, else null. */
export function reservedProblem(b: Pick<ConnectionBudget, 'maxConcurrentCalls' | 'reservedCalls'>): string | null {
  if (b.reservedCalls === 0) return null;
  return b.maxConcurrentCalls === null || b.reservedCalls >= b.maxConcurrentCalls ? RESERVED_REASON : null;
}

/** The budget fields a request gives a value to, which a connection in a shared account cannot have. */
export function ownBudgetGiven(dto: { maxConcurrentCalls?: number | null; reservedCalls?: number; accountKey?: string | null }): FieldError[] {
  const given = [
    ...(dto.maxConcurrentCalls !== undefined && dto.maxConcurrentCalls !== null ? ['maxConcurrentCalls'] : []),
    ...(dto.reservedCalls !== undefined && dto.reservedCalls !== 0 ? ['reservedCalls'] : []),
    ...(dto.accountKey !== undefined && dto.accountKey !== null ? ['accountKey'] : []),
  ];
  return given.map((field) => ({ field, reason: SHARED_OWN_REASON }));
}

/**
 * Checks that the operator opened shared account `key` to the tenant, for a connection of `type`
 * (the grant stays locked until the transaction ends, so it cannot be revoked meanwhile). The same
 * answer whether the account does not exist or belongs to other tenants: nothing about them leaks.
 */
export async function checkSharedAccount(m: EntityManager, tenantId: string, key: string, type: ProviderType): Promise<void> {
  const account = await findGrantedSharedAccount(m, tenantId, key);
  const reason = !account
    ? `no shared account "${key}" is open to this tenant (the platform operator opens shared accounts)`
    : account.type !== type ? `shared account "${key}" is a ${account.type} account, not ${type}` : null;
  if (reason) throw new AppError('validation_failed', `sharedAccount: ${reason}`, { status: 400, details: [{ field: 'sharedAccount', reason }] });
}

function budgetOf(p: ProviderConnectionEntity): ConnectionBudget {
  return { maxConcurrentCalls: p.maxConcurrentCalls, reservedCalls: p.reservedCalls, accountKey: p.accountKey, sharedAccount: p.sharedAccount };
}

/** The budget a PATCH asks for, checked against the connection's current one; joining a shared account clears its own. */
async function nextBudget(m: EntityManager, tenantId: string, before: ProviderConnectionEntity, dto: UpdateProviderConnectionDto): Promise<ConnectionBudget> {
  const was = budgetOf(before);
  const sharedAccount = dto.sharedAccount === undefined ? was.sharedAccount : dto.sharedAccount?.trim() || null;
  if (sharedAccount) {
    const own = ownBudgetGiven(dto);
    if (own.length) throw new AppError('validation_failed', `request body: ${SHARED_OWN_REASON}`, { status: 400, details: own });
    if (sharedAccount !== was.sharedAccount) await checkSharedAccount(m, tenantId, sharedAccount, before.type);
    return { maxConcurrentCalls: null, reservedCalls: 0, accountKey: null, sharedAccount };
  }
  const next: ConnectionBudget = {
    maxConcurrentCalls: dto.maxConcurrentCalls === undefined ? was.maxConcurrentCalls : dto.maxConcurrentCalls,
    reservedCalls: dto.reservedCalls ?? was.reservedCalls,
    accountKey: dto.accountKey === undefined ? was.accountKey : dto.accountKey?.trim() || null,
    sharedAccount: null,
  };
  const problem = reservedProblem(next);
  if (problem) {
    throw new AppError('validation_failed', `request body: ${problem} (would be ${next.reservedCalls} of ${next.maxConcurrentCalls ?? 'no limit'})`,
      { status: 400, details: [{ field: 'reservedCalls', reason: problem }] });
  }
  return next;
}

/**
 * Changes a connection's concurrency budget (only the fields given), checked as a whole, audited
 * with the fields before and after. The dialers read it with the campaign (cached about a second):
 * a lower limit stops new calls until the live ones are under it; live calls are never cut.
 */
export async function updateProviderConnection(
  ds: DataSource, auth: AuthContext, id: string, dto: UpdateProviderConnectionDto,
): Promise<ProviderConnectionEntity> {
  const { tenantId, apiKeyId, userId } = auth;
  if (dto.maxConcurrentCalls === undefined && dto.reservedCalls === undefined && dto.accountKey === undefined && dto.sharedAccount === undefined) {
    throw new AppError('validation_failed', 'request body is invalid: give maxConcurrentCalls, reservedCalls, accountKey or sharedAccount', { status: 400 });
  }
  return ds.transaction(async (m) => {
    const before = await lockProviderConnection(m, tenantId, id);
    if (!before) throw AppError.notFound('provider connection', id);
    const was = budgetOf(before);
    const next = await nextBudget(m, tenantId, before, dto);
    const changed = (Object.keys(next) as Array<keyof ConnectionBudget>).filter((k) => next[k] !== was[k]);
    if (!changed.length) return before;
    const after = await setConnectionBudget(m, tenantId, id, next);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'provider_connection.update', entityType: 'provider_connection', entityId: id,
      before: Object.fromEntries(changed.map((k) => [k, was[k]])), after: Object.fromEntries(changed.map((k) => [k, next[k]])) });
    return after;
  });
}
