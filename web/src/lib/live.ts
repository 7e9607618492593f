/**
 * Live updates: the page keeps `/api/v1/live` open, subscribed to the visible window, and feeds
 * what others change into the timeline's store (see `live/timeline.svelte.ts`, and
 * `live/socket.svelte.ts` for the connection: resume, reload, presence, reconnection).
 *
 * - `startLive(store)` connects; `follow(window)` after navigation, `editing(id | 'new' | null)`
 *   while a block is dragged or the booking form is open; `people` is who else is here.
 * - Changes go through `store.upsert` / `store.remove` (one redraw per frame, with a highlight);
 *   after too much was missed, `store.reload()`. `store.editing` maps a block to its editor
 *   (`store.touch(id)` draws the block again with "✎ name").
 * - `liveStatus.state` ('idle' | 'connecting' | 'online' | 'reconnecting') drives the banner.
 */
import '../live/live.css';

export { startLive, type Colleague, type Editing, type LiveConnection } from '../live/timeline.svelte';
export { liveStatus } from '../live/socket.svelte';
