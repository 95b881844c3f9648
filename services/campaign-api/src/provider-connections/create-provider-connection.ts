import { insertProviderConnection, type DataSource, type ProviderConnectionEntity } from '@dialer/db';
import { AppError, encryptSecret, randomToken } from '@dialer/platform';
import { writeAudit } from '@dialer/db';
import type { AuthContext } from '../http/request-context';
import { parseVapiWebhookAuth, type ConnectionDto } from './provider-connection.dto';
import { providerConnectionView } from './provider-connection-view';
import { checkSharedAccount, ownBudgetGiven, reservedProblem } from './update-provider-connection';

/** The connection's settings (`config`, shown) and credentials (`secrets`, sealed, never shown). */
export function connectionSettings(dto: ConnectionDto): { config: Record<string, unknown>; secrets: Record<string, string> } {
  const limit = dto.timeLimitSeconds !== undefined ? { timeLimitSeconds: dto.timeLimitSeconds } : {};
  switch (dto.type) {
    case 'twilio':
      return {
        config: {
          accountSid: dto.accountSid, fromNumber: dto.fromNumber, ...limit,
          ...(dto.fromNumbers ? { fromNumbers: dto.fromNumbers } : {}), ...(dto.twimlUrl ? { twimlUrl: dto.twimlUrl } : {}),
          ...(dto.machineDetection ? { machineDetection: dto.machineDetection } : {}), ...(dto.record ? { record: true } : {}),
        },
        secrets: { authToken: dto.authToken },
      };
    case 'vapi': {
      const auth = dto.webhookAuth === undefined ? undefined : parseVapiWebhookAuth(dto.webhookAuth);
      if (auth && 'problem' in auth) {
        throw new AppError('validation_failed', `webhookAuth: ${auth.problem}`, { status: 400, details: [{ field: 'webhookAuth', reason: auth.problem }] });
      }
      return {
        config: {
          assistantId: dto.assistantId, phoneNumberId: dto.phoneNumberId, ...limit,
          ...(auth ? { webhookAuth: auth.auth } : {}), ...(dto.serverCredentialId ? { serverCredentialId: dto.serverCredentialId } : {}),
        },
        secrets: { apiKey: dto.apiKey, webhookSecret: dto.webhookSecret ?? randomToken(24) },
      };
    }
    case 'exotel':
      return {
        config: {
          accountSid: dto.accountSid, callerId: dto.callerId, ...limit,
          ...(dto.flowUrl ? { flowUrl: dto.flowUrl } : { agentNumber: dto.agentNumber }),
          ...(dto.callType ? { callType: dto.callType } : {}), ...(dto.record ? { record: true } : {}),
        },
        // Exotel signs nothing: its StatusCallback URL carries this token.
        secrets: { apiKey: dto.apiKey, apiToken: dto.apiToken, webhookToken: randomToken(24) },
      };
  }
}

/**
 * Stores a provider connection of the caller's tenant: its settings shown, its credentials sealed
 * with the secrets key (webhook secrets made when the provider needs one and none was given), audited.
 */
export async function createProviderConnection(
  ds: DataSource, auth: AuthContext, dto: ConnectionDto, secretsKey: string,
): Promise<ProviderConnectionEntity> {
  const { tenantId, apiKeyId, userId } = auth;
  const { config, secrets } = connectionSettings(dto);
  const reserved = dto.reservedCalls ?? 0;
  const problem = reservedProblem({ maxConcurrentCalls: dto.maxConcurrentCalls ?? null, reservedCalls: reserved });
  if (problem) throw new AppError('validation_failed', `request body: ${problem}`, { status: 400, details: [{ field: 'reservedCalls', reason: problem }] });
  const sharedAccount = dto.sharedAccount?.trim() || null;
  const own = sharedAccount ? ownBudgetGiven(dto) : [];
  if (own.length) throw new AppError('validation_failed', `request body: ${own[0]!.reason}`, { status: 400, details: own });
  return ds.transaction(async (m) => {
    if (sharedAccount) await checkSharedAccount(m, tenantId, sharedAccount, dto.type);
    const created = await insertProviderConnection(m, {
      tenantId,
      name: dto.name.trim(),
      type: dto.type,
      baseUrl: dto.baseUrl ? dto.baseUrl.replace(/\/+$/, '') : null,
      config,
      secretsSealed: encryptSecret(JSON.stringify(secrets), secretsKey),
      callsPerSecond: dto.callsPerSecond ?? 10,
      maxConcurrentCalls: dto.maxConcurrentCalls ?? null,
      reservedCalls: reserved,
      accountKey: dto.accountKey?.trim() || null,
      sharedAccount,
    });
    await writeAudit(m, { tenantId, apiKeyId, userId, action: 'provider_connection.create', entityType: 'provider_connection', entityId: created.id, after: providerConnectionView(created) });
    return created;
  });
}
