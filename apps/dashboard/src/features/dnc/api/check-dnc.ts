import { useMutation } from '@tanstack/react-query';
import { api, unwrapAs } from '../../../lib/api-client';
import type { DncCheck } from './dnc.types';

export const checkDnc = (phones: string[]) => unwrapAs<{ data: DncCheck[] }>(api.POST('/v1/dnc/check', { body: { phones } })).then((r) => r.data);

export function useCheckDnc() {
  return useMutation({ mutationFn: checkDnc });
}
