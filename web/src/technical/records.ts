/** The technical workspace's records as its pages show them: fields, addresses, labels. */
import type { Schemas } from '../api/client';
import { i18n } from '../lib/i18n.svelte';
import { loadAll } from '../records/choices.svelte';
import type { Choice, FieldSpec } from '../records/fields';
import { tt } from './words';

export type Venue = Schemas['VenueOut'];
export type Room = Schemas['RoomOut'];
export type Configuration = Schemas['RoomConfigurationOut'];
export type RoomLink = Schemas['RoomLinkOut'];
export type Sheet = Schemas['TechnicalSheetOut'];
export type Attachment = Schemas['AttachmentOut'];
export type SheetFiles = Schemas['SheetFiles'];

export const venueHref = (id: number): string => `/technique/lieux/${id}`;
export const roomHref = (id: number): string => `/technique/salles/${id}`;
export const configurationHref = (id: number): string => `/technique/configurations/${id}`;
export const sheetHref = (id: number): string => `/technique/fiches/${id}`;
export const showHref = (id: number): string => `/programmation/spectacles/${id}`;

export function venueFields(): FieldSpec[] {
  return [
    { name: 'name', label: tt('venue.name'), kind: 'text', required: true },
    { name: 'is_own', label: tt('venue.is_own'), kind: 'bool', hint: tt('venue.isOwnHint') },
    { name: 'address', label: tt('venue.address'), kind: 'text' },
    { name: 'postcode', label: tt('venue.postcode'), kind: 'text' },
    { name: 'city', label: tt('venue.city'), kind: 'text' },
    { name: 'country', label: tt('venue.country'), kind: 'text' },
    { name: 'phone', label: tt('venue.phone'), kind: 'phone' },
    { name: 'access_notes', label: tt('venue.access_notes'), kind: 'long' },
    { name: 'notes', label: tt('venue.notes'), kind: 'long' },
  ];
}

export function roomFields(venues: Choice[] = []): FieldSpec[] {
  return [
    { name: 'venue_id', label: tt('room.venue'), kind: 'reference', required: true, choices: venues, href: venueHref },
    { name: 'name', label: tt('room.name'), kind: 'text', required: true },
    { name: 'capacity', label: tt('room.capacity'), kind: 'integer' },
    { name: 'position', label: tt('room.position'), kind: 'integer', hint: tt('room.positionHint') },
    { name: 'color', label: tt('room.color'), kind: 'text', hint: tt('room.colorHint') },
    { name: 'notes', label: tt('room.notes'), kind: 'long' },
  ];
}

export function configurationFields(rooms: Choice[] = []): FieldSpec[] {
  return [
    { name: 'name', label: tt('configuration.name'), kind: 'text', required: true },
    { name: 'room_id', label: tt('configuration.room'), kind: 'reference', required: true, choices: rooms, href: roomHref },
    { name: 'capacity', label: tt('configuration.capacity'), kind: 'integer' },
    { name: 'description', label: tt('configuration.description'), kind: 'long' },
  ];
}

export function sheetFields(rooms: Choice[] = [], shows: Choice[] = []): FieldSpec[] {
  return [
    { name: 'title', label: tt('sheet.title'), kind: 'text', required: true },
    { name: 'room_id', label: tt('sheet.room'), kind: 'reference', choices: rooms, href: roomHref, hint: tt('sheet.ofHint') },
    { name: 'show_id', label: tt('sheet.show'), kind: 'reference', choices: shows, href: showHref },
    { name: 'notes', label: tt('sheet.notes'), kind: 'long' },
  ];
}

/** Every room named as people tell them apart: "Grande salle", or "Théâtre — Grande salle"
 * once there is more than one venue. */
export async function roomChoices(): Promise<Choice[]> {
  const [rooms, venues] = await Promise.all([loadAll<Room>('/api/v1/rooms'), loadAll<Venue>('/api/v1/venues')]);
  const names = new Map(venues.map((venue) => [venue.id, venue.name]));
  const several = new Set(rooms.map((room) => room.venue_id)).size > 1;
  return rooms
    .map((room) => ({
      value: room.id,
      label: several && names.has(room.venue_id) ? `${names.get(room.venue_id)} — ${room.name}` : room.name,
    }))
    .sort((a, b) => a.label.localeCompare(b.label, 'fr', { sensitivity: 'base' }));
}
