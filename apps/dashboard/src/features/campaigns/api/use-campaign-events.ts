import { useEffect, useState } from 'react';
import { queryClient } from '../../../lib/query-client';
import { campaignKeys } from './campaign-keys';
import type { Campaign, CampaignStats } from '../../../lib/api-types';

/**
 * The `stats` event carries the same CampaignStats as GET /v1/campaigns/:id/stats (the document
 * describes the stream only as text/event-stream): checked at the boundary rather than cast.
 */
function isCampaignStats(v: unknown, id: string): v is CampaignStats {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Partial<Record<keyof CampaignStats, unknown>>;
  return s.campaignId === id && typeof s.status === 'string' && typeof s.totalLeads === 'number'
    && typeof s.dialing === 'object' && s.dialing !== null && typeof s.rates === 'object' && s.rates !== null;
}

export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'closed';

/**
 * GET /v1/campaigns/:id/events (Server-Sent Events, the session cookie authenticates it): each
 * `stats` event replaces the stats entry of the query cache (and the campaign's status), each
 * `calls` event has the call log read again (at most every 5 s). The cache stays the one source of truth; the page
 * re-renders from it. EventSource reconnects by itself (the server sends retry: 2000).
 */
export function useCampaignEvents(id: string, enabled: boolean): StreamState {
  const [state, setState] = useState<StreamState>('connecting');
  useEffect(() => {
    if (!enabled || typeof EventSource === 'undefined') {
      setState('closed');
      return undefined;
    }
    const es = new EventSource(`/v1/campaigns/${encodeURIComponent(id)}/events`, { withCredentials: true });
    setState('connecting');
    es.onopen = () => setState('live');
    es.onerror = () => setState(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
    es.addEventListener('stats', (e) => {
      const stats: unknown = JSON.parse((e as MessageEvent<string>).data);
      if (!isCampaignStats(stats, id)) return;
      queryClient.setQueryData(campaignKeys.stats(id), stats);
      queryClient.setQueryData<Campaign>(campaignKeys.detail(id), (c) => (c && c.status !== stats.status ? { ...c, status: stats.status } : c));
    });
    // Calls end up to 4 times a second: the call log is marked stale at once but read again at most every 5 s.
    let timer: ReturnType<typeof setTimeout> | undefined;
    es.addEventListener('calls', () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: ['calls', 'list', id] });
      }, 5_000);
    });
    return () => {
      clearTimeout(timer);
      es.close();
    };
  }, [id, enabled]);
  return state;
}
