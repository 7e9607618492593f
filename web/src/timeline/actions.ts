/**
 * Booking and moving, optimistically: the change shows at once, then the server decides. A
 * refusal puts the block back where the server has it and says why, in words and venue time.
 */
import {
  api,
  ifMatch,
  offlineProblem,
  problemOf,
  type ActivityOut,
  type ConflictHolder,
  type Problem,
  type Schemas,
} from '../api/client';
import { t } from '../lib/i18n.svelte';
import { formatWhen, wallClock, type Wall } from '../lib/time';
import type { Block, TimelineStore } from './store.svelte';

export interface Placement {
  start: Wall;
  end: Wall;
  room_id: number | null;
}

export type Outcome = { ok: true; block: Block } | { ok: false; problem: Problem; message: string };

/** What the person reads when the server refuses, in their language and the venue's time. */
export function explain(problem: Problem, title = ''): string {
  switch (problem.status) {
    case 0:
      return t('app.offline');
    case 409: {
      const holders = problem.conflicts ?? [];
      const first = holders[0];
      if (!first) {
        return problem.type?.endsWith('/double-booking')
          ? t('conflict.unknown')
          : t('conflict.refused', { detail: problem.detail });
      }
      return describeHolder(first) + (holders.length > 1 ? t('conflict.more', { count: holders.length - 1 }) : '');
    }
    case 412:
      return t('stale.reloaded', { title });
    case 401:
      return t('signIn.expired');
    case 403:
      return t('error.forbidden');
    case 422:
      return t('error.invalid', { detail: problem.detail });
    default:
      return problem.status >= 500 ? t('app.serverError') : t('error.generic', { detail: problem.detail });
  }
}

export function describeHolder(holder: ConflictHolder): string {
  const room = holder.room ?? '';
  return t('conflict.holder', {
    room: room ? room.charAt(0).toUpperCase() + room.slice(1) : '',
    title: holder.title,
    when: formatWhen(wallClock(holder.starts_at), wallClock(holder.ends_at)),
  });
}

function pathOf(block: Block): '/api/v1/performances/{record_id}' | '/api/v1/activities/{record_id}' {
  // Performances belong to Programming: they move through their own collection.
  return block.kind === 'performance' ? '/api/v1/performances/{record_id}' : '/api/v1/activities/{record_id}';
}

/** Move or resize `block` to `placement`; shown at once, confirmed or put back. */
export async function place(store: TimelineStore, block: Block, placement: Placement): Promise<Outcome> {
  const before = store.get(block.id) ?? block;
  store.upsert({ ...before, ...placement });
  let problem: Problem;
  try {
    const { data, error, response } = await api.PATCH(pathOf(before), {
      params: { path: { record_id: before.id } },
      body: { starts_at: placement.start, ends_at: placement.end, room_id: placement.room_id },
      headers: ifMatch(before.version),
    });
    if (data) {
      const saved = withKind(data, before);
      store.upsert(saved);
      return { ok: true, block: store.get(saved.id) ?? { ...before, ...placement } };
    }
    problem = problemOf(response, error);
  } catch {
    problem = offlineProblem();
  }
  if (problem.status === 412) {
    await refresh(store, before);
  } else {
    store.upsert(before);
  }
  return { ok: false, problem, message: explain(problem, before.title) };
}

/** Read one block again (someone else changed it); it disappears if it was deleted. */
export async function refresh(store: TimelineStore, block: Block): Promise<void> {
  try {
    const { data, response } = await api.GET(pathOf(block), {
      params: { path: { record_id: block.id } },
      cache: 'no-store',
    });
    if (data) store.upsert(withKind(data, block));
    else if (response.status === 404) store.remove(block.id);
    else store.upsert(block);
  } catch {
    store.upsert(block);
  }
}

/** A performance's record has no kind: it is one. */
function withKind(data: ActivityOut | Schemas['PerformanceOut'], before: Block): ActivityOut {
  return { kind: before.kind, team_id: before.team_id, assignee_ids: [], ...data } as ActivityOut;
}

export type NewActivity = Schemas['ActivityIn'];

let temporary = 0;

/** Book: a provisional block shows at once; the server's answer replaces or removes it. */
export async function book(store: TimelineStore, input: NewActivity): Promise<Outcome> {
  const id = --temporary;
  const provisional: Block = {
    id,
    kind: input.kind,
    status: input.status ?? 'confirmed',
    tentative: input.status === 'tentative',
    title: input.title,
    room_id: input.room_id ?? null,
    starts_at: input.starts_at,
    ends_at: input.ends_at,
    engagement_id: input.engagement_id ?? null,
    show_id: input.show_id ?? null,
    performance_id: null,
    team_id: input.team_id ?? null,
    version: 0,
    start: wallClock(input.starts_at),
    end: wallClock(input.ends_at),
  };
  store.upsert(provisional);
  let problem: Problem;
  try {
    const { data, error, response } = await api.POST('/api/v1/activities', { body: input });
    store.remove(id);
    if (data) {
      store.upsert(data, { highlight: true });
      return { ok: true, block: store.get(data.id) ?? provisional };
    }
    problem = problemOf(response, error);
  } catch {
    store.remove(id);
    problem = offlineProblem();
  }
  return { ok: false, problem, message: explain(problem, input.title) };
}
