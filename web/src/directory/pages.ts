/** The directory workspace: organisations, contacts and their roles, places. */
import type { Workspace } from '../workspaces';
import OrganisationsPage from './OrganisationsPage.svelte';
import OrganisationPage from './OrganisationPage.svelte';

export const DIRECTORY: Workspace = {
  key: 'directory',
  area: 'directory',
  fr: 'Annuaire',
  en: 'Directory',
  home: '/annuaire/structures',
  prefix: '/annuaire',
  tabs: [{ href: '/annuaire/structures', fr: 'Structures', en: 'Organisations' }],
  pages: [
    { pattern: '/annuaire/structures', component: OrganisationsPage },
    { pattern: '/annuaire/structures/:id', component: OrganisationPage },
  ],
};
