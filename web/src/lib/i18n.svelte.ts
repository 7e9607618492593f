/**
 * The app's words in French (first) and English. The language comes from the server (which
 * read the browser's Accept-Language); a person may switch, and the choice is remembered.
 */
import { config, type Language } from './config';

const fr = {
  'app.name': 'Saison',
  'app.loading': 'Chargement…',
  'app.skip': 'Aller au contenu',
  'app.notFound': 'Cette page n’existe pas.',
  'app.notAllowed': 'Votre compte n’a pas accès à cette partie de Saison. Un administrateur peut vous l’ouvrir.',
  'app.backToPlanning': 'Retour au planning',
  'app.language': 'Langue',
  'app.switchLanguage': 'English',
  'app.offline': 'Le serveur ne répond pas. Vérifiez la connexion puis réessayez.',
  'app.serverError': 'Le serveur a rencontré une erreur ; rien n’a été enregistré.',

  'signIn.title': 'Connexion',
  'signIn.lead': 'Le planning de saison du lieu, partagé par tous les services.',
  'signIn.email': 'Adresse e-mail',
  'signIn.password': 'Mot de passe',
  'signIn.submit': 'Se connecter',
  'signIn.busy': 'Connexion…',
  'signIn.wrong': 'Adresse e-mail ou mot de passe incorrect.',
  'signIn.throttled': 'Trop de tentatives de connexion à la fois. Réessayez dans {seconds} s.',
  'signIn.throttledSoon': 'Trop de tentatives de connexion à la fois. Réessayez dans un instant.',
  'signIn.required': 'Saisissez votre adresse e-mail et votre mot de passe.',
  'signIn.expired': 'Votre session a expiré : reconnectez-vous pour continuer.',
  'signOut': 'Se déconnecter',
  'signedInAs': 'Connecté·e : {name}',

  'nav.planning': 'Planning',

  'zoom.label': 'Échelle',
  'zoom.season': 'Saison',
  'zoom.month': 'Mois',
  'zoom.week': 'Semaine',
  'zoom.day': 'Jour',
  'nav.previous': 'Précédent',
  'nav.next': 'Suivant',
  'nav.today': 'Aujourd’hui',
  'nav.previousSeason': 'Saison précédente',
  'nav.nextSeason': 'Saison suivante',
  'season.title': 'Saison {start}–{end}',
  'week.title': 'Semaine du {start} au {end}',

  'filters.title': 'Filtres',
  'filters.rooms': 'Salles',
  'filters.kinds': 'Types',
  'filters.shows': 'Spectacles',
  'filters.teams': 'Équipes',
  'filters.optionsOnly': 'Options seulement',
  'filters.mine': 'Mon planning',
  'filters.all': 'Tous',
  'filters.clear': 'Effacer les filtres',
  'filters.active': '{count} filtre(s)',
  'filters.none': 'Aucun',

  'legend.title': 'Légende',
  'legend.option': 'option (hachurée)',
  'legend.confirmed': 'confirmé (plein)',
  'option.rank': 'option {rank}',
  'option.unranked': 'option',
  'status.confirmed': 'confirmé',
  'status.tentative': 'option',
  'status.cancelled': 'annulé',

  'timeline.loading': 'Chargement du planning…',
  'timeline.loadError': 'Le planning n’a pas pu être chargé : {detail}',
  'timeline.retry': 'Réessayer',
  'timeline.noRooms': 'Aucune salle à afficher. Modifiez les filtres.',
  'timeline.readOnly': 'Lecture seule : vous pouvez consulter le planning sans le modifier.',
  'timeline.rooms': 'Salles',
  'timeline.outsideRoom': 'sans salle',
  'timeline.expand': 'Déplier',
  'timeline.collapse': 'Replier',

  'overview.hint':
    'Vue d’ensemble : chaque case est un jour d’une salle, colorée selon ce qui l’occupe ; les options sont hachurées. Cliquez sur un jour pour ouvrir sa semaine.',
  'overview.day': '{day} — {room}',
  'overview.free': 'libre',
  'overview.items': '{count} activité(s)',
  'overview.openMonth': 'Ouvrir {month}',

  'book.title': 'Réserver {room}',
  'book.kind': 'Type',
  'book.titleField': 'Intitulé',
  'book.room': 'Salle',
  'book.starts': 'Début',
  'book.ends': 'Fin',
  'book.status': 'Statut',
  'book.engagement': 'Exploitation',
  'book.noEngagement': '— aucune —',
  'book.team': 'Équipe',
  'book.noTeam': '— aucune —',
  'book.assignees': 'Personnes',
  'book.assignMe': 'M’assigner ({name})',
  'book.notes': 'Notes',
  'book.save': 'Réserver',
  'book.saving': 'Enregistrement…',
  'book.cancel': 'Annuler',
  'book.created': '« {title} » réservé : {room}, {when}.',
  'book.fieldErrors': 'Vérifiez les champs signalés.',
  'book.titleRequired': 'Donnez un intitulé à l’activité.',

  'move.saving': 'Enregistrement du déplacement…',
  'move.saved': '« {title} » déplacé : {room}, {when}.',
  'move.resized': '« {title} » : {when}.',
  'move.notAllowed': 'Vous ne pouvez pas modifier « {title} ».',
  'move.clash': 'Créneau occupé',

  'conflict.holder': '{room} : créneau déjà pris par « {title} », {when}.',
  'conflict.more': ' (et {count} autre(s))',
  'conflict.unknown': 'La salle vient d’être réservée par quelqu’un d’autre. Réessayez.',
  'conflict.refused': 'Changement refusé : {detail}',
  'stale.reloaded':
    '« {title} » a été modifié par quelqu’un d’autre entre-temps : le bloc a été rechargé, refaites votre changement si besoin.',
  'stale.gone': '« {title} » a été supprimé par quelqu’un d’autre.',
  'error.forbidden': 'Vous n’avez pas le droit de faire cela.',
  'error.invalid': 'Saisie refusée : {detail}',
  'error.generic': 'Le changement n’a pas été enregistré : {detail}',

  'details.close': 'Fermer',
  'details.kind': 'Type',
  'details.when': 'Quand',
  'details.room': 'Salle',
  'details.status': 'Statut',
  'details.show': 'Spectacle',
  'details.open': 'Ouvrir la fiche',
  'details.openEngagement': 'Ouvrir l’exploitation',

  'notice.close': 'Fermer le message',
} as const;

