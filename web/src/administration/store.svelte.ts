/**
 * People, teams and permissions as the administration page shows them: loaded together (each
 * section names the others' records), replaced one by one as the server answers each change.
 */
import type { Problem } from '../api/client';
import { notify } from '../lib/notices.svelte';
import { loadPeople, loadPermissions, loadTeams, type Permission, type Person, type Team } from './api';
import { at } from './words';

export const directory = $state({
  people: [] as Person[],
  teams: [] as Team[],
  permissions: [] as Permission[],
  loaded: false,
  error: null as string | null,
});

/** A refusal in words for the person reading (the server's own words when it gave some). */
export function say(problem: Problem): string {
  if (problem.status === 0) return at('adm.offline');
  const fields = problem.errors?.map((e) => e.message).filter(Boolean) ?? [];
  return fields.length ? `${problem.detail} ${fields.join(' ; ')}` : problem.detail;
}

export async function loadDirectory(): Promise<void> {
  directory.error = null;
  const [people, teams, permissions] = await Promise.all([loadPeople(), loadTeams(), loadPermissions()]);
  for (const result of [people, teams, permissions]) {
    if (!result.ok) {
      directory.error = say(result.problem);
      return;
    }
  }
  if (people.ok) directory.people = people.value.items;
  if (teams.ok) directory.teams = teams.value.items;
  if (permissions.ok) directory.permissions = permissions.value.items;
  directory.loaded = true;
}

export async function reloadPermissions(): Promise<void> {
  const result = await loadPermissions();
  if (result.ok) directory.permissions = result.value.items;
}

export function putPerson(person: Person): void {
  const i = directory.people.findIndex((p) => p.id === person.id);
  if (i < 0) directory.people = [...directory.people, person].sort(byName);
  else directory.people[i] = person;
}

export function putTeam(team: Team): void {
  const i = directory.teams.findIndex((t) => t.id === team.id);
  if (i < 0) directory.teams = [...directory.teams, team].sort(byName);
  else directory.teams[i] = team;
}

export function teamName(id: number): string {
  return directory.teams.find((t) => t.id === id)?.name ?? `#${id}`;
}

function byName(a: { name: string }, b: { name: string }): number {
  return a.name.localeCompare(b.name, 'fr');
}

/** Put a secret or an address on the clipboard, and say whether it worked. */
export async function copy(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    notify(at('adm.copied'), 'info', 3);
  } catch {
    notify(at('adm.copyFailed'), 'error');
  }
}
