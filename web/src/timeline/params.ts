/**
 * What the timeline shows, as the address bar says it: zoom, date and filters. A link copied
 * from the address bar shows a colleague exactly the same thing.
 *   /planning?view=week&date=2027-01-14&rooms=1,2&kinds=rehearsal&shows=3&teams=2&options=1&mine=1
 */
import {
  addDays,
  addMonths,
  isDay,
  monthStart,
  seasonStart,
  today,
  weekStart,
  type Day,
} from '../lib/time';
import type { Block } from './store.svelte';

export const VIEWS = ['season', 'month', 'week', 'day'] as const;
export type View = (typeof VIEWS)[number];

export interface Filters {
  rooms: number[];
  kinds: string[];
  shows: number[];
  teams: number[];
  options: boolean;
  mine: boolean;
}

export interface TimelineParams extends Filters {
  view: View;
  date: Day;
}

export const NO_FILTERS: Filters = {
  rooms: [],
  kinds: [],
  shows: [],
  teams: [],
  options: false,
  mine: false,
};

function ids(value: string | null): number[] {
  if (!value) return [];
  return [...new Set(value.split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0))];
}

function words(value: string | null): string[] {
  if (!value) return [];
  return [...new Set(value.split(',').filter((w) => /^[a-z_]{1,40}$/.test(w)))];
}

export function parseParams(query: URLSearchParams, defaultView: View): TimelineParams {
  const view = query.get('view');
  const date = query.get('date');
  return {
    view: (VIEWS as readonly string[]).includes(view ?? '') ? (view as View) : defaultView,
    date: isDay(date) ? date : today(),
    rooms: ids(query.get('rooms')),
    kinds: words(query.get('kinds')),
    shows: ids(query.get('shows')),
    teams: ids(query.get('teams')),
    options: query.get('options') === '1',
    mine: query.get('mine') === '1',
  };
}

export function paramsQuery(params: TimelineParams): string {
  const query = new URLSearchParams();
  query.set('view', params.view);
  query.set('date', params.date);
  if (params.rooms.length) query.set('rooms', params.rooms.join(','));
  if (params.kinds.length) query.set('kinds', params.kinds.join(','));
  if (params.shows.length) query.set('shows', params.shows.join(','));
  if (params.teams.length) query.set('teams', params.teams.join(','));
  if (params.options) query.set('options', '1');
  if (params.mine) query.set('mine', '1');
  // Commas read better than %2C in a link someone pastes into a message.
  return query.toString().replaceAll('%2C', ',');
}

export function activeFilterCount(filters: Filters): number {
  return (
    (filters.rooms.length ? 1 : 0) +
    (filters.kinds.length ? 1 : 0) +
    (filters.shows.length ? 1 : 0) +
    (filters.teams.length ? 1 : 0) +
    (filters.options ? 1 : 0) +
    (filters.mine ? 1 : 0)
  );
}

/** The days a view shows around `date` (end exclusive). */
export function windowOf(view: View, date: Day): { start: Day; end: Day } {
  switch (view) {
    case 'season': {
      const start = seasonStart(date);
      return { start, end: addMonths(start, 12) };
    }
    case 'month': {
      const start = monthStart(date);
      return { start, end: addMonths(start, 1) };
    }
    case 'week': {
      const start = weekStart(date);
      return { start, end: addDays(start, 7) };
    }
    case 'day':
      return { start: date, end: addDays(date, 1) };
  }
}

/** The date one step before or after (`direction` −1 or +1) in this view. */
export function step(view: View, date: Day, direction: -1 | 1): Day {
  switch (view) {
    case 'season':
      return addMonths(seasonStart(date), 12 * direction);
    case 'month':
      return addMonths(monthStart(date), direction);
    case 'week':
      return addDays(weekStart(date), 7 * direction);
    case 'day':
      return addDays(date, direction);
  }
}

export interface Mine {
  teamIds: readonly number[];
  assigned: ReadonlySet<number>;
}

/** Whether a block passes the filters (rooms are filtered as rows, not here). */
export function passes(block: Block, filters: Filters, mine: Mine): boolean {
  if (filters.kinds.length && !filters.kinds.includes(block.kind)) return false;
  if (filters.shows.length && (block.show_id === null || !filters.shows.includes(block.show_id))) {
    return false;
  }
  if (filters.teams.length && (block.team_id === null || !filters.teams.includes(block.team_id))) {
    return false;
  }
  if (filters.options && !block.tentative) return false;
  if (filters.mine) {
    const myTeam = block.team_id !== null && mine.teamIds.includes(block.team_id);
    if (!myTeam && !mine.assigned.has(block.id)) return false;
  }
  return true;
}