export type MessageKey = keyof typeof fr;

const en: Record<MessageKey, string> = {
  'app.name': 'Saison',
  'app.loading': 'Loading…',
  'app.skip': 'Skip to content',
  'app.notFound': 'This page does not exist.',
  'app.notAllowed': 'Your account has no access to this part of Saison. An administrator can open it to you.',
  'app.backToPlanning': 'Back to the planning',
  'app.language': 'Language',
  'app.switchLanguage': 'Français',
  'app.offline': 'The server does not answer. Check the connection and try again.',
  'app.serverError': 'The server ran into an error; nothing was saved.',

  'signIn.title': 'Sign in',
  'signIn.lead': 'The venue’s season planning, shared by every department.',
  'signIn.email': 'Email',
  'signIn.password': 'Password',
  'signIn.submit': 'Sign in',
  'signIn.busy': 'Signing in…',
  'signIn.wrong': 'Wrong email or password.',
  'signIn.throttled': 'Too many sign-in attempts at once. Try again in {seconds} s.',
  'signIn.throttledSoon': 'Too many sign-in attempts at once. Try again in a moment.',
  'signIn.required': 'Enter your email and your password.',
  'signIn.expired': 'Your session has ended: sign in again to continue.',
  'signOut': 'Sign out',
  'signedInAs': 'Signed in: {name}',

  'nav.planning': 'Planning',

  'zoom.label': 'Zoom',
  'zoom.season': 'Season',
  'zoom.month': 'Month',
  'zoom.week': 'Week',
  'zoom.day': 'Day',
  'nav.previous': 'Previous',
  'nav.next': 'Next',
  'nav.today': 'Today',
  'nav.previousSeason': 'Previous season',
  'nav.nextSeason': 'Next season',
  'season.title': 'Season {start}–{end}',
  'week.title': 'Week of {start} to {end}',

  'filters.title': 'Filters',
  'filters.rooms': 'Rooms',
  'filters.kinds': 'Kinds',
  'filters.shows': 'Shows',
  'filters.teams': 'Teams',
  'filters.optionsOnly': 'Holds only',
  'filters.mine': 'My planning',
  'filters.all': 'All',
  'filters.clear': 'Clear filters',
  'filters.active': '{count} filter(s)',
  'filters.none': 'None',

  'legend.title': 'Legend',
  'legend.option': 'hold (hatched)',
  'legend.confirmed': 'confirmed (solid)',
  'option.rank': 'hold {rank}',
  'option.unranked': 'hold',
  'status.confirmed': 'confirmed',
  'status.tentative': 'hold',
  'status.cancelled': 'cancelled',

  'timeline.loading': 'Loading the planning…',
  'timeline.loadError': 'The planning could not be loaded: {detail}',
  'timeline.retry': 'Try again',
  'timeline.noRooms': 'No room to show. Change the filters.',
  'timeline.readOnly': 'Read only: you may look at the planning but not change it.',
  'timeline.rooms': 'Rooms',
  'timeline.outsideRoom': 'no room',
  'timeline.expand': 'Expand',
  'timeline.collapse': 'Collapse',

  'overview.hint':
    'Overview: each cell is one day of one room, coloured by what takes it; holds are hatched. Click a day to open its week.',
  'overview.day': '{day} — {room}',
  'overview.free': 'free',
  'overview.items': '{count} activit(y/ies)',
  'overview.openMonth': 'Open {month}',

  'book.title': 'Book {room}',
  'book.kind': 'Kind',
  'book.titleField': 'Title',
  'book.room': 'Room',
  'book.starts': 'Starts',
  'book.ends': 'Ends',
  'book.status': 'Status',
  'book.engagement': 'Engagement',
  'book.noEngagement': '— none —',
  'book.team': 'Team',
  'book.noTeam': '— none —',
  'book.assignees': 'People',
  'book.assignMe': 'Assign to me ({name})',
  'book.notes': 'Notes',
  'book.save': 'Book',
  'book.saving': 'Saving…',
  'book.cancel': 'Cancel',
  'book.created': '“{title}” booked: {room}, {when}.',
  'book.fieldErrors': 'Check the fields marked.',
  'book.titleRequired': 'Give the activity a title.',

  'move.saving': 'Saving the move…',
  'move.saved': '“{title}” moved: {room}, {when}.',
  'move.resized': '“{title}”: {when}.',
  'move.notAllowed': 'You may not change “{title}”.',
  'move.clash': 'Slot taken',

  'conflict.holder': '{room}: already taken by “{title}”, {when}.',
  'conflict.more': ' (and {count} more)',
  'conflict.unknown': 'The room was just booked by someone else. Try again.',
  'conflict.refused': 'Change refused: {detail}',
  'stale.reloaded':
    '“{title}” was changed by someone else meanwhile: the block was reloaded, redo your change if needed.',
  'stale.gone': '“{title}” was deleted by someone else.',
  'error.forbidden': 'You are not allowed to do this.',
  'error.invalid': 'Input refused: {detail}',
  'error.generic': 'The change was not saved: {detail}',

  'details.close': 'Close',
  'details.kind': 'Kind',
  'details.when': 'When',
  'details.room': 'Room',
  'details.status': 'Status',
  'details.show': 'Show',
  'details.open': 'Open its page',
  'details.openEngagement': 'Open the engagement',

  'notice.close': 'Close the message',
};

