import { randomBytes } from 'node:crypto';
import { writeAudit, type DataSource, type EntityManager } from '@dialer/db';
import { AppError, assertPublicTarget, encryptSecret } from '@dialer/platform';
import type { AuthContext } from '../http/request-context';
import { getCampaign, hasPreDialSecret, storePreDialSecret } from './campaigns.repository';

/** A Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function newPreDialSecret(): string {
  return `whsec_${randomBytes(24).toString('base64')}`;
}

/**
 * In the caller's transaction: a campaign whose pre-dial hook is set and has no signing secret yet
 * gets one (stored sealed); the secret in clear is returned to be shown once, else undefined.
 */
export async function ensurePreDialSecret(m: EntityManager, tenantId: string, campaignId: string, secretsKey: string): Promise<string | undefined> {
  if (await hasPreDialSecret(m, tenantId, campaignId)) return undefined;
  const secret = newPreDialSecret();
  await storePreDialSecret(m, tenantId, campaignId, encryptSecret(secret, secretsKey));
  return secret;
}

/**
 * POST /v1/campaigns/:id/pre-dial/rotate-secret: a new signing secret replaces the old one at once
 * (the next pre-dial request is signed with it), audited without the secret; shown once.
 */
export async function rotatePreDialSecret(ds: DataSource, auth: AuthContext, campaignId: string, secretsKey: string): Promise<string> {
  return ds.transaction(async (m) => {
    const campaign = await getCampaign(m, auth.tenantId, campaignId);
    if (!campaign.preDial) {
      throw new AppError('no_pre_dial_hook', 'the campaign has no pre-dial hook: set preDial first', { status: 409 });
    }
    const secret = newPreDialSecret();
    await storePreDialSecret(m, auth.tenantId, campaignId, encryptSecret(secret, secretsKey));
    await writeAudit(m, {
      tenantId: auth.tenantId, apiKeyId: auth.apiKeyId, userId: auth.userId, action: 'campaign.pre_dial_secret_rotated',
      entityType: 'campaign', entityId: campaignId, after: { rotated: true },
    });
    return secret;
  });
}

/**
 * In production, 400 for a pre-dial URL on a literal private, loopback or link-local address (or
 * localhost), said at save time; the dialer checks every connection again when it is made.
 */
export function assertPublicHook(url: string): void {
  try {
    assertPublicTarget(url);
  } catch {
    throw new AppError('validation_failed', 'request body is invalid: preDial.url names a private, loopback or link-local address, which is refused in production', {
      status: 400, details: [{ field: 'preDial.url', reason: 'a private, loopback or link-local address' }],
    });
  }
}
