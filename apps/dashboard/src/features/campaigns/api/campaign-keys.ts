/** Query keys of the campaigns feature (one place, so the live stream and mutations hit the same entries). */
export const campaignKeys = {
  all: ['campaigns'] as const,
  lists: () => ['campaigns', 'list'] as const,
  list: (q: object) => ['campaigns', 'list', q] as const,
  detail: (id: string) => ['campaigns', 'detail', id] as const,
  stats: (id: string) => ['campaigns', 'detail', id, 'stats'] as const,
  timeseries: (id: string) => ['campaigns', 'detail', id, 'timeseries'] as const,
  hourlyTimeseries: (id: string) => ['campaigns', 'detail', id, 'timeseries', 'hour'] as const,
  schedulePreview: (id: string) => ['campaigns', 'detail', id, 'schedule-preview'] as const,
};
