import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { components } from '../../../lib/api-schema';
import { storeSession } from './get-session';

export type AcceptInviteInput = components['schemas']['AcceptInviteDto'];

export const acceptInvite = (body: AcceptInviteInput) => unwrap(api.POST('/v1/auth/accept-invite', { body }));

export function useAcceptInvite() {
  return useMutation({ mutationFn: acceptInvite, onSuccess: storeSession });
}
