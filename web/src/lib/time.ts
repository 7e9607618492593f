/**
 * Times as the venue reads them. The server sends instants; the app turns them into the
 * venue's wall-clock time (its zone comes from the server) and works with those from then on:
 * the timeline shows wall-clock times, and what the app sends back has no offset, which the
 * server reads as venue time. Nothing here depends on the browser's own time zone.
 */
import { config } from './config';
import { i18n } from './i18n.svelte';

/** A day, `YYYY-MM-DD`. */
export type Day = string;
/** A wall-clock moment in the venue, `YYYY-MM-DDTHH:MM:SS`, no offset. */
export type Wall = string;

export const venueZone = config.timezone;

const partsInVenue = new Intl.DateTimeFormat('en-GB', {
  timeZone: venueZone,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

const WITH_OFFSET = /T\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/i;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** The venue's wall-clock time of an ISO instant (or a wall-clock string, normalised). */
export function wallClock(iso: string): Wall {
  if (!WITH_OFFSET.test(iso)) {
    const base = iso.length === 10 ? `${iso}T00:00:00` : iso;
    return (base + ':00').slice(0, 19);
  }
  return wallOfInstant(new Date(iso));
}

export function wallOfInstant(moment: Date): Wall {
  const parts: Record<string, string> = {};
  for (const part of partsInVenue.formatToParts(moment)) parts[part.type] = part.value;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}`;
}

/** A Date from the timeline component: its local fields are the venue's wall-clock time. */
export function wallOfLocal(date: Date): Wall {
  return (
    `${pad(date.getFullYear(), 4)}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`
  );
}

export function nowInVenue(): Wall {
  return wallOfInstant(new Date());
}

export function today(): Day {
  return nowInVenue().slice(0, 10);
}

/** The venue's current UTC offset, `+01:00` (what the timeline uses to mark "now"). */
export function venueOffset(moment: Date = new Date()): string {
  const name =
    new Intl.DateTimeFormat('en-US', { timeZone: venueZone, timeZoneName: 'longOffset' })
      .formatToParts(moment)
      .find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const offset = name.replace('GMT', '');
  return offset === '' ? '+00:00' : offset;
}

// -- days --------------------------------------------------------------------------------------
function utc(day: Day): Date {
  return new Date(Date.UTC(+day.slice(0, 4), +day.slice(5, 7) - 1, +day.slice(8, 10)));
}

function dayOfUtc(date: Date): Day {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

export function isDay(value: string | null | undefined): value is Day {
  if (!value || !/^\d{4}-\d\d-\d\d$/.test(value)) return false;
  return dayOfUtc(utc(value)) === value;
}

export function addDays(day: Day, days: number): Day {
  const date = utc(day);
  date.setUTCDate(date.getUTCDate() + days);
  return dayOfUtc(date);
}

export function daysBetween(start: Day, end: Day): number {
  return Math.round((utc(end).getTime() - utc(start).getTime()) / 86_400_000);
}

/** Monday of the week holding `day` (French weeks start on Monday). */
export function weekStart(day: Day): Day {
  const weekday = (utc(day).getUTCDay() + 6) % 7;
  return addDays(day, -weekday);
}

export function monthStart(day: Day): Day {
  return `${day.slice(0, 7)}-01`;
}

export function addMonths(day: Day, months: number): Day {
  const date = utc(monthStart(day));
  date.setUTCMonth(date.getUTCMonth() + months);
  return dayOfUtc(date);
}

/** Seasons run from 1 September to 31 August. */
export const SEASON_FIRST_MONTH = 9;

export function seasonStart(day: Day): Day {
  const year = +day.slice(0, 4);
  const month = +day.slice(5, 7);
  return `${month >= SEASON_FIRST_MONTH ? year : year - 1}-${pad(SEASON_FIRST_MONTH)}-01`;
}

export function weekday(day: Day): number {
  return utc(day).getUTCDay();
}

// -- words ---------------------------------------------------------------------------------------
const locale = (): string => (i18n.language === 'fr' ? 'fr-FR' : 'en-GB');
const formatters = new Map<string, Intl.DateTimeFormat>();

function format(options: Intl.DateTimeFormatOptions, date: Date): string {
  const key = locale() + JSON.stringify(options);
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(locale(), { ...options, timeZone: 'UTC' });
    formatters.set(key, formatter);
  }
  return formatter.format(date);
}

/** "mar. 14 janv. 2027" / "Tue 14 Jan 2027" (as the server writes them in its messages). */
export function formatDay(day: Day): string {
  const date = utc(day);
  return [
    format({ weekday: 'short' }, date),
    format({ day: 'numeric' }, date),
    format({ month: 'short' }, date),
    format({ year: 'numeric' }, date),
  ].join(' ');
}

/** "14 janv." / "14 Jan". */
export function formatShortDay(day: Day): string {
  return format({ day: 'numeric', month: 'short' }, utc(day));
}

/** "janvier 2027" / "January 2027". */
export function formatMonth(day: Day): string {
  return format({ month: 'long', year: 'numeric' }, utc(day));
}

/** "janv." / "Jan". */
export function formatMonthShort(day: Day): string {
  return format({ month: 'short' }, utc(day));
}

/** "20 h 30", "14 h 00" in French (as venues print them); "20:30" in English. */
export function formatTime(wall: Wall): string {
  const hours = +wall.slice(11, 13);
  const minutes = wall.slice(14, 16);
  if (i18n.language === 'fr') return `${hours} h ${minutes}`;
  return `${pad(hours)}:${minutes}`;
}

/** A time on the timeline's own ruler: "14 h" / "14:00". */
export function formatHour(wall: Wall): string {
  const hours = +wall.slice(11, 13);
  return i18n.language === 'fr' ? `${hours} h` : `${hours}:00`;
}

/** "14 h – 18 h" within a day, else with both days. */
export function formatTimes(start: Wall, end: Wall): string {
  const endDay = end.slice(0, 10);
  const sameDay = start.slice(0, 10) === endDay || (end.slice(11) === '00:00:00' && addDays(start.slice(0, 10), 1) === endDay);
  if (sameDay) return `${formatTime(start)} – ${formatTime(end)}`;
  return `${formatTime(start)} – ${formatShortDay(endDay)} ${formatTime(end)}`;
}

/**
 * "mar. 14 janv. 2027, 14 h 00 – 18 h 00", or both moments when it runs over two days: the
 * way the server's messages say a period, so both read alike.
 */
export function formatWhen(start: Wall, end: Wall): string {
  const first = `${formatDay(start.slice(0, 10))}, ${formatTime(start)}`;
  if (start.slice(0, 10) === end.slice(0, 10)) return `${first} – ${formatTime(end)}`;
  return `${first} – ${formatDay(end.slice(0, 10))}, ${formatTime(end)}`;
}
