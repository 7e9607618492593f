/** A performance as the programming shows it: when, where, and its accessibility. */
import type { Schemas } from '../api/client';
import { can } from '../lib/session.svelte';
import type { Choice, FieldSpec } from '../records/fields';
import { engagementHref, roomHref, showHref } from './engagements';
import { roomChoices, showChoices } from './names.svelte';
import { pt } from './words';

export type Performance = Schemas['PerformanceOut'];

const ACCESS = ['sign_language', 'audio_description', 'surtitles', 'relaxed'] as const;

/** "LSF, audiodescription" — the features that make it accessible, in the venue's words. */
export function accessibility(p: Pick<Performance, (typeof ACCESS)[number]>): string {
  return ACCESS.filter((name) => p[name]).map((name) => pt(`access.${name}`)).join(', ');
}

export function performanceStatus(status: string): string {
  if (status === 'tentative') return pt('perf.tentative');
  if (status === 'cancelled') return pt('perf.cancelled');
  return pt('perf.confirmed');
}

export function performanceFields(engagements: Choice[] = []): FieldSpec[] {
  const locked = !can('programming', 'write');
  return [
    { name: 'title', label: pt('perf.title'), kind: 'text', readOnly: locked },
    { name: 'show_id', label: pt('field.show'), kind: 'reference', choices: showChoices(), href: showHref, readOnly: true },
    { name: 'engagement_id', label: pt('perf.engagement'), kind: 'reference', choices: engagements, href: engagementHref, readOnly: true },
    { name: 'room_id', label: pt('field.room'), kind: 'reference', choices: roomChoices(), href: roomHref, readOnly: locked },
    { name: 'starts_at', label: pt('perf.starts_at'), kind: 'instant', required: true, readOnly: locked },
    { name: 'ends_at', label: pt('perf.ends_at'), kind: 'instant', required: true, readOnly: locked },
    {
      name: 'status', label: pt('col.status'), kind: 'choice', readOnly: true,
      choices: ['tentative', 'confirmed', 'cancelled'].map((value) => ({ value, label: performanceStatus(value) })),
    },
    { name: 'ticketing_ref', label: pt('perf.ticketing_ref'), kind: 'text', readOnly: locked },
    ...ACCESS.map((name): FieldSpec => ({ name, label: pt(`access.${name}.long`), kind: 'bool', readOnly: locked })),
    { name: 'notes', label: pt('field.notes'), kind: 'long', readOnly: locked },
  ];
}
