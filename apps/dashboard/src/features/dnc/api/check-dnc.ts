import { useMutation } from '@tanstack/react-query';
import { api, unwrap } from '../../../lib/api-client';

export const checkDnc = (phones: string[]) => unwrap(api.POST('/v1/dnc/check', { body: { phones } })).then((r) => r.data);

export function useCheckDnc() {
  return useMutation({ mutationFn: checkDnc });
}
