/**
 * The words of search (the top bar's box, its dialog and the headings of each kind of record),
 * in French (first) and English, spoken in the app's language.
 */
import { vocabulary } from '../lib/i18n.svelte';
import type { Schemas } from '../api/client';

export type SearchKind = Schemas['SearchKind'];

const fr = {
  'search.open': 'Rechercher…',
  'search.openLabel': 'Rechercher (raccourci : / ou Ctrl+K)',
  'search.title': 'Rechercher dans Saison',
  'search.field': 'Rechercher un spectacle, une exploitation, une personne, une salle…',
  'search.placeholder': 'Spectacle, exploitation, contact, salle…',
  'search.results': 'Résultats',
  'search.busy': 'Recherche…',
  'search.none': 'Rien ne correspond à « {q} ».',
  'search.found': '{count} résultat(s)',
  'search.more': 'D’autres correspondent : ajoutez un mot pour préciser.',
  'search.help': '↑ ↓ pour choisir, Entrée pour ouvrir, Échap pour fermer. Accents et majuscules ne comptent pas.',
  'search.close': 'Fermer',
  'search.failed': 'La recherche a échoué : {detail}',
  'search.kind.show': 'Spectacles',
  'search.kind.engagement': 'Exploitations',
  'search.kind.activity': 'Activités',
  'search.kind.organisation': 'Structures',
  'search.kind.contact': 'Contacts',
  'search.kind.place': 'Lieux de l’annuaire',
  'search.kind.venue': 'Lieux',
  'search.kind.room': 'Salles',
  'search.kind.technical_sheet': 'Fiches techniques',
};

type SearchWord = keyof typeof fr;

const en: Record<SearchWord, string> = {
  'search.open': 'Search…',
  'search.openLabel': 'Search (shortcut: / or Ctrl+K)',
  'search.title': 'Search Saison',
  'search.field': 'Search for a show, an engagement, a person, a room…',
  'search.placeholder': 'Show, engagement, contact, room…',
  'search.results': 'Results',
  'search.busy': 'Searching…',
  'search.none': 'Nothing matches “{q}”.',
  'search.found': '{count} result(s)',
  'search.more': 'More match: add a word to narrow down.',
  'search.help': '↑ ↓ to choose, Enter to open, Esc to close. Accents and capitals do not matter.',
  'search.close': 'Close',
  'search.failed': 'Search failed: {detail}',
  'search.kind.show': 'Shows',
  'search.kind.engagement': 'Engagements',
  'search.kind.activity': 'Activities',
  'search.kind.organisation': 'Organisations',
  'search.kind.contact': 'Contacts',
  'search.kind.place': 'Directory places',
  'search.kind.venue': 'Venues',
  'search.kind.room': 'Rooms',
  'search.kind.technical_sheet': 'Technical sheets',
};

export const st = vocabulary<SearchWord>(fr, en);

/** The heading of a kind of record ("Spectacles"). */
export function kindHeading(kind: SearchKind): string {
  return st(`search.kind.${kind}`);
}
