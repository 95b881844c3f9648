import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-schema';
import { ApiError } from './api-error';

/**
 * The typed client of /v1 (types generated from the API's own /openapi.json): it sends the CSRF token
 * on unsafe methods and reports a 401 to `onUnauthorized` (sign-in page); `unwrap` turns error
 * answers into ApiError.
 */
let csrfToken: string | null = null;
let onUnauthorized: () => void = () => undefined;

/** Set from the session (sign-in, accept-invite, GET /v1/auth/session); null after sign-out. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

export function setUnauthorizedHandler(fn: () => void): void {
  onUnauthorized = fn;
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

async function toApiError(res: Response): Promise<ApiError> {
  let body: { error?: { code?: string; message?: string; details?: unknown } } = {};
  try {
    body = (await res.clone().json()) as typeof body;
  } catch {
    // not JSON: keep the status text
  }
  const retry = Number(res.headers.get('Retry-After'));
  return new ApiError(res.status, body.error?.code ?? `http_${res.status}`, body.error?.message ?? (res.statusText || `HTTP ${res.status}`),
    body.error?.details, Number.isFinite(retry) && retry > 0 ? retry : undefined);
}

function isAuthRoute(url: string): boolean {
  return /\/v1\/auth\/(login|session|accept-invite)/.test(url);
}

const sessionMiddleware: Middleware = {
  onRequest({ request }) {
    if (UNSAFE.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
    return request;
  },
  async onResponse({ response, request }) {
    if (response.status === 401 && !isAuthRoute(request.url)) onUnauthorized();
    return response;
  },
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(sessionMiddleware);

/**
 * The data of an openapi-fetch answer (typed by the path's success responses), or its error thrown
 * as ApiError. A 204 answer has no data: its type is `undefined` there.
 */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, response } = await p;
  if (!response.ok) throw await toApiError(response);
  // openapi-fetch leaves `data` undefined only for a bodiless success (204), whose T is never/undefined.
  return data as T;
}

/**
 * The options of a multipart upload (field `file`, optional `mapping` JSON) through the typed client.
 * The document types the binary part as a string (format: binary); the serializer sends the File itself.
 */
export function csvUpload(file: File, mapping?: Record<string, string>) {
  const body: { file: string; mapping?: string } = { file: file.name, ...(mapping ? { mapping: JSON.stringify(mapping) } : {}) };
  return {
    body,
    bodySerializer: (b: { mapping?: string }): FormData => {
      const form = new FormData();
      if (b.mapping) form.append('mapping', b.mapping); // before `file`: the server reads the stream in order
      form.append('file', file);
      return form;
    },
  };
}
