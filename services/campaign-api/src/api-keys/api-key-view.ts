import type { ApiKey } from './api-key.dto';
import type { ApiKeyRow } from './api-keys.repository';

/** An API key as the API shows it: never the key, never its hash. */
export function keyView(k: ApiKeyRow): ApiKey {
  return { id: k.id, name: k.name, prefix: k.key_prefix, role: k.role, createdAt: k.created_at, lastUsedAt: k.last_used_at, revokedAt: k.revoked_at };
}
