/**
 * Who else is here: from the presence entries a screen receives, the people looking at a
 * period that overlaps its own, booking in it, or editing a block it shows.
 */
import { windowWhere, type PresenceEntry, type Window } from './socket.svelte';

export interface Colleague {
  user_id: number | null;
  name: string;
  editing: boolean;
}

export interface Here {
  people: Colleague[];
  /** Block id → the name of who is editing it. */
  editors: Map<number, string>;
}

export function whoIsHere(
  entries: Iterable<PresenceEntry>,
  me: number | null,
  window: Window | null,
  shows: (id: number) => boolean,
): Here {
  const editors = new Map<number, string>();
  const people = new Map<string, Colleague>();
  const mine = window ? windowWhere(window).timeline : null;
  for (const entry of entries) {
    if (entry.user_id !== null && entry.user_id === me) continue;
    const where = entry.where;
    let here = false;
    if (where && typeof where === 'object' && 'id' in where) {
      here = shows(where.id);
      if (here && entry.state === 'editing') editors.set(where.id, entry.name);
    } else if (where && typeof where === 'object' && 'timeline' in where && mine) {
      const { start, end } = where.timeline;
      here = new Date(start) < new Date(mine.end) && new Date(end) > new Date(mine.start);
    }
    if (!here) continue;
    const key = String(entry.user_id ?? entry.conn);
    const known = people.get(key);
    people.set(key, {
      user_id: entry.user_id,
      name: entry.name,
      editing: entry.state === 'editing' || Boolean(known?.editing),
    });
  }
  return { people: [...people.values()].sort((a, b) => a.name.localeCompare(b.name)), editors };
}

/** "Claire Dupont" → "CD"; "Technique" → "TE". */
export function initials(name: string): string {
  const words = name.trim().split(/[\s.\-_@]+/).filter(Boolean);
  if (words.length >= 2) return (words[0]![0]! + words[1]![0]!).toUpperCase();
  return (words[0] ?? '?').slice(0, 2).toUpperCase();
}
