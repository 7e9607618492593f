/**
 * Who is signed in (from `/api/v1/auth/me`), what they may do, signing in and out. The session
 * itself is an HttpOnly cookie the page never reads; writes add the CSRF token the server gave.
 */
import { api, offlineProblem, problemOf, setCsrfToken, type Me, type Problem } from '../api/client';

export type Area = 'directory' | 'technical' | 'programming' | 'planning' | 'communication' | 'contracts' | 'administration';
export type LevelName = 'none' | 'read' | 'write' | 'manage';
const RANK: Record<LevelName, number> = { none: 0, read: 1, write: 2, manage: 3 };

export const session = $state({ me: null as Me | null, checked: false });

export function can(area: Area, level: LevelName): boolean {
  const mine = (session.me?.levels[area] ?? 'none') as LevelName;
  return (RANK[mine] ?? 0) >= RANK[level];
}

/** Ask the server who we are; `null` when not signed in. */
export async function loadMe(): Promise<Me | null> {
  try {
    const { data } = await api.GET('/api/v1/auth/me', { cache: 'no-store' });
    session.me = data ?? null;
    setCsrfToken(data?.csrf_token);
  } catch {
    session.me = null;
  }
  session.checked = true;
  return session.me;
}

export type SignInResult = { ok: true } | { ok: false; problem: Problem };

export async function signIn(email: string, password: string): Promise<SignInResult> {
  try {
    const { data, error, response } = await api.POST('/api/v1/auth/sign-in', {
      body: { email, password },
    });
    if (data) {
      session.me = data;
      session.checked = true;
      setCsrfToken(data.csrf_token);
      return { ok: true };
    }
    return { ok: false, problem: problemOf(response, error) };
  } catch {
    return { ok: false, problem: offlineProblem() };
  }
}

export async function signOut(): Promise<void> {
  try {
    await api.POST('/api/v1/auth/sign-out');
  } catch {
    // the server is away: forget the session here all the same
  }
  session.me = null;
  setCsrfToken(null);
}

/** The session ended on the server (expired, signed out elsewhere). */
export function forget(): void {
  session.me = null;
  setCsrfToken(null);
}
