/** The programming workspace: shows, engagements (options and confirmed runs), performances. */
import type { Workspace } from '../workspaces';
import EngagementPage from './EngagementPage.svelte';
import EngagementsPage from './EngagementsPage.svelte';
import PerformancePage from './PerformancePage.svelte';
import PerformancesPage from './PerformancesPage.svelte';
import ShowPage from './ShowPage.svelte';
import ShowsPage from './ShowsPage.svelte';

export const PROGRAMMING: Workspace = {
  key: 'programming',
  area: 'programming',
  fr: 'Programmation',
  en: 'Programming',
  home: '/programmation/exploitations',
  prefix: '/programmation',
  tabs: [
    { href: '/programmation/spectacles', fr: 'Spectacles', en: 'Shows' },
    { href: '/programmation/exploitations', fr: 'Exploitations', en: 'Engagements' },
    { href: '/programmation/representations', fr: 'Représentations', en: 'Performances' },
  ],
  pages: [
    { pattern: '/programmation/spectacles', component: ShowsPage },
    { pattern: '/programmation/spectacles/:id', component: ShowPage },
    { pattern: '/programmation/exploitations', component: EngagementsPage },
    { pattern: '/programmation/exploitations/:id', component: EngagementPage },
    { pattern: '/programmation/representations', component: PerformancesPage },
    { pattern: '/programmation/representations/:id', component: PerformancePage },
  ],
};
