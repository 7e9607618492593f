/**
 * A repeating activity's rule (an RFC 5545 RRULE, as calendar apps write it) said in words:
 * "chaque semaine le lundi et jeudi, de 10 h 00 à 11 h 00, jusqu’au mer. 30 juin 2027".
 * Written here rather than taken from a library: the one JavaScript RRULE library speaks
 * English only, and the server already bounds rules to the few shapes venues use (FREQ,
 * INTERVAL, BYDAY, BYMONTHDAY, COUNT, UNTIL); anything else is shown as written.
 */
import { i18n } from '../lib/i18n.svelte';
import { formatDay, formatTime, wallClock } from '../lib/time';
import { pt, type PlanningWord } from './words';

const KNOWN = new Set(['FREQ', 'INTERVAL', 'BYDAY', 'BYMONTHDAY', 'COUNT', 'UNTIL', 'WKST']);
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR', 'SA', 'SU'] as const;

function parts(rule: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const part of rule.replace(/^RRULE:/i, '').split(';')) {
    const [key, value] = part.split('=');
    if (key && value !== undefined) found.set(key.trim().toUpperCase(), value.trim().toUpperCase());
  }
  return found;
}

function list(items: string[]): string {
  if (items.length < 2) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${pt('rule.and')} ${items.at(-1)}`;
}

function ordinal(n: number): string {
  if (n === -1) return pt('rule.last');
  if (i18n.language === 'fr') return n === 1 ? pt('rule.first') : pt('rule.nth', { n });
  return ['', 'first', 'second', 'third', 'fourth', 'fifth'][n] ?? `${n}th`;
}

function weekday(code: string): string | null {
  const match = /^([+-]?\d+)?(MO|TU|WE|TH|FR|SA|SU)$/.exec(code);
  if (!match) return null;
  const name = pt(`day.${match[2]}` as PlanningWord);
  return match[1] ? `${ordinal(Number(match[1]))} ${name}` : name;
}

/** The last day a rule's UNTIL allows, in the venue's calendar. */
function untilDay(until: string): string | null {
  const match = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?$/.exec(until);
  if (!match) return null;
  const [, y, m, d, hh, mm, ss, zulu] = match;
  if (hh && zulu) return wallClock(`${y}-${m}-${d}T${hh}:${mm}:${ss}Z`).slice(0, 10);
  return `${y}-${m}-${d}`;
}

const FREQUENCIES: Record<string, [PlanningWord, PlanningWord]> = {
  DAILY: ['rule.daily', 'rule.dailyEvery'],
  WEEKLY: ['rule.weekly', 'rule.weeklyEvery'],
  MONTHLY: ['rule.monthly', 'rule.monthlyEvery'],
  YEARLY: ['rule.yearly', 'rule.yearlyEvery'],
};

/** The rule in the reader's words, with the times of each occurrence (venue time). */
export function describeRule(rule: string, startsAt?: string, endsAt?: string): string {
  const rrule = parts(rule);
  const frequency = FREQUENCIES[rrule.get('FREQ') ?? ''];
  if (!frequency) return pt('rule.raw', { rule });
  const interval = Number(rrule.get('INTERVAL') ?? '1') || 1;
  const pieces = [interval === 1 ? pt(frequency[0]) : pt(frequency[1], { n: interval })];

  const byDay = rrule.get('BYDAY');
  if (byDay) {
    const codes = byDay.split(',').sort((a, b) => WEEKDAYS.indexOf(a.slice(-2) as never) - WEEKDAYS.indexOf(b.slice(-2) as never));
    const days = codes.map(weekday);
    if (days.some((day) => day === null)) return pt('rule.raw', { rule });
    pieces[0] += ` ${pt('rule.on', { days: list(days as string[]) })}`;
  }
  const byMonthDay = rrule.get('BYMONTHDAY');
  if (byMonthDay) pieces[0] += ` ${pt('rule.monthDay', { day: list(byMonthDay.split(',')) })}`;

  if (startsAt && endsAt) {
    pieces.push(pt('rule.times', { start: formatTime(wallClock(startsAt)), end: formatTime(wallClock(endsAt)) }));
  }
  const count = rrule.get('COUNT');
  const until = rrule.get('UNTIL');
  if (count) pieces.push(pt('rule.count', { n: Number(count) }));
  else if (until) {
    const day = untilDay(until);
    pieces.push(day ? pt('rule.until', { day: formatDay(day) }) : pt('rule.raw', { rule: `UNTIL=${until}` }));
  }
  const unknown = [...rrule.keys()].filter((key) => !KNOWN.has(key));
  if (unknown.length) pieces.push(pt('rule.raw', { rule }));
  const text = pieces.join(', ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}
