import type { ProviderConnectionEntity } from '@dialer/db';
import type { ProviderConnection } from './provider-connection.dto';

/** A provider connection as the API shows it: never its secrets. */
export function providerConnectionView(p: ProviderConnectionEntity): ProviderConnection {
  return {
    id: p.id, name: p.name, type: p.type, baseUrl: p.baseUrl, config: p.config,
    callsPerSecond: p.callsPerSecond,
    maxConcurrentCalls: p.maxConcurrentCalls, reservedCalls: p.reservedCalls, accountKey: p.accountKey, sharedAccount: p.sharedAccount, createdAt: p.createdAt, updatedAt: p.updatedAt,
  };
}
