/**
 * The planning workspace: the season timeline (`/planning`, the top bar's "Planning", drawn by
 * App.svelte) and the pages under it: an activity's page. The prefix keeps its trailing slash so
 * that `/planning` itself (and its query: view, date, filters) stays the timeline.
 */
import type { Workspace } from '../workspaces';
import ActivityPage from './ActivityPage.svelte';

export const PLANNING: Workspace = {
  key: 'planning',
  area: 'planning',
  fr: 'Planning',
  en: 'Planning',
  home: '/planning',
  prefix: '/planning/',
  // The top bar's first link is already the planning (its timeline): no second entry.
  inTopBar: false,
  tabs: [],
  pages: [{ pattern: '/planning/activites/:id', component: ActivityPage }],
};
