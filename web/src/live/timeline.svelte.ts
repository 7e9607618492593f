/**
 * Live updates on the season timeline: others' changes go into the store (which redraws only
 * the blocks they touch, once per frame), with a short highlight; presence says who else looks
 * at this period and who is editing which block; this page says the same about its person.
 */
import { api, type ActivityOut } from '../api/client';
import { session } from '../lib/session.svelte';
import type { Block, TimelineActivity, TimelineStore } from '../timeline/store.svelte';
import { whoIsHere, type Colleague } from './presence';
import { LiveSocket, windowWhere, type LiveEvent, type PresenceEntry } from './socket.svelte';

export type { Colleague };

/** What is being edited here: a block (by id), a new booking, or nothing. */
export type Editing = number | 'new' | null;

export interface LiveConnection {
  /** Follow another window (the person navigated or changed zoom). */
  follow(window: { start: string; end: string }): void;
  /** Say what this person is editing (a block being dragged, the booking form), or null. */
  editing(target: Editing): void;
  /** Who else is on this period (reactive). */
  readonly people: Colleague[];
  close(): void;
}

const HIGHLIGHT_MS = 1600;
const ENGAGEMENTS_COALESCE_MS = 150;
const ACTIVITIES = new Set(['activity', 'performance']);
const PLACED = ['room_id', 'starts_at', 'ends_at', 'kind', 'status', 'engagement_id', 'show_id', 'performance_id', 'team_id', 'version'] as const;

class TimelineLive implements LiveConnection {
  people = $state.raw<Colleague[]>([]);
  readonly #store: TimelineStore;
  readonly #socket: LiveSocket;
  #entries: ReadonlyMap<string, PresenceEntry> = new Map();
  #editing: Editing = null;
  #highlighted = new Set<number>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  #engagementsTimer: ReturnType<typeof setTimeout> | undefined;
  #unsubscribe: () => void;

  constructor(store: TimelineStore) {
    this.#store = store;
    this.#socket = new LiveSocket({
      window: () => store.window,
      seq: () => store.seq,
      ready: () => store.status === 'ready',
      apply: (events) => this.#apply(events),
      reload: () => store.reload(),
      presence: (entries) => {
        this.#entries = entries;
        this.#showPresence();
      },
    });
    // Every load (a new window, a reload) is followed by a catch-up from its sequence number.
    this.#unsubscribe = store.subscribe((patches) => {
      if (patches.some((p) => p.type === 'reset')) {
        this.#socket.follow();
        this.#socket.resync();
        this.#say();
        this.#showPresence();
      }
    });
    this.#socket.start();
  }

  follow(): void {
    // The store's window changes when its load ends; the socket follows it then (see reset).
    this.#socket.follow();
  }

  editing(target: Editing): void {
    this.#editing = target;
    this.#say();
  }

  close(): void {
    this.#unsubscribe();
    clearTimeout(this.#timer);
    clearTimeout(this.#engagementsTimer);
    this.#socket.close();
  }

  #say(): void {
    const window = this.#store.window;
    const target = this.#editing;
    if (typeof target === 'number') {
      const kind = this.#store.get(target)?.kind;
      this.#socket.present({ entity: kind === 'performance' ? 'performance' : 'activity', id: target }, 'editing');
    } else if (window) {
      this.#socket.present(windowWhere(window), target === 'new' ? 'editing' : 'viewing');
    }
  }

  // -- changes ------------------------------------------------------------------------------
  #apply(events: LiveEvent[]): void {
    const me = session.me?.user_id ?? null;
    for (const event of events) {
      if (event.entity === 'room') {
        void this.#store.reload(); // a row added, renamed or removed: the rows come again
        return;
      }
      if (event.entity === 'engagement') {
        // An option's rank or status moved (another was confirmed or released): the blocks
        // say so. Coalesced: one confirmation changes several engagements at once.
        this.#refreshEngagements();
        continue;
      }
      if (!ACTIVITIES.has(event.entity) || event.id === null) continue;
      const theirs = event.actor_id !== me;
      if (event.action.endsWith('.deleted')) {
        this.#store.remove(event.id);
        continue;
      }
      const known = this.#store.get(event.id);
      const placed: Record<string, unknown> = {};
      for (const key of PLACED) if (event.refs && key in event.refs) placed[key] = event.refs[key];
      const after = event.after ?? {};
      if (event.action.endsWith('.created') || known) {
        const base = known ?? ({} as Partial<Block>);
        const merged = { ...base, ...placed, ...after, id: event.id } as Record<string, unknown>;
        if (!('version' in placed) && known) merged.version = known.version + 1;
        merged.tentative = merged.status === 'tentative';
        // Times from the change are instants: the store turns them into venue wall-clock.
        delete merged.start;
        delete merged.end;
        this.#put(merged as unknown as TimelineActivity, theirs);
      } else if (this.#mayEnter(placed)) {
        void this.#fetch(event.id, theirs); // a block moved in from outside the window
      }
    }
  }

  #refreshEngagements(): void {
    if (this.#engagementsTimer !== undefined) return;
    this.#engagementsTimer = setTimeout(() => {
      this.#engagementsTimer = undefined;
      void this.#store.refreshEngagements();
    }, ENGAGEMENTS_COALESCE_MS);
  }

  /** Whether a block we do not hold now lies in the window (the server sends it if it did). */
  #mayEnter(placed: Record<string, unknown>): boolean {
    const window = this.#store.window;
    if (!window || typeof placed.starts_at !== 'string' || typeof placed.ends_at !== 'string') return true;
    const { start, end } = windowWhere(window).timeline;
    return new Date(placed.starts_at) < new Date(end) && new Date(placed.ends_at) > new Date(start);
  }

  async #fetch(id: number, theirs: boolean): Promise<void> {
    const { data } = await api.GET('/api/v1/activities/{record_id}', { params: { path: { record_id: id } }, cache: 'no-store' });
    if (data) this.#put(data, theirs);
  }

  #put(activity: TimelineActivity | ActivityOut, highlight: boolean): void {
    this.#store.upsert(activity, { highlight });
    if (!highlight) return;
    this.#highlighted.add(activity.id);
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fade(), HIGHLIGHT_MS);
  }

  /** The flash is over: draw the highlighted blocks plainly again (one redraw for all). */
  #fade(): void {
    for (const id of this.#highlighted) this.#store.touch(id);
    this.#highlighted.clear();
  }

  // -- presence ------------------------------------------------------------------------------
  #showPresence(): void {
    const store = this.#store;
    const here = whoIsHere(this.#entries.values(), session.me?.user_id ?? null, store.window, (id) => store.get(id) !== undefined);
    this.people = here.people;
    // Blocks whose editor changed are drawn again (with or without the name).
    const changed = new Set<number>();
    for (const [id, name] of here.editors) if (store.editing.get(id) !== name) changed.add(id);
    for (const id of store.editing.keys()) if (!here.editors.has(id)) changed.add(id);
    for (const id of changed) {
      const name = here.editors.get(id);
      if (name === undefined) store.editing.delete(id);
      else store.editing.set(id, name);
      store.touch(id);
    }
  }
}

export function startLive(store: TimelineStore): LiveConnection {
  return new TimelineLive(store);
}
