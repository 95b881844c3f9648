import { findProviderConnection, type DataSource } from '@dialer/db';
import type { ProviderType } from '@dialer/domain';
import { isUuid } from '@dialer/platform';
import { adapterFromSealed, type ProviderAdapter } from '@dialer/providers';

export interface ResolvedConnection {
  id: string;
  tenantId: string;
  type: ProviderType;
  adapter: ProviderAdapter;
}

/**
 * Loads a (non-deleted) provider connection and builds its adapter with the decrypted credentials,
 * reusing it for `ttlMs` so a burst of webhooks costs one query and one decryption.
 * Unknown connections are not cached: a connection created a moment ago is found at once.
 */
export class ConnectionCache {
  private readonly entries = new Map<string, { expires: number; conn: ResolvedConnection }>();

  constructor(
    private readonly ds: DataSource,
    private readonly secretsKey: string,
    private readonly ttlMs: number,
  ) {}

  async get(connectionId: string): Promise<ResolvedConnection | null> {
    if (!isUuid(connectionId)) return null;
    const now = Date.now();
    const hit = this.entries.get(connectionId);
    if (hit && hit.expires > now) return hit.conn;
    if (hit) this.entries.delete(connectionId);

    // The webhook's path names the connection; its tenant is what we learn here. A deleted one is refused.
    const row = await findProviderConnection(this.ds, connectionId);
    if (!row) return null;
    const conn: ResolvedConnection = {
      id: row.id,
      tenantId: row.tenantId,
      type: row.type,
      adapter: adapterFromSealed(row, this.secretsKey),
    };
    if (this.ttlMs > 0) {
      if (this.entries.size > 10_000) this.entries.clear();
      this.entries.set(connectionId, { expires: now + this.ttlMs, conn });
    }
    return conn;
  }
}
