/** The directory workspace: organisations, contacts and their roles, places. */
import type { Workspace } from '../workspaces';
import OrganisationsPage from './OrganisationsPage.svelte';
import OrganisationPage from './OrganisationPage.svelte';
import ContactsPage from './ContactsPage.svelte';
import ContactPage from './ContactPage.svelte';
import PlacesPage from './PlacesPage.svelte';
import PlacePage from './PlacePage.svelte';

export const DIRECTORY: Workspace = {
  key: 'directory',
  area: 'directory',
  fr: 'Annuaire',
  en: 'Directory',
  home: '/annuaire/structures',
  prefix: '/annuaire',
  tabs: [
    { href: '/annuaire/structures', fr: 'Structures', en: 'Organisations' },
    { href: '/annuaire/contacts', fr: 'Contacts', en: 'Contacts' },
    { href: '/annuaire/lieux', fr: 'Lieux', en: 'Places' },
  ],
  pages: [
    { pattern: '/annuaire/structures', component: OrganisationsPage },
    { pattern: '/annuaire/structures/:id', component: OrganisationPage },
    { pattern: '/annuaire/contacts', component: ContactsPage },
    { pattern: '/annuaire/contacts/:id', component: ContactPage },
    { pattern: '/annuaire/lieux', component: PlacesPage },
    { pattern: '/annuaire/lieux/:id', component: PlacePage },
  ],
};
