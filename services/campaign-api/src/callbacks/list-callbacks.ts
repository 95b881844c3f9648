import { listUpcomingCallbacks, type DataSource } from '@dialer/db';
import { getCampaign } from '../campaigns/campaigns.repository';
import { hidesPersonalData } from '../compliance/compliance';
import type { AuthContext } from '../http/request-context';
import type { CallbackPage, ListCallbacksQuery } from './callback.dto';
import { calleeZone, callbackView } from './request-callback';

/** A campaign's upcoming callbacks (pending, of leads still open), soonest first, each in its callee's local time. */
export async function listCallbacks(ds: DataSource, auth: AuthContext, campaignId: string, q: ListCallbacksQuery): Promise<CallbackPage> {
  const campaign = await getCampaign(ds, auth.tenantId, campaignId);
  const rows = await listUpcomingCallbacks(ds, auth.tenantId, campaign.id, q.limit + 1, q.cursor ?? null);
  const page = rows.slice(0, q.limit);
  const masked = hidesPersonalData(campaign.complianceMode, auth.role);
  return {
    data: page.map((r) => {
      const name = [r.first_name, r.last_name].filter(Boolean).join(' ') || null;
      return {
        ...callbackView(r, calleeZone(r, campaign)),
        leadName: masked ? null : name, leadStatus: r.lead_status,
      };
    }),
    nextCursor: rows.length > q.limit ? page[page.length - 1]!.id : null,
  };
}

