/** The technical workspace: venues, rooms (configurations, links), technical sheets and files. */
import { recordWorkspace } from '../lib/workspace';
import VenuesPage from './VenuesPage.svelte';
import VenuePage from './VenuePage.svelte';
import RoomsPage from './RoomsPage.svelte';
import RoomPage from './RoomPage.svelte';
import ConfigurationPage from './ConfigurationPage.svelte';
import SheetsPage from './SheetsPage.svelte';
import SheetPage from './SheetPage.svelte';

export const TECHNICAL = recordWorkspace(
  { key: 'technical', area: 'technical', fr: 'Technique', en: 'Technical', prefix: '/technique' },
  [
    { path: 'salles', fr: 'Salles', en: 'Rooms', list: RoomsPage, record: RoomPage },
    { path: 'lieux', fr: 'Lieux', en: 'Venues', list: VenuesPage, record: VenuePage },
    { path: 'fiches', fr: 'Fiches techniques', en: 'Technical sheets', list: SheetsPage, record: SheetPage },
  ],
  [{ pattern: '/technique/configurations/:id', component: ConfigurationPage }],
);
