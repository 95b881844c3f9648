export const dncKeys = { list: ['dnc', 'list'] as const };
