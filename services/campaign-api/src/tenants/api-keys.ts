import { randomBytes } from 'node:crypto';
import type { ApiKeyRole, EntityManager } from '@dialer/db';
import { sha256Hex } from '@dialer/platform';
import { insertApiKey } from '../api-keys/api-keys.repository';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** `dk_<8 chars>_<secret>`: the prefix tells keys apart, the secret makes them unguessable. */
export const API_KEY_FORMAT = /^dk_[A-Za-z0-9]{8}_[A-Za-z0-9]{20,128}$/;

function randomAlnum(length: number): string {
  // Rejection sampling keeps every character equally likely.
  let out = '';
  while (out.length < length) {
    for (const b of randomBytes(length * 2)) {
      if (b < 248 && out.length < length) out += ALPHABET[b % ALPHABET.length];
    }
  }
  return out;
}

export interface GeneratedApiKey {
  key: string;
  prefix: string;
  hash: string;
}

export function generateApiKey(): GeneratedApiKey {
  const prefix = `dk_${randomAlnum(8)}`;
  const key = `${prefix}_${randomAlnum(40)}`;
  return { key, prefix, hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return sha256Hex(key);
}

export interface CreatedApiKey {
  id: string;
  apiKey: string;
}

/** Stores a new key for a tenant (only its hash and prefix) and returns the key, shown this once. */
export async function createApiKey(m: EntityManager, tenantId: string, role: ApiKeyRole, name: string = role): Promise<CreatedApiKey> {
  const k = generateApiKey();
  const id = await insertApiKey(m, { tenantId, name, prefix: k.prefix, hash: k.hash, role });
  return { id, apiKey: k.key };
}
