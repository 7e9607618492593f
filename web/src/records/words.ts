/**
 * The words of a record's history (who, when, what changed), French first, English too. Field
 * names a venue reads rather than column names; an unknown field shows its own name.
 */
import { i18n, vocabulary } from '../lib/i18n.svelte';

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

export const ht = vocabulary<HistoryWord>(fr, en);

/** Fields in the order a venue reads a record (what, where, when, then the rest). */
export function fieldOrder(field: string): number {
  const index = Object.keys(FIELDS_FR).indexOf(field);
  return index === -1 ? 1000 : index;
}

export function fieldLabel(field: string): string {
  return (i18n.language === 'fr' ? FIELDS_FR : FIELDS_EN)[field] ?? field;
}

const recordFr = {
  'record.loading': 'Chargement…',
  'record.notFound': 'Cette fiche n’existe pas, ou plus.',
  'record.error': 'La fiche n’a pas pu être chargée : {detail}',
  'record.edit': 'Modifier',
  'record.save': 'Enregistrer',
  'record.saving': 'Enregistrement…',
  'record.cancel': 'Annuler',
  'record.delete': 'Supprimer',
  'record.deleteConfirm': 'Cliquez encore pour supprimer « {title} »',
  'record.deleted': '« {title} » a été supprimé.',
  'record.saved': 'Modifications enregistrées.',
  'record.unchanged': 'Rien n’a changé.',
  'record.invalid': 'Vérifiez les champs signalés : rien n’a été perdu.',
  'record.refused': 'Enregistrement refusé : {detail}',
  'record.keys': 'Entrée enregistre, Échap annule.',
  'record.none': '—',
  'record.back': '← {list}',
  'record.details': 'Fiche',
  'record.created': '« {title} » a été créé.',
  'record.required': 'obligatoire',
  'record.changedBy': 'Modifié par {actor} à {time}',
  'record.deletedBy': 'Cette fiche a été supprimée par {actor} à {time}.',
  'record.changedWhileEditing':
    '{actor} vient de modifier cette fiche ({time}). Vos saisies restent là ; en enregistrant, vous verrez ses changements à côté des vôtres et choisirez.',
  'record.deletedWhileEditing': '{actor} vient de supprimer cette fiche ({time}) : vos modifications ne pourront pas être enregistrées.',
  'list.new': 'Nouveau',
  'list.create': 'Créer',
  'list.filter': 'Filtrer',
  'list.empty': 'Aucune fiche pour l’instant.',
  'list.noMatch': 'Aucune fiche ne correspond à « {text} ».',
  'list.count': '{count} fiche(s)',
  'list.more': 'Afficher les suivantes',
  'list.error': 'La liste n’a pas pu être chargée : {detail}',
  'conflict.title': 'Quelqu’un a modifié cette fiche en même temps que vous',
  'conflict.by': '{actor} a enregistré ses changements {when}.',
  'conflict.byUnknown': 'Une autre personne a enregistré ses changements entre-temps.',
  'conflict.field': 'Champ',
  'conflict.mine': 'Votre version',
  'conflict.theirs': 'Sa version',
  'conflict.alsoChanged': 'Changé aussi par l’autre personne (vos modifications n’y touchent pas) :',
  'conflict.keepMine': 'Garder mes modifications',
  'conflict.takeTheirs': 'Prendre les siennes',
  'conflict.gone': 'Cette fiche a été supprimée entre-temps. Vos modifications n’ont pas été enregistrées :',
  'conflict.close': 'Fermer',
  'conflict.kept': 'Vos modifications ont été enregistrées par-dessus les siennes.',
  'conflict.taken': 'La fiche montre maintenant ses modifications ; les vôtres ont été écartées.',
};

type RecordWord = keyof typeof recordFr;

const recordEn: Record<RecordWord, string> = {
  'record.loading': 'Loading…',
  'record.notFound': 'This record does not exist, or no longer.',
  'record.error': 'The record could not be loaded: {detail}',
  'record.edit': 'Edit',
  'record.save': 'Save',
  'record.saving': 'Saving…',
  'record.cancel': 'Cancel',
  'record.delete': 'Delete',
  'record.deleteConfirm': 'Click again to delete “{title}”',
  'record.deleted': '“{title}” was deleted.',
  'record.saved': 'Changes saved.',
  'record.unchanged': 'Nothing changed.',
  'record.invalid': 'Check the fields marked: nothing was lost.',
  'record.refused': 'Saving refused: {detail}',
  'record.keys': 'Enter saves, Esc cancels.',
  'record.none': '—',
  'record.back': '← {list}',
  'record.details': 'Details',
  'record.created': '“{title}” was created.',
  'record.required': 'required',
  'record.changedBy': 'Changed by {actor} at {time}',
  'record.deletedBy': 'This record was deleted by {actor} at {time}.',
  'record.changedWhileEditing':
    '{actor} just changed this record ({time}). What you typed stays; when you save, you will see their changes next to yours and choose.',
  'record.deletedWhileEditing': '{actor} just deleted this record ({time}): your changes cannot be saved.',
  'list.new': 'New',
  'list.create': 'Create',
  'list.filter': 'Filter',
  'list.empty': 'Nothing here yet.',
  'list.noMatch': 'Nothing matches “{text}”.',
  'list.count': '{count} record(s)',
  'list.more': 'Show more',
  'list.error': 'The list could not be loaded: {detail}',
  'conflict.title': 'Someone changed this record while you were editing it',
  'conflict.by': '{actor} saved their changes {when}.',
  'conflict.byUnknown': 'Someone else saved their changes in the meantime.',
  'conflict.field': 'Field',
  'conflict.mine': 'Your version',
  'conflict.theirs': 'Their version',
  'conflict.alsoChanged': 'Also changed by them (your changes do not touch these):',
  'conflict.keepMine': 'Keep my changes',
  'conflict.takeTheirs': 'Take theirs',
  'conflict.gone': 'This record was deleted in the meantime. Your changes were not saved:',
  'conflict.close': 'Close',
  'conflict.kept': 'Your changes were saved over theirs.',
  'conflict.taken': 'The record now shows their changes; yours were dropped.',
};

/** The words of record pages, lists and the conflict screen. */
export const rt = vocabulary<RecordWord>(recordFr, recordEn);
