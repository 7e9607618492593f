/**
 * An activity's fields as its page shows them, and where its related records live. A reference
 * whose list the reader cannot read (or that is empty) is shown but not offered for editing:
 * a select without the current value would otherwise clear it.
 */
import type { ActivityOut, Schemas } from '../api/client';
import { kindLabel, reference } from '../lib/reference.svelte';
import type { Choice, FieldSpec } from '../records/fields';
import { pt } from './words';

export type Activity = ActivityOut;
export type Series = Schemas['RecurringActivityOut'];

export const STATUSES = ['tentative', 'confirmed', 'cancelled'] as const;

export function activityHref(id: number): string {
  return `/planning/activites/${id}`;
}

export function engagementHref(id: number): string {
  return `/programmation/exploitations/${id}`;
}

export function performanceHref(id: number): string {
  return `/programmation/representations/${id}`;
}

export function showHref(id: number): string {
  return `/programmation/spectacles/${id}`;
}

export function roomHref(id: number): string {
  return `/technique/salles/${id}`;
}

/** The timeline on the activity's day, where it can be dragged and seen among the others. */
export function timelineHref(day: string): string {
  return `/planning?view=day&date=${day}`;
}

export interface ActivityChoices {
  rooms: Choice[];
  shows: Choice[];
  engagements: Choice[];
  performances: Choice[];
  teams: Choice[];
}

export function activityFields(choices: ActivityChoices, current: Activity | null): FieldSpec[] {
  const isPerformance = current?.kind === 'performance';
  // A performance is not made here (Programming makes them): its kind is only offered when shown.
  const kinds = reference.kinds.filter((k) => k.kind !== 'performance' || isPerformance);
  return [
    { name: 'title', label: pt('activity.title'), kind: 'text', required: true },
    {
      name: 'kind',
      label: pt('activity.kind'),
      kind: 'choice',
      required: true,
      choices: kinds.map((k) => ({ value: k.kind, label: kindLabel(k.kind) })),
    },
    {
      name: 'status',
      label: pt('activity.status'),
      kind: 'choice',
      required: true,
      choices: STATUSES.map((status) => ({ value: status, label: pt(`status.${status}`) })),
    },
    { name: 'room_id', label: pt('activity.room'), kind: 'reference', choices: choices.rooms, href: roomHref, readOnly: !choices.rooms.length },
    { name: 'starts_at', label: pt('activity.starts'), kind: 'instant', required: true },
    { name: 'ends_at', label: pt('activity.ends'), kind: 'instant', required: true },
    {
      name: 'engagement_id',
      label: pt('activity.engagement'),
      kind: 'reference',
      choices: choices.engagements,
      href: engagementHref,
      readOnly: !choices.engagements.length,
    },
    {
      name: 'show_id',
      label: pt('activity.show'),
      kind: 'reference',
      choices: choices.shows,
      href: showHref,
      readOnly: !choices.shows.length,
    },
    {
      name: 'performance_id',
      label: pt('activity.performance'),
      kind: 'reference',
      choices: choices.performances,
      href: performanceHref,
      readOnly: true,
    },
    { name: 'team_id', label: pt('activity.team'), kind: 'reference', choices: choices.teams, readOnly: !choices.teams.length },
    { name: 'notes', label: pt('activity.notes'), kind: 'long' },
  ];
}
