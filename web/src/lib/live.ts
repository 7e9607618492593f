/**
 * Live updates (to be built): the page keeps `/api/v1/live` open, subscribed to the visible
 * window, and feeds what others change into the timeline's store.
 *
 * How to plug in (the timeline already calls `startLive` / `LiveConnection.follow`):
 * - `store.window` is the visible window (`start`/`end` days, venue time), `store.seq` the
 *   change-log sequence number the loaded data reflects (from `GET /api/v1/timeline`).
 * - Apply a change with `store.upsert(activityFromChange)` / `store.remove(id)`; the calendar
 *   redraws only that block (batched into one redraw per frame) and highlights it if asked
 *   (`store.upsert(a, { highlight: true })`). After too much was missed, `store.reload()`.
 * - Presence: `store.editing` is a map activity id → who is editing; after changing it call
 *   `store.touch(id)` and the block shows "✎ name". Who else looks at the period can go in the
 *   toolbar of `TimelinePage.svelte` (next to the title).
 * - Connection state for a banner: set `live.state` ('online' | 'reconnecting' | 'offline').
 */
import type { TimelineStore } from '../timeline/store.svelte';

export interface LiveConnection {
  /** Follow another window (the person navigated or changed zoom). */
  follow(window: { start: string; end: string }): void;
  close(): void;
}

export function startLive(_store: TimelineStore): LiveConnection {
  return {
    follow() {
      // no live connection yet
    },
    close() {
      // nothing to close
    },
  };
}
