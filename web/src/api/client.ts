/**
 * The typed client of Saison's API (types generated from the server's OpenAPI document into
 * `schema.d.ts`; a test fails when they drift). Every request speaks the app's language, and
 * every write carries the session's CSRF token; a 401 tells the app the session is over.
 */
import createClient, { type Middleware } from 'openapi-fetch';
import type { components, paths } from './schema';
import { i18n } from '../lib/i18n.svelte';

export type Schemas = components['schemas'];
export type Me = Schemas['Me'];
export type ActivityOut = Schemas['ActivityOut'];
export type ActivityKind = Schemas['ActivityKind'];

/** An RFC 9457 problem as Saison sends it (with its extensions). */
export interface Problem {
  type?: string;
  title?: string;
  status: number;
  detail: string;
  errors?: { field: string; message: string }[];
  conflicts?: ConflictHolder[];
  retry_after?: number;
}

/** What holds a room, in a 409 answer. */
export interface ConflictHolder {
  activity_id: number;
  title: string;
  kind: string;
  room_id: number | null;
  room: string | null;
  starts_at: string;
  ends_at: string;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
let csrfToken: string | null = null;
const signedOutListeners = new Set<() => void>();

export function setCsrfToken(token: string | null | undefined): void {
  csrfToken = token ?? null;
}

/** Called when the server says the session is over (401 on anything but signing in). */
/** The server no longer knows this person (session ended, account closed): tell the app. */
export function announceSignedOut(): void {
  for (const listener of signedOutListeners) listener();
}

export function onSignedOut(listener: () => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

/** What every request says about itself: the reader's language, and the CSRF token on writes. */
function prepare(request: Request): Request {
  request.headers.set('Accept-Language', i18n.language);
  if (!SAFE.has(request.method) && csrfToken) request.headers.set('X-CSRF-Token', csrfToken);
  return request;
}

/** A 401 on anything but signing in means the session is over. */
function watch(request: Request, response: Response): Response {
  const path = new URL(request.url).pathname;
  if (response.status === 401 && !path.endsWith('/auth/sign-in') && !path.endsWith('/auth/me')) {
    announceSignedOut();
  }
  return response;
}

const saison: Middleware = {
  onRequest: ({ request }) => prepare(request),
  onResponse: ({ request, response }) => watch(request, response),
};

export const api = createClient<paths>({ baseUrl: '', credentials: 'same-origin' });
api.use(saison);

/** The problem of a failed answer, whatever its body (a proxy's HTML page, nothing at all). */
export function problemOf(response: Response, body: unknown): Problem {
  if (body && typeof body === 'object' && 'status' in body && 'detail' in body) {
    return body as Problem;
  }
  return {
    status: response.status,
    title: response.statusText,
    detail: typeof body === 'string' && body && body.length < 300 ? body : response.statusText,
  };
}

/** A request that never reached the server (network down, server stopped). */
export function offlineProblem(): Problem {
  return { status: 0, title: 'offline', detail: 'offline' };
}

/** What a call of the typed client came to: its value, or the problem to show in words (never thrown). */
export type Result<T> = { ok: true; value: T } | { ok: false; problem: Problem };

/** Runs a call of the typed client (`() => api.GET(…)`) and answers its `Result`. */
export async function call<T>(request: () => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<Result<T>> {
  try {
    const { data, error, response } = await request();
    if (response.ok) return { ok: true, value: data as T };
    return { ok: false, problem: problemOf(response, error) };
  } catch {
    return { ok: false, problem: offlineProblem() };
  }
}

export function ifMatch(version: number): Record<string, string> {
  return { 'If-Match': `"v${version}"` };
}

/** An answer of `send`: the body when it succeeded, the problem when it did not. */
export type Answer<T> =
  | { ok: true; status: number; data: T; etag: string | null }
  | { ok: false; status: number; problem: Problem };

/**
 * A request to a path chosen at run time (record pages are written once for every kind of
 * record, which the typed client cannot express); same headers and session handling as `api`.
 * A `FormData` body is sent as multipart (file uploads), anything else as JSON.
 */
export async function send<T>(
  method: string,
  url: string,
  { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  // A form (a file to upload) travels as multipart, its boundary set by the browser.
  const form = body instanceof FormData;
  const request = prepare(
    new Request(url, {
      method,
      credentials: 'same-origin',
      cache: 'no-store',
      headers: body === undefined || form ? headers : { 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    }),
  );
  let response: Response;
  try {
    response = watch(request, await fetch(request));
  } catch {
    return { ok: false, status: 0, problem: offlineProblem() };
  }
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: a proxy's page, kept as text for the problem
  }
  if (response.ok) {
    return { ok: true, status: response.status, data: parsed as T, etag: response.headers.get('ETag') };
  }
  return { ok: false, status: response.status, problem: problemOf(response, parsed) };
}
