/**
 * The small lists the planning names things with: kinds of activity (their labels and whether
 * they block a room), shows, teams and people. Each is asked once, and only of those who may
 * read it; without it the app still works with less (a team picker with one's own teams).
 */
import { api } from '../api/client';
import { paintKinds } from '../timeline/kinds';
import { i18n } from './i18n.svelte';
import { can, session } from './session.svelte';

export interface KindInfo {
  kind: string;
  blocks_room: boolean;
  label_fr: string;
  label_en: string;
  /** `#rrggbb` as the venue chose it; the shipped colours (app.css) until the server's arrive. */
  colour?: string;
}

export interface Named {
  id: number;
  name: string;
}

/** Kinds in the order a venue thinks of them, with labels used until the server's arrive. */
export const KIND_ORDER: readonly KindInfo[] = [
  { kind: 'performance', blocks_room: true, label_fr: 'Représentation', label_en: 'Performance' },
  { kind: 'rehearsal', blocks_room: true, label_fr: 'Répétition', label_en: 'Rehearsal' },
  { kind: 'get_in', blocks_room: true, label_fr: 'Montage', label_en: 'Get-in' },
  { kind: 'get_out', blocks_room: true, label_fr: 'Démontage', label_en: 'Get-out' },
  { kind: 'technical_service', blocks_room: true, label_fr: 'Service technique', label_en: 'Technical service' },
  { kind: 'mediation', blocks_room: true, label_fr: 'Médiation', label_en: 'Mediation' },
  { kind: 'private_hire', blocks_room: true, label_fr: 'Location', label_en: 'Private hire' },
  { kind: 'meeting', blocks_room: false, label_fr: 'Réunion', label_en: 'Meeting' },
  { kind: 'maintenance', blocks_room: true, label_fr: 'Maintenance', label_en: 'Maintenance' },
  { kind: 'other', blocks_room: false, label_fr: 'Autre', label_en: 'Other' },
];

export const reference = $state({
  kinds: [...KIND_ORDER] as KindInfo[],
  shows: new Map<number, string>(),
  teams: [] as Named[],
  users: [] as Named[],
  loaded: false,
});

export function kindLabel(kind: string): string {
  const info = reference.kinds.find((k) => k.kind === kind);
  if (!info) return kind;
  return i18n.language === 'fr' ? info.label_fr : info.label_en;
}

export function blocksRoom(kind: string): boolean {
  return reference.kinds.find((k) => k.kind === kind)?.blocks_room ?? true;
}

export function showTitle(id: number | null): string | null {
  return id === null ? null : (reference.shows.get(id) ?? null);
}

let loading: Promise<void> | null = null;

export function loadReference(): Promise<void> {
  loading ??= load().finally(() => {
    reference.loaded = true;
  });
  return loading;
}

async function load(): Promise<void> {
  const me = session.me;
  await Promise.all([
    api.GET('/api/v1/activity-kinds').then(({ data }) => {
      if (!data) return;
      const order = KIND_ORDER.map((k) => k.kind);
      reference.kinds = [...data].sort(
        (a, b) => (order.indexOf(a.kind) + 1 || 99) - (order.indexOf(b.kind) + 1 || 99),
      );
      paintKinds(reference.kinds);
    }),
    can('programming', 'read')
      ? api.GET('/api/v1/shows', { params: { query: { limit: 10_000 } } }).then(({ data }) => {
          if (data) reference.shows = new Map(data.items.map((s) => [s.id, s.title]));
        })
      : null,
    // An activity's team by its name for everyone who reads the planning, members or not.
    can('planning', 'read')
      ? api.GET('/api/v1/team-names').then(({ data }) => {
          if (data) reference.teams = data;
        })
      : myTeams(),
    // Whom activities can be assigned to: names and teams, for everyone who reads the planning.
    can('planning', 'read')
      ? api.GET('/api/v1/people').then(({ data }) => {
          if (data) reference.users = data.map((u) => ({ id: u.id, name: u.name }));
        })
      : null,
  ]);
  if (me && !reference.users.some((u) => u.id === me.user_id) && me.user_id !== null) {
    reference.users = [{ id: me.user_id, name: me.name }, ...reference.users];
  }
}

/** Without the planning, one's own teams, named as one's calendars name them. */
async function myTeams(): Promise<void> {
  const ids = session.me?.team_ids ?? [];
  if (!ids.length) return;
  const { data } = await api.GET('/api/v1/calendars');
  const names = new Map<number, string>();
  for (const calendar of data?.calendars ?? []) {
    const match = /^team:(\d+)$/.exec(calendar.feed_scope);
    if (match) names.set(Number(match[1]), calendar.name);
  }
  reference.teams = ids.map((id) => ({ id, name: names.get(id) ?? `#${id}` }));
}
