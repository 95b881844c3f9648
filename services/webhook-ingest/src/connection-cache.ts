import type { DataSource } from '@dialer/db';
import { adapterFromSealed, type ProviderAdapter } from '@dialer/providers';

export interface ResolvedConnection {
  id: string;
  tenantId: string;
  type: 'twilio' | 'vapi' | 'exotel';
  adapter: ProviderAdapter;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(v: unknown): v is string {
  return typeof v === 'string' && UUID.test(v);
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

    const rows: Array<{ id: string; tenant_id: string; type: ResolvedConnection['type']; base_url: string | null; config: Record<string, unknown>; secrets_sealed: string }> =
      await this.ds.query(
        `SELECT id, tenant_id, type, base_url, config, secrets_sealed
           FROM provider_connections WHERE id = $1 AND deleted_at IS NULL`, [connectionId]);
    const row = rows[0];
    if (!row) return null;
    const conn: ResolvedConnection = {
      id: row.id,
      tenantId: row.tenant_id,
      type: row.type,
      adapter: adapterFromSealed({ type: row.type, baseUrl: row.base_url, config: row.config ?? {}, secretsSealed: row.secrets_sealed }, this.secretsKey),
    };
    if (this.ttlMs > 0) {
      if (this.entries.size > 10_000) this.entries.clear();
      this.entries.set(connectionId, { expires: now + this.ttlMs, conn });
    }
    return conn;
  }
}
