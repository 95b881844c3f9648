import { findLiveAttempts, type DataSource } from '@dialer/db';
import type { Logger } from '@dialer/platform';
import { LeaseRecovery, leaseMember, type ConcurrencyLease } from '@dialer/queue';

/**
 * The LeaseRecovery of a process (dialer-worker, the reconciler): when Redis lost the concurrency
 * leases (FLUSHALL, a restart without persistence), the first caller that notices rebuilds them
 * from the call attempts Postgres says are live, before any slot is granted.
 */
export function leaseRecoveryFromPostgres(ds: DataSource, lease: ConcurrencyLease, leaseTtlMs: number, logger: Logger): LeaseRecovery {
  return new LeaseRecovery(
    lease,
    async () => (await findLiveAttempts(ds)).map((a) => ({
      campaignId: a.campaignId, member: leaseMember(a.leadId, a.attemptNo), tenantId: a.tenantId, accountGroup: a.accountGroup ?? undefined,
    })),
    leaseTtlMs,
    (count) => logger.warn({ liveAttempts: count }, 'concurrency leases were lost in Redis; rebuilt from Postgres'),
  );
}
