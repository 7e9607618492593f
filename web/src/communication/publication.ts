/** The public content's fields, as communication edits them. */
import type { FieldSpec } from '../records/fields';
import { ct } from './words';

export interface ShowPublication {
  id: number;
  version: number;
  show_id: number;
  published: boolean;
  image_id: number | null;
  title_fr: string | null;
  [field: string]: unknown;
}

export interface PerformancePublication {
  id: number;
  version: number;
  performance_id: number;
  ticket_url: string | null;
  sold_out: boolean;
  cancelled: boolean;
}

export function showPublicationFields(): FieldSpec[] {
  const texts = ct('com.group.texts');
  const tickets = ct('com.group.tickets');
  const audiences = ct('com.group.public');
  return [
    { name: 'title_fr', label: ct('field.title_fr'), kind: 'text', group: texts },
    { name: 'title_en', label: ct('field.title_en'), kind: 'text', group: texts },
    { name: 'summary_fr', label: ct('field.summary_fr'), kind: 'long', group: texts },
    { name: 'summary_en', label: ct('field.summary_en'), kind: 'long', group: texts },
    { name: 'text_fr', label: ct('field.text_fr'), kind: 'long', group: texts },
    { name: 'text_en', label: ct('field.text_en'), kind: 'long', group: texts },
    { name: 'keywords', label: ct('field.keywords'), kind: 'lines', hint: ct('field.keywords.hint'), group: texts },
    { name: 'language', label: ct('field.language'), kind: 'text', hint: ct('field.language.hint'), group: texts },
    { name: 'ticket_url', label: ct('field.ticket_url'), kind: 'url', group: tickets },
    { name: 'prices', label: ct('field.prices'), kind: 'prices', hint: ct('field.prices.hint'), group: tickets },
    {
      name: 'audience',
      label: ct('field.audience'),
      kind: 'choice',
      required: true,
      group: audiences,
      choices: (['all', 'young', 'schools'] as const).map((value) => ({ value, label: ct(`audience.${value}`) })),
    },
    { name: 'age_from', label: ct('field.age_from'), kind: 'integer', group: audiences },
    { name: 'age_to', label: ct('field.age_to'), kind: 'integer', group: audiences },
    { name: 'audio_description', label: ct('field.audio_description'), kind: 'bool', group: audiences },
    { name: 'sign_language', label: ct('field.sign_language'), kind: 'bool', group: audiences },
    { name: 'surtitles', label: ct('field.surtitles'), kind: 'bool', group: audiences },
    { name: 'relaxed', label: ct('field.relaxed'), kind: 'bool', group: audiences },
    { name: 'wheelchair', label: ct('field.wheelchair'), kind: 'bool', group: audiences },
  ];
}

export function performancePublicationFields(): FieldSpec[] {
  return [
    { name: 'ticket_url', label: ct('field.perf_ticket_url'), kind: 'url', hint: ct('field.perf_ticket_url.hint'), wide: true },
    { name: 'sold_out', label: ct('field.sold_out'), kind: 'bool' },
    { name: 'cancelled', label: ct('field.cancelled'), kind: 'bool' },
  ];
}

/** The public feeds, at the server's address (for the website and agendas). */
export const FEEDS = [
  { href: '/public/events.jsonld', word: 'com.feed.jsonld' },
  { href: '/public/openagenda.json', word: 'com.feed.openagenda' },
  { href: '/public/events.ics', word: 'com.feed.ics' },
] as const;

export function imageUrl(imageId: number, size: '600.jpg' | '1200.jpg' = '600.jpg'): string {
  return `/public/images/${imageId}/${size}`;
}
