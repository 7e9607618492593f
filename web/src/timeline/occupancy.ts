/**
 * The season at a glance: for each room and day, what takes it (the kind that matters most
 * that day), how much of the day, and whether options are pencilled. A season of 10,000
 * activities becomes a few thousand cells instead of 10,000 blocks.
 */
import { addDays, daysBetween, type Day } from '../lib/time';
import { KIND_PRIORITY } from './kinds';
import type { Block } from './store.svelte';

export interface DayUse {
  /** The kind the day is coloured by (confirmed activities first). */
  kind: string | null;
  /** Minutes taken by confirmed activities (overlaps counted once is not needed: a hint). */
  minutes: number;
  confirmed: number;
  options: number;
  /** The best rank among the day's options' engagements. */
  rank: number | null;
  optionKind: string | null;
  titles: string[];
}

export type Occupancy = Map<number, Map<number, DayUse>>; // room → day index → use

const rankOfKind = (kind: string): number => {
  const index = KIND_PRIORITY.indexOf(kind);
  return index < 0 ? KIND_PRIORITY.length : index;
};

function minutesOf(wall: string): number {
  return +wall.slice(11, 13) * 60 + +wall.slice(14, 16);
}

export function occupancy(
  blocks: Iterable<Block>,
  first: Day,
  days: number,
  rankOf: (block: Block) => number | null,
  keep: (block: Block) => boolean,
): Occupancy {
  const result: Occupancy = new Map();
  for (const block of blocks) {
    if (block.room_id === null || !keep(block)) continue;
    let room = result.get(block.room_id);
    if (!room) {
      room = new Map();
      result.set(block.room_id, room);
    }
    const startDay = block.start.slice(0, 10);
    const endDay = block.end.slice(0, 10);
    const from = Math.max(0, daysBetween(first, startDay));
    // An activity ending at midnight does not take the next day.
    const lastDay = block.end.slice(11) === '00:00:00' ? addDays(endDay, -1) : endDay;
    const to = Math.min(days - 1, daysBetween(first, lastDay));
    for (let index = from; index <= to; index++) {
      const day = addDays(first, index);
      let use = room.get(index);
      if (!use) {
        use = { kind: null, minutes: 0, confirmed: 0, options: 0, rank: null, optionKind: null, titles: [] };
        room.set(index, use);
      }
      const begins = day === startDay ? minutesOf(block.start) : 0;
      const ends = day === endDay ? minutesOf(block.end) : 24 * 60;
      if (use.titles.length < 4) use.titles.push(block.title);
      if (block.tentative) {
        use.options++;
        const rank = rankOf(block);
        if (rank !== null && (use.rank === null || rank < use.rank)) use.rank = rank;
        if (use.optionKind === null || rankOfKind(block.kind) < rankOfKind(use.optionKind)) {
          use.optionKind = block.kind;
        }
      } else {
        use.confirmed++;
        use.minutes += Math.max(0, ends - begins);
        if (use.kind === null || rankOfKind(block.kind) < rankOfKind(use.kind)) use.kind = block.kind;
      }
    }
  }
  return result;
}
