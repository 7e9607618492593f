/**
 * Short messages about what just happened (saved, refused and why). Errors stay until closed or
 * replaced; confirmations fade after a few seconds. Screen readers hear both.
 */
export type NoticeTone = 'info' | 'success' | 'error';

export interface Notice {
  id: number;
  tone: NoticeTone;
  text: string;
}

let next = 1;
export const notices = $state({ items: [] as Notice[] });

export function notify(text: string, tone: NoticeTone = 'info', seconds?: number): number {
  const id = next++;
  // One message at a time per tone keeps the corner calm; the newest says what matters now.
  notices.items = [...notices.items.filter((n) => n.tone !== tone), { id, tone, text }];
  const lasting = seconds ?? (tone === 'error' ? 0 : 5);
  if (lasting > 0) setTimeout(() => dismiss(id), lasting * 1000);
  return id;
}

export function dismiss(id: number): void {
  notices.items = notices.items.filter((n) => n.id !== id);
}

export function clearNotices(): void {
  notices.items = [];
}
