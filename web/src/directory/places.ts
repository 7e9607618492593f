/**
 * A place's fields: where things happen. A place linked to one of our venues shows the venue's
 * name and address, read live from Technical, so they are never typed twice.
 */
import type { Schemas } from '../api/client';
import type { Choice, FieldSpec } from '../records/fields';
import { dt } from './words';

export type Place = Schemas['PlaceOut'];

/** The fields a linked place takes from its venue (the server refuses them typed here). */
export const LINKED_FIELDS = ['name', 'address', 'postcode', 'city', 'country'];

export function placeHref(id: number): string {
  return `/annuaire/lieux/${id}`;
}

export function placeName(place: Place): string {
  return place.name || dt('place.unnamed', { id: place.id });
}

/** `linked`: the place is one of our venues, so its name and address are not edited here. */
export function placeFields(venues: Choice[] = [], linked = false): FieldSpec[] {
  const fromVenue = (spec: FieldSpec): FieldSpec =>
    linked && LINKED_FIELDS.includes(spec.name) ? { ...spec, readOnly: true, hint: dt('place.linked') } : spec;
  return [
    { name: 'name', label: dt('place.name'), kind: 'text' as const },
    { name: 'address', label: dt('place.address'), kind: 'text' as const },
    { name: 'postcode', label: dt('place.postcode'), kind: 'text' as const },
    { name: 'city', label: dt('place.city'), kind: 'text' as const },
    { name: 'country', label: dt('place.country'), kind: 'text' as const },
    {
      name: 'venue_id',
      label: dt('place.venue'),
      kind: 'reference' as const,
      choices: venues,
      href: (id: number) => `/technique/lieux/${id}`,
      hint: dt('place.venueHint'),
    },
    { name: 'notes', label: dt('place.notes'), kind: 'long' as const },
  ].map(fromVenue);
}