const STORAGE_KEY = 'saison.language';

function initial(): Language {
  try {
    const saved = localStorage.getItem(STORAGE_KEY);
    if (saved === 'fr' || saved === 'en') return saved;
  } catch {
    // private browsing: no storage, the server's choice stands
  }
  return config.language;
}

export const i18n = $state({ language: initial() });

export function setLanguage(language: Language): void {
  i18n.language = language;
  document.documentElement.lang = language;
  try {
    localStorage.setItem(STORAGE_KEY, language);
  } catch {
    // not remembered, still switched
  }
}

export type Params = Record<string, string | number>;

/** `text` with `{name}` replaced by `params.name` (an unknown name stays as written). */
export function fill(text: string, params: Params = {}): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/**
 * The translator of one area's words: the text in the current language (French when English
 * lacks it), placeholders filled. Each area keeps its words in its own file, French and English
 * side by side with the same keys (the type checker holds them to it).
 */
export function vocabulary<K extends string>(french: Record<K, string>, english: Record<K, string>) {
  return (key: K, params: Params = {}): string =>
    fill((i18n.language === 'fr' ? french : english)[key] ?? french[key], params);
}

/** The message in the current language, with `{name}` replaced by `params.name`. */
export const t = vocabulary<MessageKey>(fr, en);

/** "1re", "2e" (as French venues name options) / "1st", "2nd". */
export function ordinal(rank: number): string {
  if (i18n.language === 'fr') return rank === 1 ? '1re' : `${rank}e`;
  const tens = rank % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[rank % 10] ?? 'th';
  return `${rank}${suffix}`;
}

/** "20 Mo", "1,5 Mo", "312 ko" (French) / "20 MB", "312 kB": sizes in binary multiples,
 * as the server says them (a file refused for its size) and file managers show them. */
export function formatSize(bytes: number): string {
  const units = [
    ['megabyte', 1024 * 1024],
    ['kilobyte', 1024],
  ] as const;
  const language = i18n.language === 'fr' ? 'fr-FR' : 'en-GB';
  for (const [unit, size] of units) {
    if (bytes >= size) {
      return new Intl.NumberFormat(language, { style: 'unit', unit, maximumFractionDigits: 1 }).format(bytes / size);
    }
  }
  return i18n.language === 'fr' ? `${bytes} octets` : `${bytes} bytes`;
}
