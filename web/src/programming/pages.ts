/** The programming workspace: shows, engagements (options and confirmed runs), performances. */
import { recordWorkspace } from '../lib/workspace';
import EngagementPage from './EngagementPage.svelte';
import EngagementsPage from './EngagementsPage.svelte';
import PerformancePage from './PerformancePage.svelte';
import PerformancesPage from './PerformancesPage.svelte';
import ShowPage from './ShowPage.svelte';
import ShowsPage from './ShowsPage.svelte';

export const PROGRAMMING = recordWorkspace(
  { key: 'programming', area: 'programming', fr: 'Programmation', en: 'Programming', prefix: '/programmation', home: '/programmation/exploitations' },
  [
    { path: 'spectacles', fr: 'Spectacles', en: 'Shows', list: ShowsPage, record: ShowPage },
    { path: 'exploitations', fr: 'Exploitations', en: 'Engagements', list: EngagementsPage, record: EngagementPage },
    { path: 'representations', fr: 'Représentations', en: 'Performances', list: PerformancesPage, record: PerformancePage },
  ],
);
