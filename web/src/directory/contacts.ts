/** A contact's fields as the directory shows them: a person, their emails and phones. */
import type { Schemas } from '../api/client';
import type { FieldSpec } from '../records/fields';
import { dt } from './words';

export type Contact = Schemas['ContactOut'];
export type ContactRole = Schemas['ContactRoleOut'];

export function contactHref(id: number): string {
  return `/annuaire/contacts/${id}`;
}

export function contactName(contact: Pick<Contact, 'first_name' | 'last_name'>): string {
  return `${contact.first_name} ${contact.last_name}`.trim();
}

export function contactFields(): FieldSpec[] {
  return [
    { name: 'first_name', label: dt('contact.first_name'), kind: 'text', required: true },
    { name: 'last_name', label: dt('contact.last_name'), kind: 'text', required: true },
    { name: 'emails', label: dt('contact.emails'), kind: 'lines', items: 'email', hint: dt('contact.emailsHint') },
    { name: 'phones', label: dt('contact.phones'), kind: 'lines', items: 'phone', hint: dt('contact.phonesHint') },
    { name: 'notes', label: dt('contact.notes'), kind: 'long' },
  ];
}
