import { findProviderConnection, recordAttemptCallerId, type DataSource } from '@dialer/db';
import type { ProviderType } from '@dialer/domain';
import { adapterFromSealed, ProviderError, renderTemplate, type PlaceCallRequest, type ProviderAdapter } from '@dialer/providers';
import type { RateLimit } from '@dialer/queue';
import type { CallerIdChooser } from './caller-ids';
import { findCampaignTemplates, type CampaignTemplates } from './dial.repository';
import { TtlCache } from './ttl-cache';

/** What a placeCall request is built from: the attempt, the callee and the lead's variables. */
export interface CallRequestInput {
  tenantId: string;
  campaignId: string;
  callAttemptId: string;
  to: string;
  variables: Record<string, string>;
  /** Public base URL of webhook-ingest. */
  webhookBaseUrl: string;
  /** A callback's own agent or flow, in place of the campaign's and the connection's. */
  agent?: string;
}

export interface ResolvedProvider {
  connectionId: string;
  type: ProviderType;
  adapter: ProviderAdapter;
  /**
   * The request for one call: the provider's own callback URL (Exotel's carries its secret token),
   * the campaign's script and first message rendered with the lead's variables, its agent or flow and
   * caller id overrides and its ring timeout, all passed the way the provider expects. Waits for the connection's calls-per-second pace (or refuses as capacity).
   */
  buildRequest(input: CallRequestInput): Promise<PlaceCallRequest>;
}

/** Why a campaign's provider cannot be used; the lead waits until someone fixes the connection. */
export class ProviderSetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProviderSetupError';
  }
}

/** Longest a call waits for its calls-per-second turn before it is refused as capacity (requeued). */
const MAX_PACE_WAIT_MS = 2_000;

/**
 * Waits for the connection's calls-per-second turn, shared by every worker replica through Redis
 * (GCRA keyed by the provider connection): N replicas together place at most `calls_per_second`.
 * A turn further away than MAX_PACE_WAIT_MS is refused as capacity (the attempt is undone and
 * requeued without spending the lead's attempt).
 */
export async function waitForCallTurn(rate: Pick<RateLimit, 'reserve'>, connectionId: string, callsPerSecond: number): Promise<void> {
  let wait: number | null;
  try {
    wait = await rate.reserve(`provider:${connectionId}`, callsPerSecond, MAX_PACE_WAIT_MS);
  } catch (err) {
    throw new ProviderError('transient', `could not take a calls-per-second turn: ${(err as Error).message}`);
  }
  if (wait === null) throw new ProviderError('capacity', `the connection's limit of ${callsPerSecond} calls per second is reached`);
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
}

/** Provider adapters per connection, with decrypted credentials, cached for a short while. */
export class ProviderAdapters {
  private readonly cache: TtlCache<ResolvedProvider>;
  private readonly templates: TtlCache<CampaignTemplates>;

  constructor(
    private readonly ds: DataSource,
    private readonly secretsKey: string,
    private readonly requestTimeoutMs: number,
    private readonly rate: Pick<RateLimit, 'reserve'>,
    ttlMs = 30_000,
    /** Caller-id pools (local presence); without it every call goes out from the fixed caller id. */
    private readonly callerIds?: Pick<CallerIdChooser, 'choose'>,
  ) {
    this.cache = new TtlCache(ttlMs, 1_000);
    this.templates = new TtlCache(ttlMs, 10_000);
  }

  /** The adapter of a tenant's connection; throws ProviderSetupError when it cannot be used. */
  get(tenantId: string, connectionId: string): Promise<ResolvedProvider> {
    return this.cache.get(`${tenantId}:${connectionId}`, () => this.load(tenantId, connectionId));
  }

  forget(tenantId: string, connectionId: string): void {
    this.cache.delete(`${tenantId}:${connectionId}`);
  }

  private async load(tenantId: string, connectionId: string): Promise<ResolvedProvider> {
    // New calls never go through a deleted connection.
    const conn = await findProviderConnection(this.ds, connectionId, { tenantId });
    if (!conn) throw new ProviderSetupError(`provider connection ${connectionId} does not exist or was deleted`);
    let adapter: ProviderAdapter;
    try {
      adapter = adapterFromSealed(conn, this.secretsKey, { requestTimeoutMs: this.requestTimeoutMs });
    } catch (err) {
      throw new ProviderSetupError(`provider connection ${connectionId}: ${(err as Error).message}`);
    }
    const callsPerSecond = conn.callsPerSecond;
    return {
      connectionId: conn.id,
      type: conn.type,
      adapter,
      buildRequest: async (input) => {
        let t: CampaignTemplates;
        try {
          t = await this.templates.get(`${input.tenantId}:${input.campaignId}`, () => findCampaignTemplates(this.ds, input.tenantId, input.campaignId));
        } catch (err) {
          // Nothing reached the provider: a transient failure, so the attempt is undone and retried.
          throw new ProviderError('transient', `could not read the campaign's templates: ${(err as Error).message}`);
        }
        await waitForCallTurn(this.rate, conn.id, callsPerSecond);
        const request: PlaceCallRequest = {
          to: input.to,
          callAttemptId: input.callAttemptId,
          statusCallbackUrl: adapter.statusCallbackUrl(input.webhookBaseUrl, conn.id, input.callAttemptId),
          variables: input.variables,
        };
        if (t.script) request.script = renderTemplate(t.script, input.variables);
        if (t.firstMessage) request.firstMessage = renderTemplate(t.firstMessage, input.variables);
        if (input.agent) request.agent = input.agent;
        else if (t.agent) request.agent = t.agent;
        await this.chooseCallerId(request, input, conn.id, conn.type, t.callerId);
        if (t.ringTimeoutSeconds) request.timeoutSeconds = t.ringTimeoutSeconds;
        return request;
      },
    };
  }

  /**
   * The call's caller id: a number of the campaign's (else the connection's) caller-id pool, else
   * the campaign's caller id, else none (the connection's own). A chosen one is kept on the attempt
   * before the call. A "pool only" pool with no usable number refuses as capacity: the attempt is
   * undone and the dial retried later, without spending the lead's attempt.
   */
  private async chooseCallerId(
    request: PlaceCallRequest, input: CallRequestInput, connectionId: string, type: ProviderType, campaignCallerId: string | undefined,
  ): Promise<void> {
    if (this.callerIds) {
      let choice: Awaited<ReturnType<CallerIdChooser['choose']>>;
      try {
        choice = await this.callerIds.choose({ tenantId: input.tenantId, campaignId: input.campaignId, connectionId, providerType: type, to: input.to });
      } catch (err) {
        throw new ProviderError('transient', `could not choose a caller id: ${(err as Error).message}`);
      }
      if (choice.kind === 'wait') {
        const when = choice.waitMs === null ? 'until the pool changes' : `for ${Math.ceil(choice.waitMs / 1000)} s`;
        throw new ProviderError('capacity', `no caller id of the pool is usable ${when} (pool only: capped, cooling down or paused)`);
      }
      if (choice.kind === 'pool') {
        request.callerId = choice.number;
        if (choice.providerNumberId) request.callerNumberId = choice.providerNumberId;
      }
    }
    if (!request.callerId && campaignCallerId) request.callerId = campaignCallerId;
    if (!request.callerId) return;
    try {
      await recordAttemptCallerId(this.ds, input.tenantId, input.callAttemptId, request.callerId);
    } catch (err) {
      throw new ProviderError('transient', `could not keep the caller id on the attempt: ${(err as Error).message}`);
    }
  }
}
