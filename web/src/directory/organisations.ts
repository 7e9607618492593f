/** An organisation's fields as the directory shows them (companies, producers, partners…). */
import type { Schemas } from '../api/client';
import type { FieldSpec } from '../records/fields';
import { dt } from './words';

export type Organisation = Schemas['OrganisationOut'];

export const ORGANISATION_KINDS = ['company', 'producer', 'agency', 'partner_venue', 'funder', 'other'] as const;

export function organisationHref(id: number): string {
  return `/annuaire/structures/${id}`;
}

export function organisationFields(): FieldSpec[] {
  return [
    { name: 'name', label: dt('organisation.name'), kind: 'text', required: true },
    {
      name: 'kind',
      label: dt('organisation.kind'),
      kind: 'choice',
      required: true,
      choices: ORGANISATION_KINDS.map((kind) => ({ value: kind, label: dt(`kind.${kind}`) })),
    },
    { name: 'email', label: dt('organisation.email'), kind: 'email' },
    { name: 'phone', label: dt('organisation.phone'), kind: 'phone' },
    { name: 'website', label: dt('organisation.website'), kind: 'url' },
    { name: 'address', label: dt('organisation.address'), kind: 'text' },
    { name: 'postcode', label: dt('organisation.postcode'), kind: 'text' },
    { name: 'city', label: dt('organisation.city'), kind: 'text' },
    { name: 'country', label: dt('organisation.country'), kind: 'text' },
    { name: 'siret', label: dt('organisation.siret'), kind: 'text' },
    { name: 'ape_code', label: dt('organisation.ape_code'), kind: 'text' },
    { name: 'vat_number', label: dt('organisation.vat_number'), kind: 'text' },
    { name: 'licence_numbers', label: dt('organisation.licence_numbers'), kind: 'text' },
    { name: 'notes', label: dt('organisation.notes'), kind: 'long' },
  ];
}
