/** The directory workspace: organisations, contacts and their roles, places. */
import { recordWorkspace } from '../lib/workspace';
import OrganisationsPage from './OrganisationsPage.svelte';
import OrganisationPage from './OrganisationPage.svelte';
import ContactsPage from './ContactsPage.svelte';
import ContactPage from './ContactPage.svelte';
import PlacesPage from './PlacesPage.svelte';
import PlacePage from './PlacePage.svelte';

export const DIRECTORY = recordWorkspace({ key: 'directory', area: 'directory', fr: 'Annuaire', en: 'Directory', prefix: '/annuaire' }, [
  { path: 'structures', fr: 'Structures', en: 'Organisations', list: OrganisationsPage, record: OrganisationPage },
  { path: 'contacts', fr: 'Contacts', en: 'Contacts', list: ContactsPage, record: ContactPage },
  { path: 'lieux', fr: 'Lieux', en: 'Places', list: PlacesPage, record: PlacePage },
]);
