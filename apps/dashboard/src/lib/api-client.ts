import createClient, { type Middleware } from 'openapi-fetch';
import type { paths } from './api-schema';
import { ApiError } from './api-error';

/**
 * The typed client of /v1 (types generated from the API's own /openapi.json), and `request` for the
 * few routes the document does not describe yet (auth, users). Both send the CSRF token on unsafe
 * methods, turn error answers into ApiError and report a 401 to `onUnauthorized` (sign-in page).
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

/** The data of an openapi-fetch answer, or its error thrown as ApiError. */
export async function unwrap<T>(p: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<NonNullable<T>> {
  const { data, response } = await p;
  if (!response.ok) throw await toApiError(response);
  return data as NonNullable<T>;
}

/** A JSON request to a route outside the generated document (auth, users). */
export async function request<T>(method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (UNSAFE.has(method) && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(url, { method, headers, credentials: 'same-origin', body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.status === 401 && !isAuthRoute(url)) onUnauthorized();
  if (!res.ok) throw await toApiError(res);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}

/** A multipart upload (imports); fetch sets the boundary. */
export async function upload<T>(url: string, form: FormData): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(url, { method: 'POST', headers, credentials: 'same-origin', body: form });
  if (res.status === 401) onUnauthorized();
  if (!res.ok) throw await toApiError(res);
  return (await res.json()) as T;
}

/**
 * The data of an openapi-fetch answer read as T. The document's success answers are still generic
 * objects; each feature's api module names the shape it reads, and swaps T for the generated type
 * once the document has it.
 */
export async function unwrapAs<T>(p: Promise<{ data?: unknown; error?: unknown; response: Response }>): Promise<T> {
  return (await unwrap(p)) as T;
}

/** A cursor-paged list answer. */
export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}
