/**
 * The records a reference field chooses from (a contact's organisation, an engagement's room),
 * asked once per page visit and shared by every field that needs them. A list the reader may
 * not read answers nothing, and the field then shows ids only.
 */
import { send } from '../api/client';
import type { Choice } from './fields';

const cache = new Map<string, Promise<unknown[]>>();

/** Every record of a list (up to the API's largest page), cached until `forgetChoices`. */
export function loadAll<R>(url: string): Promise<R[]> {
  let pending = cache.get(url);
  if (!pending) {
    const separator = url.includes('?') ? '&' : '?';
    pending = send<{ items: unknown[] }>('GET', `${url}${separator}limit=10000`).then((answer) =>
      answer.ok ? answer.data.items : [],
    );
    cache.set(url, pending);
  }
  return pending as Promise<R[]>;
}

export async function loadChoices<R extends { id: number }>(url: string, label: (row: R) => string): Promise<Choice[]> {
  const rows = await loadAll<R>(url);
  return rows
    .map((row) => ({ value: row.id, label: label(row) }))
    .sort((a, b) => a.label.localeCompare(b.label, 'fr', { sensitivity: 'base' }));
}

/** After a record was created or renamed, the next page asks again. */
export function forgetChoices(prefix = ''): void {
  for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key);
}
