/** Feeds: connectors (exports for ticketing and payroll tools) and imports from spreadsheets. */
import type { Workspace } from '../workspaces';
import ConnectorsPage from './ConnectorsPage.svelte';
import ImportPage from './ImportPage.svelte';

export const FEEDS: Workspace = {
  key: 'feeds',
  // Connectors of performances and most imports are Programming's; the pages say what else
  // each person may do (administrators create connectors).
  area: 'programming',
  fr: 'Échanges',
  en: 'Feeds',
  home: '/echanges/connecteurs',
  prefix: '/echanges',
  tabs: [
    { href: '/echanges/connecteurs', fr: 'Connecteurs', en: 'Connectors' },
    { href: '/echanges/import', fr: 'Import', en: 'Import' },
  ],
  pages: [
    { pattern: '/echanges/connecteurs', component: ConnectorsPage },
    { pattern: '/echanges/import', component: ImportPage },
  ],
};
