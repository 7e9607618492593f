/**
 * The words of a record's history (who, when, what changed), French first, English too. Field
 * names a venue reads rather than column names; an unknown field shows its own name.
 */
import { i18n } from '../lib/i18n.svelte';

const fr = {
  'history.title': 'Historique',
  'history.loading': 'Chargement de l’historique…',
  'history.error': 'L’historique n’a pas pu être chargé : {detail}',
  'history.empty': 'Aucun changement enregistré.',
  'history.created': 'Création',
  'history.updated': 'Modification',
  'history.deleted': 'Suppression',
  'history.other': 'Changement',
  'history.by': 'par {actor}',
  'history.none': '—',
  'history.yes': 'oui',
  'history.no': 'non',
  'history.more': '{count} changement(s) plus ancien(s) non affiché(s)',
};

type HistoryWord = keyof typeof fr;

const en: Record<HistoryWord, string> = {
  'history.title': 'History',
  'history.loading': 'Loading the history…',
  'history.error': 'The history could not be loaded: {detail}',
  'history.empty': 'No change recorded.',
  'history.created': 'Created',
  'history.updated': 'Changed',
  'history.deleted': 'Deleted',
  'history.other': 'Change',
  'history.by': 'by {actor}',
  'history.none': '—',
  'history.yes': 'yes',
  'history.no': 'no',
  'history.more': '{count} older change(s) not shown',
};

const FIELDS_FR: Record<string, string> = {
  title: 'Intitulé',
  name: 'Nom',
  kind: 'Type',
  status: 'Statut',
  room_id: 'Salle',
  starts_at: 'Début',
  ends_at: 'Fin',
  show_id: 'Spectacle',
  team_id: 'Équipe',
  engagement_id: 'Exploitation',
  performance_id: 'Représentation',
  assignee_ids: 'Personnes affectées',
  notes: 'Notes',
  first_day: 'Premier jour',
  last_day: 'Dernier jour',
  option_rank: 'Rang d’option',
  fee: 'Cachet',
  relaxed: 'Représentation décontractée',
  surtitles: 'Surtitrage',
  sign_language: 'Langue des signes',
  audio_description: 'Audiodescription',
  ticketing_ref: 'Référence billetterie',
};

const FIELDS_EN: Record<string, string> = {
  title: 'Title',
  name: 'Name',
  kind: 'Kind',
  status: 'Status',
  starts_at: 'Start',
  ends_at: 'End',
  room_id: 'Room',
  show_id: 'Show',
  team_id: 'Team',
  engagement_id: 'Engagement',
  performance_id: 'Performance',
  assignee_ids: 'Assignees',
  notes: 'Notes',
  first_day: 'First day',
  last_day: 'Last day',
  option_rank: 'Hold rank',
  fee: 'Fee',
  relaxed: 'Relaxed performance',
  surtitles: 'Surtitles',
  sign_language: 'Sign language',
  audio_description: 'Audio description',
  ticketing_ref: 'Ticketing reference',
};

const dictionaries = { fr, en } as const;

export function ht(key: HistoryWord, params: Record<string, string | number> = {}): string {
  const text: string = dictionaries[i18n.language][key] ?? fr[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Fields in the order a venue reads a record (what, where, when, then the rest). */
export function fieldOrder(field: string): number {
  const index = Object.keys(FIELDS_FR).indexOf(field);
  return index === -1 ? 1000 : index;
}

export function fieldLabel(field: string): string {
  return (i18n.language === 'fr' ? FIELDS_FR : FIELDS_EN)[field] ?? field;
}
