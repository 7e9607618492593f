/**
 * The directory's words (organisations, contacts and their roles, places), French first.
 */
import { i18n } from '../lib/i18n.svelte';

const fr = {
  'organisations.title': 'Structures',
  'organisation.name': 'Nom',
  'organisation.kind': 'Type',
  'organisation.email': 'E-mail',
  'organisation.phone': 'Téléphone',
  'organisation.website': 'Site web',
  'organisation.address': 'Adresse',
  'organisation.postcode': 'Code postal',
  'organisation.city': 'Ville',
  'organisation.country': 'Pays',
  'organisation.siret': 'SIRET',
  'organisation.ape_code': 'Code APE',
  'organisation.vat_number': 'N° de TVA intracommunautaire',
  'organisation.licence_numbers': 'Licences d’entrepreneur de spectacles',
  'organisation.notes': 'Notes',
  'organisation.people': 'Personnes',
  'organisation.noPeople': 'Personne n’est rattaché à cette structure.',
  'kind.company': 'Compagnie',
  'kind.producer': 'Producteur',
  'kind.agency': 'Agence / tourneur',
  'kind.partner_venue': 'Lieu partenaire',
  'kind.funder': 'Financeur',
  'kind.other': 'Autre',
};

type Word = keyof typeof fr;

const en: Record<Word, string> = {
  'organisations.title': 'Organisations',
  'organisation.name': 'Name',
  'organisation.kind': 'Kind',
  'organisation.email': 'Email',
  'organisation.phone': 'Phone',
  'organisation.website': 'Website',
  'organisation.address': 'Address',
  'organisation.postcode': 'Postcode',
  'organisation.city': 'City',
  'organisation.country': 'Country',
  'organisation.siret': 'SIRET',
  'organisation.ape_code': 'APE code',
  'organisation.vat_number': 'VAT number',
  'organisation.licence_numbers': 'Performing-arts licences',
  'organisation.notes': 'Notes',
  'organisation.people': 'People',
  'organisation.noPeople': 'Nobody belongs to this organisation.',
  'kind.company': 'Company',
  'kind.producer': 'Producer',
  'kind.agency': 'Agency',
  'kind.partner_venue': 'Partner venue',
  'kind.funder': 'Funder',
  'kind.other': 'Other',
};

export function dt(key: Word, params: Record<string, string | number> = {}): string {
  const text: string = (i18n.language === 'fr' ? fr : en)[key] ?? fr[key];
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
