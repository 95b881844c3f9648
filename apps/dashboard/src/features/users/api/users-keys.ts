export const usersKey = ['users', 'list'] as const;
