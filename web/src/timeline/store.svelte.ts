/**
 * The blocks of the visible window, the one place the timeline reads them from.
 *
 * `load` asks `GET /api/v1/timeline` for a window (revalidating a window seen before with its
 * ETag: an unchanged season costs a 304). Changes arrive as patches — from this page's own
 * bookings and moves, and later from live updates (see `lib/live.ts`) — through `upsert` and
 * `remove`; views subscribe and redraw only what changed.
 */
import { SvelteMap } from 'svelte/reactivity';
import { api, offlineProblem, problemOf, type ActivityOut, type Problem, type Schemas } from '../api/client';
import { wallClock, type Day, type Wall } from '../lib/time';

export interface Room {
  id: number;
  name: string;
  venue_id: number;
  venue: string;
  capacity: number | null;
  color: string | null;
}

/** An activity as `GET /api/v1/timeline` describes it. */
export interface TimelineActivity {
  id: number;
  kind: string;
  status: string;
  tentative: boolean;
  title: string;
  room_id: number | null;
  starts_at: string;
  ends_at: string;
  engagement_id: number | null;
  show_id: number | null;
  performance_id: number | null;
  team_id: number | null;
  version: number;
}

/** The timeline's answer (its OpenAPI description does not spell it out: it is built in SQL). */
export interface TimelineData {
  start: string;
  end: string;
  seq: number;
  rooms: Room[];
  activities: TimelineActivity[];
}

/** An activity on screen: its times as the venue's wall clock reads them. */
export interface Block extends TimelineActivity {
  start: Wall;
  end: Wall;
}

export type Engagement = Pick<
  Schemas['EngagementOut'],
  'id' | 'show_id' | 'room_id' | 'first_day' | 'last_day' | 'status' | 'option_rank'
>;

export type Patch =
  | { type: 'upsert'; block: Block; highlight: boolean }
  | { type: 'remove'; id: number }
  | { type: 'reset' };

export interface TimeWindow {
  start: Day;
  end: Day;
}

type Listener = (patches: Patch[]) => void;

const CACHED_WINDOWS = 8;

export function toBlock(input: TimelineActivity | ActivityOut | Block): Block {
  const tentative = 'tentative' in input ? input.tentative : input.status === 'tentative';
  return {
    id: input.id,
    kind: input.kind,
    status: input.status,
    tentative,
    title: input.title,
    room_id: input.room_id,
    starts_at: input.starts_at,
    ends_at: input.ends_at,
    engagement_id: input.engagement_id,
    show_id: input.show_id,
    performance_id: input.performance_id,
    team_id: input.team_id,
    version: input.version,
    start: 'start' in input ? input.start : wallClock(input.starts_at),
    end: 'end' in input ? input.end : wallClock(input.ends_at),
  };
}

export class TimelineStore {
  rooms = $state.raw<Room[]>([]);
  window = $state.raw<TimeWindow | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  problem = $state.raw<Problem | null>(null);
  /** Bumped on every change, for views that recompute from all blocks (the season overview). */
  revision = $state(0);
  /** Engagements of the window (their option ranks), for those who may read programming. */
  engagements = $state.raw(new Map<number, Engagement>());
  /** Activity id → who is editing it (filled by live presence). */
  editing = new SvelteMap<number, string>();
  /** The change-log sequence number the loaded window reflects. */
  seq = 0;

  #blocks = new Map<number, Block>();
  #listeners = new Set<Listener>();
  #cache = new Map<string, { etag: string; data: TimelineData }>();
  #request = 0;
  #withEngagements = false;

  constructor(options: { withEngagements?: boolean } = {}) {
    this.#withEngagements = options.withEngagements ?? false;
  }

  get blocks(): IterableIterator<Block> {
    return this.#blocks.values();
  }

  get size(): number {
    return this.#blocks.size;
  }

  get(id: number): Block | undefined {
    return this.#blocks.get(id);
  }

