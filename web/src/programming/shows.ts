/** A show's fields as the programming shows them (title, company, producer, credits…). */
import type { Schemas } from '../api/client';
import type { FieldSpec } from '../records/fields';
import { organisationChoices } from './names.svelte';
import { pt } from './words';

export type Show = Schemas['ShowOut'];

const organisationHref = (id: number): string => `/annuaire/structures/${id}`;

export function showFields(): FieldSpec[] {
  return [
    { name: 'title', label: pt('show.title'), kind: 'text', required: true },
    { name: 'company_id', label: pt('show.company'), kind: 'reference', choices: organisationChoices(), href: organisationHref },
    { name: 'producer_id', label: pt('show.producer'), kind: 'reference', choices: organisationChoices(), href: organisationHref },
    { name: 'genre', label: pt('show.genre'), kind: 'text' },
    { name: 'duration_minutes', label: pt('show.duration'), kind: 'integer', hint: pt('show.duration.hint') },
    { name: 'age_guidance', label: pt('show.age'), kind: 'text' },
    { name: 'website', label: pt('show.website'), kind: 'url' },
    { name: 'description', label: pt('show.description'), kind: 'long' },
    { name: 'credits', label: pt('show.credits'), kind: 'long' },
    { name: 'notes', label: pt('show.notes'), kind: 'long' },
  ];
}
