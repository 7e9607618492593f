/** The technical workspace: venues, rooms (configurations, links), technical sheets and files. */
import type { Workspace } from '../workspaces';
import VenuesPage from './VenuesPage.svelte';
import VenuePage from './VenuePage.svelte';
import RoomsPage from './RoomsPage.svelte';
import RoomPage from './RoomPage.svelte';
import ConfigurationPage from './ConfigurationPage.svelte';
import SheetsPage from './SheetsPage.svelte';
import SheetPage from './SheetPage.svelte';

export const TECHNICAL: Workspace = {
  key: 'technical',
  area: 'technical',
  fr: 'Technique',
  en: 'Technical',
  home: '/technique/salles',
  prefix: '/technique',
  tabs: [
    { href: '/technique/salles', fr: 'Salles', en: 'Rooms' },
    { href: '/technique/lieux', fr: 'Lieux', en: 'Venues' },
    { href: '/technique/fiches', fr: 'Fiches techniques', en: 'Technical sheets' },
  ],
  pages: [
    { pattern: '/technique/lieux', component: VenuesPage },
    { pattern: '/technique/lieux/:id', component: VenuePage },
    { pattern: '/technique/salles', component: RoomsPage },
    { pattern: '/technique/salles/:id', component: RoomPage },
    { pattern: '/technique/configurations/:id', component: ConfigurationPage },
    { pattern: '/technique/fiches', component: SheetsPage },
    { pattern: '/technique/fiches/:id', component: SheetPage },
  ],
};
