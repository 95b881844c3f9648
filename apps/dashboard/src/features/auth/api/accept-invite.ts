import { useMutation } from '@tanstack/react-query';
import { request } from '../../../lib/api-client';
import { storeSession } from './get-session';
import type { Session } from './session.types';

export interface AcceptInviteInput {
  token: string;
  password: string;
  name?: string;
}

export const acceptInvite = (input: AcceptInviteInput) => request<Session>('POST', '/v1/auth/accept-invite', input);

export function useAcceptInvite() {
  return useMutation({ mutationFn: acceptInvite, onSuccess: storeSession });
}
