/**
 * The names programming pages show instead of ids (shows, rooms, contacts, organisations),
 * read once per visit through the shared choice cache and kept in one reactive place, so a
 * table of engagements says "Phèdre — Grande salle" rather than "#3 — #1". A list the reader
 * may not read stays empty and its ids show as "#3".
 */
import type { Schemas } from '../api/client';
import { can } from '../lib/session.svelte';
import { loadAll } from '../records/choices.svelte';
import type { Choice } from '../records/fields';

type Show = Schemas['ShowOut'];
type Room = Schemas['RoomOut'];
type Venue = Schemas['VenueOut'];
type Contact = Schemas['ContactOut'];
type Organisation = Schemas['OrganisationOut'];

export const names = $state({
  shows: new Map<number, string>(),
  rooms: new Map<number, string>(),
  contacts: new Map<number, string>(),
  organisations: new Map<number, string>(),
});

const byLabel = (a: Choice, b: Choice): number => a.label.localeCompare(b.label, 'fr', { sensitivity: 'base' });

function choices(map: Map<number, string>): Choice[] {
  return [...map].map(([value, label]) => ({ value, label })).sort(byLabel);
}

export const showChoices = (): Choice[] => choices(names.shows);
export const roomChoices = (): Choice[] => choices(names.rooms);
export const contactChoices = (): Choice[] => choices(names.contacts);
export const organisationChoices = (): Choice[] => choices(names.organisations);

export function showName(id: number | null | undefined): string {
  return id == null ? '' : (names.shows.get(id) ?? `#${id}`);
}

export function roomName(id: number | null | undefined): string {
  return id == null ? '' : (names.rooms.get(id) ?? `#${id}`);
}

/** Read (again, if a write made the cache forget them) the names of every list the reader may read. */
export async function loadNames(): Promise<void> {
  const [shows, rooms, venues, contacts, organisations] = await Promise.all([
    can('programming', 'read') ? loadAll<Show>('/api/v1/shows') : Promise.resolve([]),
    can('technical', 'read') ? loadAll<Room>('/api/v1/rooms') : Promise.resolve([]),
    can('technical', 'read') ? loadAll<Venue>('/api/v1/venues') : Promise.resolve([]),
    can('directory', 'read') ? loadAll<Contact>('/api/v1/contacts') : Promise.resolve([]),
    can('directory', 'read') ? loadAll<Organisation>('/api/v1/organisations') : Promise.resolve([]),
  ]);
  const venueName = new Map(venues.map((v) => [v.id, v.name]));
  // With several venues a room is named with its venue: two "Studio" must not look alike.
  const several = new Set(rooms.map((r) => r.venue_id)).size > 1;
  names.shows = new Map(shows.map((s) => [s.id, s.title]));
  names.rooms = new Map(
    rooms.map((r) => [r.id, several && venueName.has(r.venue_id) ? `${r.name} (${venueName.get(r.venue_id)})` : r.name]),
  );
  names.contacts = new Map(contacts.map((c) => [c.id, `${c.first_name} ${c.last_name}`.trim()]));
  names.organisations = new Map(organisations.map((o) => [o.id, o.name]));
}
