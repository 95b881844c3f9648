import { hash, verify } from '@node-rs/argon2';

/** Shortest password accepted (issue 12: ≥ 12 characters); the longest keeps hashing cheap. */
export const PASSWORD_MIN = 12;
export const PASSWORD_MAX = 256;

// argon2id (the library's default algorithm) with OWASP's first recommended setting: 19 MiB, t=2, p=1.
const OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified when the email is unknown, so that a miss costs as long as a wrong password.
let dummy: Promise<string> | undefined;

/** True when the password matches the hash; a null hash (invitation not accepted) never matches. */
export async function verifyPassword(stored: string | null, password: string): Promise<boolean> {
  if (!stored) {
    await verify(await (dummy ??= hashPassword('not-a-password-of-anyone')), password).catch(() => false);
    return false;
  }
  try {
    return await verify(stored, password);
  } catch {
    return false;
  }
}
