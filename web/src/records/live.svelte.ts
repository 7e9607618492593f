/**
 * A record page kept current: the page follows its record on the live socket, hears every
 * change someone makes to it (also from the timeline, a phone or the API), and says who else
 * has the record open and whether they are editing it.
 *
 * The follower only reports; the page decides what to do with a change (read the record again
 * with a highlight, or, while its person edits, leave the form alone and show a banner).
 */
import { session } from '../lib/session.svelte';
import type { Colleague } from '../live/presence';
import { LiveSocket, type LiveEvent, type PresenceEntry, type RecordRef } from '../live/socket.svelte';

/** A change to the record shown: who, when, and whether it is gone. */
export interface RecordChange {
  actor: string;
  at: string;
  deleted: boolean;
  /** Made by the person looking (in another tab, or by this page itself). */
  mine: boolean;
}

export interface RecordHooks {
  /** The record is on screen (changes before that are covered by its load). */
  ready(): boolean;
  changed(change: RecordChange): void;
  /** (Re)subscribed: read the record again, whatever happened while not subscribed. */
  catchUp(): Promise<void> | void;
}

/** Both names of an activity that is a performance reach the same record. */
function sameRecord(event: LiveEvent, ref: RecordRef): boolean {
  if (event.id !== ref.id) return false;
  const pair = new Set([event.entity, ref.entity]);
  return event.entity === ref.entity || (pair.has('activity') && pair.has('performance'));
}

/** The others on this record (not this person), one avatar each, editing if any tab edits. */
export function othersHere(entries: Iterable<PresenceEntry>, me: number | null): Colleague[] {
  const people = new Map<string, Colleague>();
  for (const entry of entries) {
    if (entry.user_id !== null && entry.user_id === me) continue;
    if (!entry.where || typeof entry.where !== 'object' || !('id' in entry.where)) continue;
    const key = String(entry.user_id ?? entry.conn);
    const editing = entry.state === 'editing' || Boolean(people.get(key)?.editing);
    people.set(key, { user_id: entry.user_id, name: entry.name, editing });
  }
  return [...people.values()].sort((a, b) => a.name.localeCompare(b.name));
}

export class RecordFollower {
  /** Who else has this record open (reactive). */
  people = $state.raw<Colleague[]>([]);
  readonly #ref: RecordRef;
  readonly #socket: LiveSocket;
  #editing = false;

  constructor(ref: RecordRef, hooks: RecordHooks) {
    this.#ref = ref;
    this.#socket = new LiveSocket({
      window: () => null,
      record: () => ref,
      seq: () => 0,
      ready: () => hooks.ready(),
      apply: (events) => {
        const mine = session.me?.user_id ?? null;
        const about = events.filter((event) => sameRecord(event, ref));
        const last = about.at(-1);
        if (!last) return;
        hooks.changed({
          actor: last.actor,
          at: last.at,
          deleted: about.some((event) => event.action.endsWith('.deleted')),
          mine: mine !== null && last.actor_id === mine,
        });
      },
      reload: () => hooks.catchUp(),
      presence: (entries) => {
        this.people = othersHere(entries.values(), session.me?.user_id ?? null);
      },
    });
    this.#socket.present(ref, 'viewing');
    this.#socket.start();
  }

  /** Say whether this person is editing the record (others see it on the page and the timeline). */
  editing(on: boolean): void {
    if (on === this.#editing) return;
    this.#editing = on;
    this.#socket.present(this.#ref, on ? 'editing' : 'viewing');
  }

  close(): void {
    this.#socket.close();
  }
}
