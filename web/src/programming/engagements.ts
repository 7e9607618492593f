/**
 * An engagement (a show in a room over a period) as the programming pages show it: its fields
 * under three headings (the run, hospitality, the contract), its status in the venue's words
 * ("2e option", "confirmée") and its period. Contract fields are listed here for everyone, but
 * the server sends them only to those who may read contracts, and the record page shows only
 * what the server sent: someone without that right sees no fee at all, not an empty one.
 */
import type { Schemas } from '../api/client';
import { ordinal } from '../lib/i18n.svelte';
import { can } from '../lib/session.svelte';
import { formatDay } from '../lib/time';
import type { Choice, FieldSpec } from '../records/fields';
import { contactChoices, roomChoices, showChoices } from './names.svelte';
import { pt } from './words';

export type Engagement = Schemas['EngagementOut'];
export type Holder = Schemas['HolderOut'];

export const engagementHref = (id: number): string => `/programmation/exploitations/${id}`;
export const showHref = (id: number): string => `/programmation/spectacles/${id}`;
export const performanceHref = (id: number): string => `/programmation/representations/${id}`;
export const activityHref = (id: number): string => `/planning/activites/${id}`;
export const contactHref = (id: number): string => `/annuaire/contacts/${id}`;
export const roomHref = (id: number): string => `/technique/salles/${id}`;

/** "2e option", "confirmée", "annulée". */
export function statusLabel(e: Pick<Engagement, 'status' | 'option_rank'>): string {
  if (e.status === 'option') return e.option_rank ? pt('status.rankedOption', { rank: ordinal(e.option_rank) }) : pt('status.option');
  return e.status === 'confirmed' ? pt('status.confirmed') : pt('status.cancelled');
}

/** "du mar. 12 janv. 2027 au sam. 16 janv. 2027", or "le mar. 12 janv. 2027". */
export function period(first: string, last: string): string {
  return first === last
    ? pt('period.one', { day: formatDay(first) })
    : pt('period.many', { first: formatDay(first), last: formatDay(last) });
}

export function contractStatusChoices(): Choice[] {
  return (['draft', 'sent', 'signed'] as const).map((value) => ({ value, label: pt(`contract.${value}`) }));
}

/**
 * The engagement's fields. What each person may change follows the server's rules: the run by
 * those who write the programming, hospitality also by those who write the planning (the
 * technical team keeps it up to date), the contract by those who write contracts.
 */
export function engagementFields(configurations: Choice[] = [], status = 'option'): FieldSpec[] {
  const programming = can('programming', 'write');
  const hosting = programming || can('planning', 'write');
  const contracts = can('contracts', 'write');
  const run = pt('group.run');
  const host = pt('group.hospitality');
  const contract = pt('group.contract');
  const contact = (name: string, label: string): FieldSpec => ({
    name, label, kind: 'reference', choices: contactChoices(), href: contactHref, group: host, readOnly: !hosting,
  });
  const text = (name: string, label: string, group: string, readOnly: boolean): FieldSpec => ({
    name, label, kind: 'long', group, readOnly,
  });
  const money = (name: string, label: string): FieldSpec => ({
    name, label, kind: 'money', group: contract, readOnly: !contracts,
  });
  const fields: FieldSpec[] = [
    { name: 'show_id', label: pt('field.show'), kind: 'reference', choices: showChoices(), href: showHref, required: true, group: run, readOnly: !programming },
    { name: 'room_id', label: pt('field.room'), kind: 'reference', choices: roomChoices(), href: roomHref, required: true, group: run, readOnly: !programming },
    { name: 'first_day', label: pt('field.first_day'), kind: 'day', required: true, group: run, readOnly: !programming },
    { name: 'last_day', label: pt('field.last_day'), kind: 'day', required: true, group: run, readOnly: !programming },
    {
      name: 'option_rank', label: pt('field.option_rank'), kind: 'integer', group: run, readOnly: !programming,
      hint: pt('field.option_rank.hint'),
    },
    { name: 'option_expires_on', label: pt('field.option_expires_on'), kind: 'day', group: run, readOnly: !programming },
    { name: 'room_configuration_id', label: pt('field.room_configuration'), kind: 'reference', choices: configurations, group: run, readOnly: !hosting },
    text('notes', pt('field.notes'), run, !programming),
    contact('tour_manager_id', pt('field.tour_manager')),
    contact('technical_contact_id', pt('field.technical_contact')),
    contact('host_contact_id', pt('field.host_contact')),
    { name: 'party_size', label: pt('field.party_size'), kind: 'integer', group: host, readOnly: !hosting },
    text('meals', pt('field.meals'), host, !hosting),
    text('dressing_rooms', pt('field.dressing_rooms'), host, !hosting),
    text('accommodation', pt('field.accommodation'), host, !hosting),
    text('travel', pt('field.travel'), host, !hosting),
    {
      name: 'contract_status', label: pt('field.contract_status'), kind: 'choice', choices: contractStatusChoices(),
      group: contract, readOnly: !contracts, required: true,
    },
    { name: 'contract_sent_on', label: pt('field.contract_sent_on'), kind: 'day', group: contract, readOnly: !contracts },
    { name: 'contract_signed_on', label: pt('field.contract_signed_on'), kind: 'day', group: contract, readOnly: !contracts },
    money('fee', pt('field.fee')),
    { name: 'vat_rate', label: pt('field.vat_rate'), kind: 'percent', group: contract, readOnly: !contracts },
    money('travel_costs', pt('field.travel_costs')),
    money('accommodation_costs', pt('field.accommodation_costs')),
    money('meal_costs', pt('field.meal_costs')),
    text('authors_rights', pt('field.authors_rights'), contract, !contracts),
    text('contract_terms', pt('field.contract_terms'), contract, !contracts),
  ];
  // A rank and an expiry belong to options: a confirmed or cancelled run has neither.
  return status === 'option' ? fields : fields.filter((f) => f.name !== 'option_rank' && f.name !== 'option_expires_on');
}

/** What a new option needs: the show, the room, the days (and when it lapses). */
export function optionFields(withShow: boolean): FieldSpec[] {
  return [
    ...(withShow
      ? [{ name: 'show_id', label: pt('field.show'), kind: 'reference', choices: showChoices(), required: true } as FieldSpec]
      : []),
    { name: 'room_id', label: pt('field.room'), kind: 'reference', choices: roomChoices(), required: true },
    { name: 'first_day', label: pt('field.first_day'), kind: 'day', required: true },
    { name: 'last_day', label: pt('field.last_day'), kind: 'day', required: true },
    { name: 'option_expires_on', label: pt('field.option_expires_on'), kind: 'day' },
  ];
}
