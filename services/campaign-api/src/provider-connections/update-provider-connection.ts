import { lockProviderConnection, setConnectionBudget, writeAudit, type ConnectionBudget, type DataSource, type ProviderConnectionEntity } from '@dialer/db';
import { AppError } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import type { UpdateProviderConnectionDto } from './provider-connection.dto';

const RESERVED_REASON = 'reservedCalls must be less than maxConcurrentCalls (the slots left for campaigns), and 0 when there is no maxConcurrentCalls';

/** A budget where the reserved slots leave none for campaigns (or reserve from no limit): the reason, else null. */
export function reservedProblem(b: Pick<ConnectionBudget, 'maxConcurrentCalls' | 'reservedCalls'>): string | null {
  if (b.reservedCalls === 0) return null;
  return b.maxConcurrentCalls === null || b.reservedCalls >= b.maxConcurrentCalls ? RESERVED_REASON : null;
}

function budgetOf(p: ProviderConnectionEntity): ConnectionBudget {
  return { maxConcurrentCalls: p.maxConcurrentCalls, reservedCalls: p.reservedCalls, accountKey: p.accountKey };
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
  if (dto.maxConcurrentCalls === undefined && dto.reservedCalls === undefined && dto.accountKey === undefined) {
    throw new AppError('validation_failed', 'request body is invalid: give maxConcurrentCalls, reservedCalls or accountKey', { status: 400 });
  }
  return ds.transaction(async (m) => {
    const before = await lockProviderConnection(m, tenantId, id);
    if (!before) throw AppError.notFound('provider connection', id);
    const was = budgetOf(before);
    const accountKey = dto.accountKey === undefined ? was.accountKey : dto.accountKey?.trim() || null;
    const next: ConnectionBudget = {
      maxConcurrentCalls: dto.maxConcurrentCalls === undefined ? was.maxConcurrentCalls : dto.maxConcurrentCalls,
      reservedCalls: dto.reservedCalls ?? was.reservedCalls,
      accountKey,
    };
    const problem = reservedProblem(next);
    if (problem) {
      throw new AppError('validation_failed', `request body: ${problem} (would be ${next.reservedCalls} of ${next.maxConcurrentCalls ?? 'no limit'})`,
        { status: 400, details: [{ field: 'reservedCalls', reason: problem }] });
    }
    const changed = (Object.keys(next) as Array<keyof ConnectionBudget>).filter((k) => next[k] !== was[k]);
    if (!changed.length) return before;
    const after = await setConnectionBudget(m, tenantId, id, next);
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'provider_connection.update', entityType: 'provider_connection', entityId: id,
      before: Object.fromEntries(changed.map((k) => [k, was[k]])), after: Object.fromEntries(changed.map((k) => [k, next[k]])) });
    return after;
  });
}
