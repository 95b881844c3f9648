import type { DataSource } from '@dialer/db';
import { decryptSecret } from '@dialer/platform';
import { createAdapter, type ProviderAdapter } from '@dialer/providers';
import { findProviderConnection, type ProviderConnectionRow } from './dial.repository';
import { TtlCache } from './ttl-cache';

export interface ResolvedProvider {
  connectionId: string;
  type: ProviderConnectionRow['type'];
  adapter: ProviderAdapter;
}

/** Why a campaign's provider cannot be used; the lead waits until someone fixes the connection. */
export class ProviderSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderSetupError';
  }
}

/** Provider adapters per connection, with decrypted credentials, cached for a short while. */
export class ProviderAdapters {
  private readonly cache: TtlCache<ResolvedProvider>;

  constructor(
    private readonly ds: DataSource,
    private readonly secretsKey: string,
    private readonly requestTimeoutMs: number,
    ttlMs = 30_000,
  ) {
    this.cache = new TtlCache(ttlMs, 1_000);
  }

  /** The adapter of a tenant's connection; throws ProviderSetupError when it cannot be used. */
  get(tenantId: string, connectionId: string): Promise<ResolvedProvider> {
    return this.cache.get(`${tenantId}:${connectionId}`, () => this.load(tenantId, connectionId));
  }

  forget(tenantId: string, connectionId: string): void {
    this.cache.delete(`${tenantId}:${connectionId}`);
  }

  private async load(tenantId: string, connectionId: string): Promise<ResolvedProvider> {
    const conn = await findProviderConnection(this.ds, tenantId, connectionId);
    if (!conn) throw new ProviderSetupError(`provider connection ${connectionId} does not exist or was deleted`);
    let secrets: Record<string, string>;
    try {
      secrets = JSON.parse(decryptSecret(conn.secretsSealed, this.secretsKey)) as Record<string, string>;
    } catch {
      throw new ProviderSetupError(`the credentials of provider connection ${connectionId} cannot be decrypted with SECRETS_KEY`);
    }
    try {
      return { connectionId: conn.id, type: conn.type, adapter: createAdapter(conn, secrets, { requestTimeoutMs: this.requestTimeoutMs }) };
    } catch (err) {
      throw new ProviderSetupError(`provider connection ${connectionId}: ${(err as Error).message}`);
    }
  }
}
