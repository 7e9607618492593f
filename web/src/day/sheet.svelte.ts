/**
 * One day of the venue as the phone shows it (`GET /api/v1/day-sheets/{day}`), kept current by
 * live updates: a change to the day reads the sheet again (contacts and shows come from the
 * server's joins) and the entries it touched flash briefly.
 */
import { api, offlineProblem, problemOf, type Problem, type Schemas } from '../api/client';
import { session } from '../lib/session.svelte';
import type { Day } from '../lib/time';
import type { LiveEvent } from '../live/socket.svelte';

export type DaySheet = Schemas['DaySheetOut'];
export type DayEntry = Schemas['DayEntry'];

const AGAIN_MS = 120;
const HIGHLIGHT_MS = 1600;

export class DaySheetStore {
  day = $state<Day | null>(null);
  sheet = $state.raw<DaySheet | null>(null);
  status = $state<'idle' | 'loading' | 'ready' | 'error'>('idle');
  problem = $state.raw<Problem | null>(null);
  /** Entries someone else just changed. */
  flashing = $state.raw<ReadonlySet<number>>(new Set());

  #request = 0;
  #again: ReturnType<typeof setTimeout> | undefined;
  #fade: ReturnType<typeof setTimeout> | undefined;
  #touched = new Set<number>();
  #loaded: (() => void) | null = null;

  /** Called after each load that replaced the data wholesale (a new day, a reload). */
  onload(listener: () => void): void {
    this.#loaded = listener;
  }

  get seq(): number {
    return this.sheet?.seq ?? 0;
  }

  async load(day: Day, { quiet = false } = {}): Promise<void> {
    const request = ++this.#request;
    if (!quiet) {
      this.day = day;
      this.status = 'loading';
    }
    try {
      const { data, error, response } = await api.GET('/api/v1/day-sheets/{day}', {
        params: { path: { day } },
        cache: 'no-store',
      });
      if (request !== this.#request) return;
      if (data) {
        this.sheet = data;
        this.problem = null;
        this.status = 'ready';
        if (!quiet) this.#loaded?.();
      } else {
        this.problem = problemOf(response, error);
        this.status = 'error';
      }
    } catch {
      if (request !== this.#request) return;
      this.problem = offlineProblem();
      this.status = 'error';
    }
  }

  reload(): Promise<void> {
    return this.day ? this.load(this.day) : Promise.resolve();
  }

  /** Changes to this day arrived: read it again shortly (several changes, one read). */
  changed(events: LiveEvent[]): void {
    const me = session.me?.user_id ?? null;
    for (const event of events) {
      if (event.id !== null && event.actor_id !== me) this.#touched.add(event.id);
    }
    clearTimeout(this.#again);
    this.#again = setTimeout(() => void this.#refresh(), AGAIN_MS);
  }

  async #refresh(): Promise<void> {
    if (!this.day) return;
    await this.load(this.day, { quiet: true });
    if (!this.#touched.size) return;
    this.flashing = new Set(this.#touched);
    this.#touched.clear();
    clearTimeout(this.#fade);
    this.#fade = setTimeout(() => (this.flashing = new Set()), HIGHLIGHT_MS);
  }

  close(): void {
    clearTimeout(this.#again);
    clearTimeout(this.#fade);
  }
}
