import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';
import type { components } from '../../../lib/api-schema';
import { storeSession } from './get-session';

export type SignInInput = components['schemas']['LoginDto'];

export const signIn = (body: SignInInput) => unwrap(api.POST('/v1/auth/login', { body }));

export function useSignIn() {
  return useMutation({ mutationFn: signIn, onSuccess: storeSession });
}
