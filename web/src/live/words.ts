/**
 * The words of live updates, presence and the phone's day view, in French (first) and English.
 * Kept beside the app's main dictionary (`lib/i18n.svelte.ts`) and spoken in its language.
 */
import { vocabulary } from '../lib/i18n.svelte';

const fr = {
  'live.reconnecting': 'Reconnexion…',
  'live.reconnectingDetail': 'La connexion au serveur est perdue ; les changements des autres reviendront dès qu’elle sera rétablie.',
  'live.alsoHere': 'Aussi sur cette période',
  'live.editingBy': '{name} modifie',
  'live.viewing': '{name} regarde cette période',
  'live.alsoOnRecord': 'Aussi sur cette fiche',
  'live.viewingRecord': '{name} regarde cette fiche',
  'live.editingRecord': '{name} modifie cette fiche',

  'day.nav': 'Jour',
  'day.previous': 'Jour précédent',
  'day.next': 'Jour suivant',
  'day.today': 'Aujourd’hui',
  'day.loading': 'Chargement de la journée…',
  'day.loadError': 'La journée n’a pas pu être chargée : {detail}',
  'day.retry': 'Réessayer',
  'day.empty': 'Rien de prévu ce jour-là.',
  'day.freeRooms': 'Salles libres : {rooms}',
  'day.noRoom': 'Sans salle',
  'day.show': 'Spectacle',
  'day.company': 'Compagnie',
  'day.contacts': 'Contacts',
  'day.noContacts': 'Aucun contact enregistré pour cette compagnie.',
  'day.call': 'Appeler {name} ({phone})',
  'day.notes': 'Notes',
  'day.openPlanning': 'Voir dans le planning',
  'day.openRecord': 'Ouvrir la fiche',
  'day.openEngagement': 'Ouvrir l’exploitation',
  'day.roadSheet': 'Feuille de route du jour (PDF)',
  'day.option': 'option',
} as const;

export type LiveWord = keyof typeof fr;

const en: Record<LiveWord, string> = {
  'live.reconnecting': 'Reconnecting…',
  'live.reconnectingDetail': 'The connection to the server is lost; others’ changes will come back as soon as it returns.',
  'live.alsoHere': 'Also on this period',
  'live.editingBy': '{name} is editing',
  'live.viewing': '{name} is looking at this period',
  'live.alsoOnRecord': 'Also on this record',
  'live.viewingRecord': '{name} is looking at this record',
  'live.editingRecord': '{name} is editing this record',

  'day.nav': 'Day',
  'day.previous': 'Previous day',
  'day.next': 'Next day',
  'day.today': 'Today',
  'day.loading': 'Loading the day…',
  'day.loadError': 'The day could not be loaded: {detail}',
  'day.retry': 'Try again',
  'day.empty': 'Nothing planned that day.',
  'day.freeRooms': 'Free rooms: {rooms}',
  'day.noRoom': 'No room',
  'day.show': 'Show',
  'day.company': 'Company',
  'day.contacts': 'Contacts',
  'day.noContacts': 'No contact recorded for this company.',
  'day.call': 'Call {name} ({phone})',
  'day.notes': 'Notes',
  'day.openPlanning': 'See in the planning',
  'day.openRecord': 'Open its page',
  'day.openEngagement': 'Open the engagement',
  'day.roadSheet': 'Road sheet of the day (PDF)',
  'day.option': 'hold',
};

/** The word in the app's current language, with `{name}` replaced by `params.name`. */
export const lt = vocabulary<LiveWord>(fr, en);
