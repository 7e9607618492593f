/**
 * A workspace of records (the directory, the technical, the programming): each tab a list of one
 * kind of record under the workspace's prefix, and each record its page at the list's address
 * followed by its id. Said once here so that every workspace's tabs and addresses agree.
 */
import type { Component } from 'svelte';
import type { PageRoute, Workspace } from '../workspaces';

export interface Section {
  /** The list's address after the prefix ("structures" → /annuaire/structures). */
  path: string;
  fr: string;
  en: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  list: Component<any>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  record: Component<any>;
}

export function recordWorkspace(
  workspace: Omit<Workspace, 'tabs' | 'pages' | 'home'> & { home?: string },
  sections: [Section, ...Section[]],
  /** Pages of records that have no list of their own (a room's configuration). */
  more: PageRoute[] = [],
): Workspace {
  const href = (section: Section): string => `${workspace.prefix}/${section.path}`;
  return {
    ...workspace,
    home: workspace.home ?? href(sections[0]),
    tabs: sections.map((section) => ({ href: href(section), fr: section.fr, en: section.en })),
    pages: [
      ...sections.flatMap((section) => [
        { pattern: href(section), component: section.list },
        { pattern: `${href(section)}/:id`, component: section.record },
      ]),
      ...more,
    ],
  };
}
