import { useMutation } from '@tanstack/react-query';
import { request } from '../../../lib/api-client';
import { storeSession } from './get-session';
import type { Session } from './session.types';

export interface SignInInput {
  email: string;
  password: string;
}

export const signIn = (input: SignInInput) => request<Session>('POST', '/v1/auth/login', input);

export function useSignIn() {
  return useMutation({ mutationFn: signIn, onSuccess: storeSession });
}
