import type { ProviderType } from '@dialer/domain';

/**
 * A campaign's own agent or flow and caller id, in place of its provider connection's, so one
 * connection serves several agents. What each provider takes:
 * - twilio: agent = the TwiML URL the answered call fetches (`Url`) or a TwiML App sid (`ApplicationSid`,
 *   AP + 32 hex); callerId = `From`, E.164.
 * - vapi: agent = an assistant id (`assistantId`); callerId: not supported (a Vapi call goes out from
 *   the connection's `phoneNumberId`, a number bought or imported at Vapi).
 * - exotel: agent = a flow (app) id, turned into its start_voice URL, or a flow URL (`Url`), only on a
 *   connection with a flowUrl (ExotelAdapter.findCallsTo looks for the callee as `From` only there);
 *   callerId = an ExoPhone (`CallerId`), E.164 or national (0…) as Exotel writes it.
 */
export interface CampaignOverrides {
  agent?: string | null;
  callerId?: string | null;
}

/** One reason an override does not fit its connection's type. */
export interface OverrideProblem {
  field: 'agentOverride' | 'callerIdOverride';
  reason: string;
}

export const E164_NUMBER = /^\+[1-9]\d{6,14}$/;
export const TWILIO_APP_SID = /^AP[0-9a-fA-F]{32}$/;
const HTTP_URL = /^https?:\/\/[^\s/]+(\/\S*)?$/;
const VAPI_ASSISTANT_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,199}$/;
const EXOTEL_FLOW_ID = /^\d{1,20}$/;
/** An ExoPhone as Exotel writes it: national, with its leading 0. */
const EXOPHONE_NATIONAL = /^0\d{6,14}$/;

function isHttpUrl(v: string): boolean {
  if (!HTTP_URL.test(v)) return false;
  try {
    const u = new URL(v);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

/** The connection an override is checked against: its type and non-secret settings. */
export interface OverriddenConnection {
  type: ProviderType;
  config: Record<string, unknown>;
}

/** What is wrong with the overrides for this connection ([]: they fit). Absent or null overrides always fit. */
export function checkCampaignOverrides(conn: OverriddenConnection, o: CampaignOverrides): OverrideProblem[] {
  const { type } = conn;
  const problems: OverrideProblem[] = [];
  const agent = o.agent ?? null;
  const callerId = o.callerId ?? null;
  if (agent !== null) {
    if (type === 'twilio' && !isHttpUrl(agent) && !TWILIO_APP_SID.test(agent)) {
      problems.push({ field: 'agentOverride', reason: 'for a Twilio connection it must be a TwiML URL (http or https) or a TwiML App sid (AP followed by 32 hex digits)' });
    } else if (type === 'vapi' && !VAPI_ASSISTANT_ID.test(agent)) {
      problems.push({ field: 'agentOverride', reason: 'for a Vapi connection it must be an assistant id (letters, digits, - and _)' });
    } else if (type === 'exotel' && !EXOTEL_FLOW_ID.test(agent) && !isHttpUrl(agent)) {
      problems.push({ field: 'agentOverride', reason: 'for an Exotel connection it must be a flow (app) id (digits) or a flow URL (http or https)' });
    } else if (type === 'exotel' && typeof conn.config.flowUrl !== 'string') {
      // The reconciler finds a flow call by its From (the callee), which it asks only of flow connections.
      problems.push({ field: 'agentOverride', reason: 'the Exotel connection bridges an agent number; a campaign may replace the flow only of a connection with a flowUrl' });
    }
  }
  if (callerId !== null) {
    if (type === 'vapi') {
      problems.push({ field: 'callerIdOverride', reason: 'a Vapi call goes out from the connection\'s phoneNumberId; use a connection per number' });
    } else if (type === 'exotel' && !E164_NUMBER.test(callerId) && !EXOPHONE_NATIONAL.test(callerId)) {
      problems.push({ field: 'callerIdOverride', reason: 'for an Exotel connection it must be an ExoPhone, E.164 (+918047112345) or national (08047112345)' });
    } else if (type === 'twilio' && !E164_NUMBER.test(callerId)) {
      problems.push({ field: 'callerIdOverride', reason: 'must be an E.164 number, like +14155550100' });
    }
  }
  return problems;
}

/** The start_voice URL of an Exotel flow (app) id; a URL is taken as it is. */
export function exotelFlowUrl(accountSid: string, flow: string): string {
  return EXOTEL_FLOW_ID.test(flow) ? `http://my.exotel.com/${encodeURIComponent(accountSid)}/exoml/start_voice/${flow}` : flow;
}
