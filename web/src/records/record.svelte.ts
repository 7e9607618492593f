/**
 * One record open on a page: read with its version, changed with `If-Match`, so that two people
 * editing the same record never silently overwrite each other. A 412 keeps what this person
 * typed and fetches what the other saved, so the page can offer "keep mine" or "take theirs".
 */
import { send, type Answer, type Problem, type Schemas } from '../api/client';
import type { Values } from './fields';

export interface Versioned {
  id: number;
  version: number;
}

/** Who changed the record last (from its history), to name them in the conflict. */
export interface LastChange {
  actor: string;
  actor_id: number | null;
  at: string;
}

export interface Conflict<T> {
  /** The changes this person tried to save. */
  mine: Values;
  /** The record as it was when this person started. */
  base: T;
  /** The record as the other person left it; null when they deleted it. */
  theirs: T | null;
  last: LastChange | null;
}

/** Field name → message, from a 422's problem (`body.fee` and `fee` both name `fee`). */
export function fieldErrors(problem: Problem): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const error of problem.errors ?? []) {
    const name = error.field.replace(/^body\./, '').split('.')[0] ?? error.field;
    errors[name] = errors[name] ? `${errors[name]} ${error.message}` : error.message;
  }
  return errors;
}

export function versionTag(version: number): Record<string, string> {
  return { 'If-Match': `"v${version}"` };
}

export class RecordState<T extends Versioned> {
  data = $state<T | null>(null);
  problem = $state<Problem | null>(null);
  missing = $state(false);
  busy = $state(false);
  errors = $state<Record<string, string>>({});
  conflict = $state<Conflict<T> | null>(null);

  constructor(
    readonly url: string,
    readonly entity: string,
  ) {}

  async load(): Promise<T | null> {
    return this.show(await this.read());
  }

  /** The record as the server has it now, without showing it (the page decides). */
  read(): Promise<Answer<T>> {
    return send<T>('GET', this.url);
  }

  /** Show what `read` answered. */
  show(answer: Answer<T>): T | null {
    if (answer.ok) {
      this.data = answer.data;
      this.problem = null;
      this.missing = false;
      return answer.data;
    }
    this.missing = answer.status === 404;
    this.problem = answer.problem;
    return null;
  }

  /** Send the changed fields; true when saved. On a 412 `conflict` is set and nothing is lost. */
  async save(changes: Values, base: T | null = this.data): Promise<boolean> {
    if (!base) return false;
    this.busy = true;
    this.errors = {};
    try {
      const answer = await send<T>('PATCH', this.url, {
        body: changes,
        headers: versionTag(base.version),
      });
      if (answer.ok) {
        this.data = answer.data;
        this.problem = null;
        this.conflict = null;
        return true;
      }
      if (answer.status === 412) {
        await this.openConflict(changes, base);
        return false;
      }
      if (answer.status === 422) this.errors = fieldErrors(answer.problem);
      this.problem = answer.problem;
      return false;
    } finally {
      this.busy = false;
    }
  }

  private async openConflict(mine: Values, base: T): Promise<void> {
    const current = await send<T>('GET', this.url);
    const theirs = current.ok ? current.data : null;
    this.conflict = { mine, base, theirs, last: await this.lastChange() };
    this.problem = null;
  }

  /** Who changed the record last, and when (from its history). */
  async lastChange(): Promise<LastChange | null> {
    const answer = await send<Schemas['ChangesPage']>(
      'GET',
      `/api/v1/changes/${this.entity}/${this.data?.id ?? 0}`,
    );
    if (!answer.ok || !answer.data.items.length) return null;
    const last = answer.data.items[answer.data.items.length - 1];
    return last ? { actor: last.actor, actor_id: last.actor_id, at: last.at } : null;
  }

  /** Save this person's changes over the other's (knowingly: based on the version now read). */
  async keepMine(): Promise<boolean> {
    const conflict = this.conflict;
    if (!conflict?.theirs) return false;
    this.data = conflict.theirs;
    this.conflict = null;
    return this.save(conflict.mine, conflict.theirs);
  }

  /** Drop this person's changes and show the record as the other left it. */
  takeTheirs(): void {
    const conflict = this.conflict;
    if (!conflict) return;
    this.conflict = null;
    if (conflict.theirs) this.data = conflict.theirs;
    else this.missing = true;
  }

  /** Delete (with the version read); true when gone. */
  async remove(): Promise<boolean> {
    if (!this.data) return false;
    this.busy = true;
    try {
      const answer = await send<null>('DELETE', this.url, { headers: versionTag(this.data.version) });
      if (answer.ok) return true;
      if (answer.status === 412) await this.openConflict({}, this.data);
      else this.problem = answer.problem;
      return false;
    } finally {
      this.busy = false;
    }
  }
}
