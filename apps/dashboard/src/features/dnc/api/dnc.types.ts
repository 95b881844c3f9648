export interface DncEntry { id: string; phoneE164: string; campaignId: string | null; reason: string | null; source: string; createdAt: string }
export interface DncCheck { e164: string | null; input?: string; phone?: string; dnc: boolean; scopes: Array<'tenant' | 'campaign'>; error?: string }
export const dncKeys = { list: ['dnc', 'list'] as const };
