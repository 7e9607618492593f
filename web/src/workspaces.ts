/**
 * The app's workspaces as the venue names them, each with its pages (address → component) and
 * its tabs. A workspace appears in the top bar only for those who may read it; its pages check
 * the same level, so an address typed by hand says "not allowed" rather than showing blanks.
 * Each workspace lists its own pages in its folder (`directory/pages.ts`…), gathered here.
 */
import type { Component } from 'svelte';
import { i18n } from './lib/i18n.svelte';
import { matchRoute, route } from './lib/router.svelte';
import { can, type Area } from './lib/session.svelte';
import { DIRECTORY } from './directory/pages';
import { TECHNICAL } from './technical/pages';
import { PROGRAMMING } from './programming/pages';
import { PLANNING } from './planning/pages';
import { FEEDS } from './feeds/pages';

export interface Tab {
  href: string;
  fr: string;
  en: string;
}

export interface PageRoute {
  pattern: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  component: Component<any>;
}

export interface Workspace {
  key: string;
  area: Area;
  fr: string;
  en: string;
  /** Where the workspace opens. */
  home: string;
  /** Address prefix of its pages. */
  prefix: string;
  /** False when the top bar already links to it otherwise (the planning's timeline). */
  inTopBar?: boolean;
  tabs: Tab[];
  pages: PageRoute[];
}

export const WORKSPACES: Workspace[] = [PLANNING, PROGRAMMING, TECHNICAL, DIRECTORY, FEEDS];

export function words(item: { fr: string; en: string }): string {
  return i18n.language === 'fr' ? item.fr : item.en;
}

/** The workspaces the top bar lists for this person. */
export function visibleWorkspaces(): Workspace[] {
  return WORKSPACES.filter((workspace) => workspace.inTopBar !== false && can(workspace.area, 'read'));
}

/** The workspace page the address shows, with the address's named parts. */
export function currentPage(
  path: string = route.path,
): { workspace: Workspace; page: PageRoute; params: Record<string, string> } | null {
  for (const workspace of WORKSPACES) {
    if (!path.startsWith(workspace.prefix)) continue;
    for (const page of workspace.pages) {
      const params = matchRoute(page.pattern, path);
      if (params) return { workspace, page, params };
    }
  }
  return null;
}
