/**
 * One search as a person types: asked once they pause (debounced), the question before
 * cancelled, and an answer to an older question never shown over a newer one.
 */
import { api, offlineProblem, problemOf, type Problem, type Schemas } from '../api/client';

export type SearchGroup = Schemas['SearchGroup'];
export type SearchHit = Schemas['SearchHit'] & { kind: Schemas['SearchKind'] };

const PAUSE_MS = 180;
const PER_KIND = 5;

export class SearchQuery {
  /** What the groups answer (trimmed), '' before any answer. */
  answered = $state('');
  groups = $state<SearchGroup[]>([]);
  busy = $state(false);
  problem = $state<Problem | null>(null);
  /** Every record found, in the order shown: what the arrow keys walk through. */
  hits = $derived<SearchHit[]>(this.groups.flatMap((g) => g.items.map((item) => ({ ...item, kind: g.kind }))));

  #typed = '';
  #timer: ReturnType<typeof setTimeout> | undefined;
  #pending: AbortController | null = null;
  #asked = 0;

  /** Whether what is shown answers what is typed now. */
  get current(): boolean {
    return !this.busy && this.answered === this.#typed;
  }

  type(text: string): void {
    this.#typed = text.trim();
    this.cancel();
    if (!this.#typed) {
      this.groups = [];
      this.answered = '';
      this.problem = null;
      return;
    }
    this.busy = true;
    const q = this.#typed;
    this.#timer = setTimeout(() => void this.#ask(q), PAUSE_MS);
  }

  /** Forget the question on the way (the dialog closed, or the person typed on). */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#pending?.abort();
    this.#pending = null;
    this.#asked += 1;
    this.busy = false;
  }

  async #ask(q: string): Promise<void> {
    const asked = ++this.#asked;
    const pending = new AbortController();
    this.#pending = pending;
    this.busy = true;
    try {
      const { data, error, response } = await api.GET('/api/v1/search', {
        params: { query: { q, limit: PER_KIND } },
        signal: pending.signal,
      });
      if (asked !== this.#asked) return; // a newer question was asked meanwhile
      if (data) {
        this.groups = data.groups;
        this.answered = q;
        this.problem = null;
      } else {
        this.problem = problemOf(response, error);
      }
    } catch {
      if (asked !== this.#asked) return;
      this.problem = offlineProblem();
    }
    this.busy = false;
    this.#pending = null;
  }
}
