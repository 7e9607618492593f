/**
 * The programming workflow's requests (confirm, release, cancel, duplicate, generate, apply
 * templates) and how their refusals read. Each action that changes the season carries the
 * version the person saw (`If-Match`: a 412 means someone changed it meanwhile) and a fresh
 * `Idempotency-Key` per intent, so a double click or a retry on a flaky network happens once.
 */
import { send, type Answer, type ConflictHolder, type Problem } from '../api/client';
import { formatDay } from '../lib/time';
import { explain, describeHolder } from '../timeline/actions';
import type { Engagement, Holder } from './engagements';
import { pt } from './words';

/** A key for one intent (one click of "Confirmer"); a retry of that intent reuses it. */
export function intentKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // Served over plain http on a local network, randomUUID is missing; random bytes are not.
  return [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export type Step = 'confirm' | 'release' | 'cancel';

/** Confirm, release or cancel the engagement as the person saw it (its version). */
export function step(engagement: Pick<Engagement, 'id' | 'version'>, action: Step, key: string): Promise<Answer<Engagement>> {
  return send<Engagement>('POST', `/api/v1/engagements/${engagement.id}/${action}`, {
    headers: { 'If-Match': `"v${engagement.version}"`, 'Idempotency-Key': key },
  });
}

/** A POST that creates (duplicate, generate, apply), sent once per intent. */
export function create<T>(url: string, body: unknown, key: string): Promise<Answer<T>> {
  return send<T>('POST', url, { body, headers: { 'Idempotency-Key': key } });
}

/** What holds a room in a refusal or a preview: a confirmed engagement, an activity, or
 * another of the proposals. */
export type Clash =
  | (Holder & { kind?: 'engagement' })
  | ConflictHolder
  | { proposal: number; title: string; starts_at: string; ends_at: string };

/** One collision of a preview (`{proposal, with}`) as a sentence. */
export function describeClash(clash: Clash): string {
  if ('engagement_id' in clash) return heldBy(clash);
  if ('activity_id' in clash) return describeHolder(clash);
  return pt('clash.proposal', { title: clash.title });
}

/** "La Grande salle est tenue par « Phèdre » du … au …" (a confirmed engagement holds it). */
export function heldBy(holder: Holder): string {
  return pt('held.by', {
    room: holder.room,
    show: holder.show,
    first: formatDay(holder.first_day),
    last: formatDay(holder.last_day),
  });
}

/** A refusal in words: who holds the room (409), someone changed it meanwhile (412), or the
 * timeline's wording for everything else (offline, forbidden, invalid input). */
export function explainProblem(problem: Problem, title: string): string {
  const extra = problem as Problem & { held_by?: Holder };
  if (problem.status === 409 && extra.held_by) return heldBy(extra.held_by);
  if (problem.status === 409 && problem.conflicts?.length) {
    const first = problem.conflicts[0] as unknown as { with?: Clash } & ConflictHolder;
    const sentence = first.with ? describeClash(first.with) : describeHolder(first);
    const more = problem.conflicts.length - 1;
    return more > 0 ? `${sentence} ${pt('clash.more', { count: more })}` : sentence;
  }
  if (problem.status === 412) return pt('stale', { title });
  if (problem.status === 409) return pt('refused', { detail: problem.detail });
  return explain(problem, title);
}
