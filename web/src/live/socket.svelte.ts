/**
 * The page's end of `/api/v1/live` (protocol at the top of `realtime/live.py`): one websocket,
 * subscribed to the window on screen, that never loses a change.
 *
 * The rule that makes it exact: a screen's data reflects a change-log sequence number (the
 * `seq` of the answer it loaded). Whenever the screen loads data, it asks the server to
 * `resume` from that number; what arrives meanwhile waits in a buffer until the server says
 * `resumed`, then everything newer than the data is applied once, in commit order. After a
 * lost connection the page reconnects (with a "Reconnexion…" banner meanwhile) and resumes from
 * the last number it saw; told that too much was missed, it reloads its window quietly.
 *
 * The session cookie authenticates the socket; the browser sends the page's Origin, which the
 * server accepts because it is its own.
 */
import { announceSignedOut } from '../api/client';
import { config } from '../lib/config';
import { notify } from '../lib/notices.svelte';
import type { Day } from '../lib/time';
import { venueOffset } from '../lib/time';

export type LiveState = 'idle' | 'connecting' | 'online' | 'reconnecting';

/** The connection as the banner shows it (one page follows one window at a time). */
export const liveStatus = $state({ state: 'idle' as LiveState });

export interface LiveEvent {
  type: 'event';
  seq: number;
  at: string;
  workspace: string;
  entity: string;
  id: number | null;
  action: string;
  actor: string;
  actor_id: number | null;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  /** Where and when the record now is, and its version (activities). */
  refs: Record<string, unknown> | null;
  topics?: string[];
}

export interface Period {
  timeline: { start: string; end: string };
}

/** One record (a record page follows it, and says it is there). */
export interface RecordRef {
  entity: string;
  id: number;
}

export type Where = 'timeline' | Period | RecordRef;

export interface PresenceEntry {
  conn: string;
  user_id: number | null;
  name: string;
  where: Where | null;
  state: 'viewing' | 'editing' | null;
  left: boolean;
}

export interface Window {
  start: Day;
  end: Day;
}

/** What a screen gives the socket: its window, its data's sequence number, what to do. */
export interface LiveSink {
  window(): Window | null;
  /**
   * A record page follows one record instead of a window. It holds no sequence number: on
   * every (re)subscription the socket asks it to `reload` (read the record again), which
   * covers whatever happened while it was not subscribed; changes then arrive live.
   */
  record?(): RecordRef | null;
  /** The sequence number the data on screen reflects. */
  seq(): number;
  /** False while the screen loads: changes are then ignored (a resume follows the load). */
  ready(): boolean;
  apply(events: LiveEvent[]): void;
  reload(): Promise<void> | void;
  presence(entries: ReadonlyMap<string, PresenceEntry>): void;
}

const TOPIC = 'w';
/** The server's close code for credentials that are no longer valid. */
const SIGNED_OUT = 4401;
const RETRY_MS = [300, 700, 1500, 3000, 5000];
const LAGGING_MS = 400;

/** `2026-10-05` as the instant the venue's day starts, with its offset (the topic needs one). */
export function dayStart(day: Day): string {
  // Midnight UTC of that day is, in Europe, on the same side of a clock change as the venue's
  // midnight (clocks change at 01:00 UTC), so its offset is the one of the venue's midnight.
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return `${day}T00:00:00${venueOffset(new Date(Date.UTC(y, m - 1, d)))}`;
}

export function windowWhere(window: Window): Period {
  return { timeline: { start: dayStart(window.start), end: dayStart(window.end) } };
}

export class LiveSocket {
  readonly #sink: LiveSink;
  #socket: WebSocket | null = null;
  #closed = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** The highest sequence number the screen's data has caught up with. */
  #applied = 0;
  /** Resumes sent and not answered yet; changes wait in the buffer until none is left. */
  #resuming = 0;
  #buffer: LiveEvent[] = [];
  #subscribedTo = '';
  /** A resume was sent since the last subscription (the data is then being caught up). */
  #caughtUp = false;
  #presence = new Map<string, PresenceEntry>();
  #mine: { where: Where; state: 'viewing' | 'editing' } | null = null;

  constructor(sink: LiveSink) {
    this.#sink = sink;
    this.#applied = sink.seq();
  }

  start(): void {
    this.#closed = false;
    liveStatus.state = 'connecting';
    this.#connect();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#socket?.close(1000, 'page left');
    this.#socket = null;
    liveStatus.state = 'idle';
  }

  /** The screen's window changed (navigation, zoom): follow the new one. */
  follow(): void {
    this.#subscribe();
  }

