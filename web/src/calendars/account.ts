/**
 * What a phone needs to know to sync with Saison, and the calls behind "My calendars".
 *
 * The QR code carries a `caldavs://email:password@host/dav/` address: DAVx⁵ (Android) is
 * registered for caldav(s):// links and opens its login screen filled in from it. An iPhone's
 * camera cannot add an account from a QR code whatever it carries (a link to the profile would
 * need the person's session, which the phone's Safari does not have), so iPhones use the
 * configuration profile, downloaded on the phone itself.
 */
import QRCode from 'qrcode';
import { api, call, type Result, type Schemas } from '../api/client';

export type Calendars = Schemas['CalendarsOut'];
export type Token = Schemas['TokenOut'];
export type Feed = Schemas['FeedOut'];

export const loadCalendars = () => call(() => api.GET('/api/v1/calendars', { cache: 'no-store' }));
export const loadTokens = () => call(() => api.GET('/api/v1/auth/tokens', { cache: 'no-store' }));
export const loadFeeds = () => call(() => api.GET('/api/v1/calendar-feeds', { cache: 'no-store' }));
export const createAppPassword = (name: string) =>
  call(() => api.POST('/api/v1/auth/tokens', { body: { name, kind: 'app_password' } }));
export const revokeToken = (id: number) =>
  call(() => api.DELETE('/api/v1/auth/tokens/{token_id}', { params: { path: { token_id: id } } }));
export const createFeed = (scope: string, name: string) =>
  call(() => api.POST('/api/v1/calendar-feeds', { body: { scope, name } }));
export const revokeFeed = (id: number) =>
  call(() => api.DELETE('/api/v1/calendar-feeds/{feed_id}', { params: { path: { feed_id: id } } }));

/** The profile without password is a plain link (Safari on an iPhone opens it as a profile). */
export const PROFILE_URL = '/api/v1/calendars/profile';

/** The profile holding a fresh app password: asked by POST, saved as a file. */
export async function downloadProfile(appPassword: string): Promise<Result<null>> {
  const result = await call(() =>
    api.POST('/api/v1/calendars/profile', { body: { app_password: appPassword }, parseAs: 'blob' }),
  );
  if (!result.ok) return result;
  const url = URL.createObjectURL(result.value as unknown as Blob);
  const anchor = document.createElement('a');
  anchor.href = url;
  anchor.download = 'saison.mobileconfig';
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return { ok: true, value: null };
}

/** `caldavs://user:password@host[:port]/dav/` (caldav:// when Saison is served over http). */
export function accountLink(caldavUrl: string, email: string, password: string | null): string {
  const url = new URL(caldavUrl);
  const scheme = url.protocol === 'https:' ? 'caldavs' : 'caldav';
  const user = encodeURIComponent(email) + (password ? `:${encodeURIComponent(password)}` : '');
  return `${scheme}://${user}@${url.host}${url.pathname}`;
}

export function qrImage(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 220 });
}
