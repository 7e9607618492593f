/**
 * Documents of an engagement (road sheet, welcome sheet, contract) fetched as files: the
 * browser saves them under the name the server gives (« Feuille de route — Phèdre.pdf »), and
 * a refusal or a failure reads as a sentence instead of a page of JSON in a new tab.
 */
import { announceSignedOut, problemOf, type Problem, type Schemas } from '../api/client';
import { i18n } from '../lib/i18n.svelte';
import { can } from '../lib/session.svelte';

export type Batch = Schemas['BatchOut'];
export type PaperKind = 'road_sheet' | 'welcome_sheet' | 'contract';

export const SLUGS: Record<PaperKind, string> = {
  road_sheet: 'road-sheets',
  welcome_sheet: 'welcome-sheets',
  contract: 'contracts',
};

/** The kinds this person may print: sheets need the planning, contracts need contracts. */
export function readableKinds(): PaperKind[] {
  const kinds: PaperKind[] = [];
  if (can('planning', 'read')) kinds.push('road_sheet', 'welcome_sheet');
  if (can('contracts', 'read')) kinds.push('contract');
  return kinds;
}

/** The file name of a Content-Disposition (RFC 6266: the UTF-8 one first). */
export function filenameOf(header: string | null): string | null {
  if (!header) return null;
  const utf8 = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (utf8?.[1]) {
    try {
      return decodeURIComponent(utf8[1]);
    } catch {
      // fall back to the plain name
    }
  }
  return /filename="([^"]+)"/i.exec(header)?.[1] ?? null;
}

/** Fetch a document and hand it to the browser to save; the problem when it was refused. */
export async function download(url: string, fallbackName: string): Promise<Problem | null> {
  let response: Response;
  try {
    response = await fetch(url, {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'Accept-Language': i18n.language },
    });
  } catch {
    return { status: 0, title: 'offline', detail: 'offline' };
  }
  if (!response.ok) {
    if (response.status === 401) announceSignedOut();
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // not JSON
    }
    return problemOf(response, body);
  }
  const blob = await response.blob();
  const href = URL.createObjectURL(blob);
  const anchor = document.createElement('a');
  anchor.href = href;
  anchor.download = filenameOf(response.headers.get('Content-Disposition')) ?? fallbackName;
  document.body.append(anchor);
  anchor.click();
  anchor.remove();
  setTimeout(() => URL.revokeObjectURL(href), 60_000);
  return null;
}