  subscribe(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Show `window` (days, venue time; end exclusive), loading it unless it is already shown. */
  async load(window: TimeWindow, { force = false } = {}): Promise<void> {
    const same = this.window?.start === window.start && this.window?.end === window.end;
    if (same && !force && this.status === 'ready') return;
    const request = ++this.#request;
    const key = `${window.start}/${window.end}`;
    const cached = this.#cache.get(key);
    this.status = 'loading';
    try {
      const [timeline, engagements] = await Promise.all([
        api.GET('/api/v1/timeline', {
          params: { query: { start: window.start, end: window.end } },
          headers: cached ? { 'If-None-Match': cached.etag } : {},
          // The ETag is ours to send and the 304 ours to read: the HTTP cache stays out of it.
          cache: 'no-store',
          parseAs: 'text',
        }),
        this.#withEngagements ? this.#loadEngagements(window) : Promise.resolve(null),
      ]);
      if (request !== this.#request) return; // the person has moved on to another window
      const { response } = timeline;
      let data: TimelineData;
      if (response.status === 304 && cached) {
        data = cached.data;
        if (same && !force) {
          this.status = 'ready';
          return;
        }
      } else if (response.ok && typeof timeline.data === 'string') {
        data = JSON.parse(timeline.data) as TimelineData;
        const etag = response.headers.get('ETag');
        if (etag) this.#remember(key, etag, data);
      } else {
        this.problem = problemOf(response, parseMaybe(timeline.error));
        this.status = 'error';
        return;
      }
      if (engagements) this.engagements = engagements;
      this.#reset(window, data);
    } catch {
      if (request !== this.#request) return;
      this.problem = offlineProblem();
      this.status = 'error';
    }
  }

  /** Read the window's engagements again (one changed: its option rank or status) and draw
   * again the blocks whose engagement now reads differently. */
  async refreshEngagements(): Promise<void> {
    const window = this.window;
    if (!this.#withEngagements || !window) return;
    const engagements = await this.#loadEngagements(window);
    if (!engagements || this.window !== window) return;
    const before = this.engagements;
    this.engagements = engagements;
    const changed = (id: number): boolean => {
      const a = before.get(id);
      const b = engagements.get(id);
      return a?.option_rank !== b?.option_rank || a?.status !== b?.status;
    };
    const patches: Patch[] = [];
    for (const block of this.#blocks.values()) {
      if (block.engagement_id !== null && changed(block.engagement_id)) patches.push({ type: 'upsert', block, highlight: false });
    }
    if (patches.length) this.#emit(patches);
  }

  /** Load the shown window again (after too many missed changes, or on request). */
  reload(): Promise<void> {
    return this.window ? this.load(this.window, { force: true }) : Promise.resolve();
  }

  /** Add or replace one activity (ours, or someone else's change); it leaves if out of view. */
  upsert(input: TimelineActivity | ActivityOut | Block, { highlight = false } = {}): void {
    const block = toBlock(input);
    if (!this.#inWindow(block) || block.status === 'cancelled') {
      this.remove(block.id);
      return;
    }
    this.#blocks.set(block.id, block);
    this.#emit([{ type: 'upsert', block, highlight }]);
  }

  /** Draw one block again (after `editing` changed for it), highlighting it if asked. */
  touch(id: number, { highlight = false } = {}): void {
    const block = this.#blocks.get(id);
    if (block) this.#emit([{ type: 'upsert', block, highlight }]);
  }

  remove(id: number): void {
    if (this.#blocks.delete(id)) this.#emit([{ type: 'remove', id }]);
  }

  #inWindow(block: Block): boolean {
    if (!this.window) return false;
    return block.start < `${this.window.end}T00:00:00` && block.end > `${this.window.start}T00:00:00`;
  }

  #reset(window: TimeWindow, data: TimelineData): void {
    this.window = window;
    this.seq = data.seq;
    this.rooms = data.rooms;
    this.#blocks = new Map(data.activities.map((a) => [a.id, toBlock(a)]));
    this.problem = null;
    this.status = 'ready';
    this.#emit([{ type: 'reset' }]);
  }

  #emit(patches: Patch[]): void {
    this.revision++;
    for (const listener of this.#listeners) listener(patches);
  }

  #remember(key: string, etag: string, data: TimelineData): void {
    this.#cache.delete(key);
    this.#cache.set(key, { etag, data });
    while (this.#cache.size > CACHED_WINDOWS) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
  }

  async #loadEngagements(window: TimeWindow): Promise<Map<number, Engagement> | null> {
    const { data } = await api.GET('/api/v1/engagements', {
      params: { query: { start: `${window.start}T00:00:00`, end: `${window.end}T00:00:00`, limit: 10_000 } },
    });
    if (!data) return null;
    return new Map(
      data.items.map((e) => [
        e.id,
        {
          id: e.id,
          show_id: e.show_id,
          room_id: e.room_id,
          first_day: e.first_day,
          last_day: e.last_day,
          status: e.status,
          option_rank: e.option_rank,
        },
      ]),
    );
  }
}

function parseMaybe(text: unknown): unknown {
  if (typeof text !== 'string' || !text) return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