  /** The screen loaded fresh data (reflecting `sink.seq()`): catch up from there. */
  resync(): void {
    this.#applied = this.#sink.seq();
    if (this.#open() && this.#subscribedTo) this.#resume();
  }

  /** Tell the others where this person is (and whether they are editing it). */
  present(where: Where | null, state: 'viewing' | 'editing' = 'viewing'): void {
    const next = where === null ? null : { where, state };
    if (JSON.stringify(next) === JSON.stringify(this.#mine)) return;
    this.#mine = next;
    if (this.#open()) this.#send({ type: 'presence', where: next?.where ?? null, ...(next ? { state } : {}) });
  }

  // -- the connection ---------------------------------------------------------------------
  #open(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  #connect(): void {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}/api/v1/live`);
    this.#socket = socket;
    socket.onmessage = (message) => {
      if (this.#socket === socket && typeof message.data === 'string') this.#receive(message.data);
    };
    socket.onclose = (event) => {
      if (this.#socket !== socket) return;
      if (event.code === SIGNED_OUT) {
        // The session or the account is gone: retrying cannot help, signing in again can.
        this.close();
        announceSignedOut();
        return;
      }
      this.#lost();
    };
  }

  #lost(): void {
    this.#socket = null;
    this.#subscribedTo = '';
    this.#resuming = 0;
    this.#buffer = [];
    if (this.#presence.size) {
      this.#presence.clear();
      this.#sink.presence(this.#presence);
    }
    if (this.#closed) return;
    liveStatus.state = 'reconnecting';
    const wait = RETRY_MS[Math.min(this.#attempt, RETRY_MS.length - 1)] ?? 5000;
    this.#attempt++;
    this.#timer = setTimeout(() => this.#connect(), wait * (0.8 + Math.random() * 0.4));
  }

  #send(message: Record<string, unknown>): void {
    if (this.#open()) this.#socket?.send(JSON.stringify(message));
  }

  #subscribe(): void {
    if (!this.#open()) return;
    const record = this.#sink.record?.() ?? null;
    const window = record ? null : this.#sink.window();
    let key: string;
    let topic: Period | { record: RecordRef };
    if (record) {
      key = `${record.entity}:${record.id}`;
      topic = { record: { entity: record.entity, id: record.id } };
    } else if (window) {
      key = `${window.start}/${window.end}`;
      topic = windowWhere(window);
    } else {
      return;
    }
    if (key === this.#subscribedTo) return;
    this.#subscribedTo = key;
    // Same id: the server replaces the topic. Presence comes again for the new window.
    this.#presence.clear();
    this.#sink.presence(this.#presence);
    this.#caughtUp = false;
    this.#send({ type: 'subscribe', id: TOPIC, topic });
  }

  #resume(): void {
    this.#caughtUp = true;
    this.#resuming++;
    this.#send({ type: 'resume', since: this.#applied });
  }

  #receive(text: string): void {
    let message: { type?: string; [key: string]: unknown };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    switch (message.type) {
      case 'hello':
        this.#attempt = 0;
        if (this.#mine) this.#send({ type: 'presence', where: this.#mine.where, state: this.#mine.state });
        this.#subscribe();
        if (!this.#sink.window() && !this.#sink.record?.()) liveStatus.state = 'online';
        return;
      case 'subscribed':
        if (this.#sink.record?.()) {
          // A record: read it again (what changed while unsubscribed), then changes come live.
          liveStatus.state = 'online';
          void this.#sink.reload();
          return;
        }
        if (this.#sink.ready() && !this.#caughtUp) this.#resume();
        else if (!this.#resuming) liveStatus.state = 'online'; // a load under way resyncs
        return;
      case 'event':
        this.#event(message as unknown as LiveEvent);
        return;
      case 'resumed':
        this.#resumed(Number(message.seq));
        return;
      case 'reload':
        void this.#reload(typeof message.seq === 'number' ? message.seq : null);
        return;
      case 'venue':
        // The organisation's zone or language changed: every time on the page was written in
        // the old zone, so the page loads again (the server puts the new ones in it).
        if (message.timezone !== config.timezone || message.language !== config.defaultLanguage) {
          window.location.reload();
        }
        return;
      case 'ping':
        if (!this.#resuming && typeof message.seq === 'number') this.#applied = Math.max(this.#applied, message.seq);
        this.#send({ type: 'pong' });
        return;
      case 'presence':
        this.#onPresence(message as unknown as PresenceEntry);
        return;
      case 'unsubscribed':
        if (typeof message.reason === 'string') {
          // Access withdrawn while watching: say so, and load what may still be read.
          this.#subscribedTo = '';
          notify(message.reason, 'error');
          void this.#sink.reload();
        }
        return;
      case 'error':
        console.warn('live:', message.message);
        return;
    }
  }

  #event(event: LiveEvent): void {
    if (!this.#sink.ready()) return; // the load under way reflects it, or its resume brings it
    if (this.#resuming) {
      this.#buffer.push(event);
      return;
    }
    if (event.seq <= this.#applied) return;
    this.#applied = event.seq;
    this.#sink.apply([event]);
  }

  #resumed(seq: number): void {
    if (this.#resuming > 0) this.#resuming--;
    if (this.#resuming) return;
    const seen = new Set<number>();
    const missed = this.#buffer
      .filter((e) => e.seq > this.#applied && !seen.has(e.seq) && seen.add(e.seq))
      .sort((a, b) => a.seq - b.seq);
    this.#buffer = [];
    const last = missed.at(-1);
    if (last) this.#applied = last.seq;
    if (Number.isFinite(seq)) this.#applied = Math.max(this.#applied, seq);
    if (missed.length) this.#sink.apply(missed);
    liveStatus.state = 'online';
  }

  async #reload(serverSeq: number | null): Promise<void> {
    if (this.#resuming > 0) this.#resuming--;
    if (serverSeq !== null && serverSeq < this.#applied) {
      // The server has not read the newest changes yet (they were just committed): ask again.
      setTimeout(() => {
        if (this.#open()) this.#resume();
      }, LAGGING_MS);
      this.#resuming++;
      return;
    }
    this.#buffer = [];
    // Too much was missed: load the window again, quietly; its load resyncs from there.
    await this.#sink.reload();
    liveStatus.state = 'online';
  }

  #onPresence(entry: PresenceEntry): void {
    if (entry.left) this.#presence.delete(entry.conn);
    else this.#presence.set(entry.conn, entry);
    this.#sink.presence(this.#presence);
  }
}
