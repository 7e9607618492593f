/**
 * The calls behind the administration page: people, teams, permissions, tokens, kinds and the
 * server's settings. Each answers a `Result`, so a refusal is shown in words, never thrown.
 */
import { api, call, ifMatch, type Schemas } from '../api/client';
import type { Area, LevelName } from '../lib/session.svelte';

export type Person = Schemas['UserOut'];
export type PersonChanges = Schemas['UserInPatch'];
export type Team = Schemas['TeamOut'];
export type Permission = Schemas['PermissionOut'];
export type Token = Schemas['TokenOut'];
export type OwnedToken = Schemas['OwnedTokenOut'];
export type Kind = Schemas['ActivityKindOut'];
export type KindChanges = Schemas['ActivityKindPatch'];
export type Setting = Schemas['SettingOut'];

/** The workspaces a level is given on, in the order the matrix shows them. */
export const AREAS: readonly Area[] = ['directory', 'technical', 'programming', 'planning', 'communication', 'contracts', 'administration'];
export const LEVELS: readonly LevelName[] = ['none', 'read', 'write', 'manage'];
const ALL = 10_000; // a venue's people and teams fit in one page

const fresh = { cache: 'no-store' as const };

export const loadPeople = () =>
  call(() => api.GET('/api/v1/users', { params: { query: { limit: ALL } }, ...fresh }));
export const loadPerson = (id: number) =>
  call(() => api.GET('/api/v1/users/{record_id}', { params: { path: { record_id: id } }, ...fresh }));
export const createPerson = (body: Schemas['UserIn']) => call(() => api.POST('/api/v1/users', { body }));
export const updatePerson = (person: Pick<Person, 'id' | 'version'>, body: PersonChanges) =>
  call(() =>
    api.PATCH('/api/v1/users/{record_id}', {
      params: { path: { record_id: person.id } },
      headers: ifMatch(person.version),
      body,
    }),
  );

export const loadTeams = () =>
  call(() => api.GET('/api/v1/teams', { params: { query: { limit: ALL } }, ...fresh }));
export const createTeam = (body: Schemas['TeamIn']) => call(() => api.POST('/api/v1/teams', { body }));

export const loadPermissions = () =>
  call(() => api.GET('/api/v1/permissions', { params: { query: { limit: ALL } }, ...fresh }));
export const createPermission = (body: Schemas['PermissionIn']) =>
  call(() => api.POST('/api/v1/permissions', { body }));
export const updatePermission = (permission: Permission, level: LevelName) =>
  call(() =>
    api.PATCH('/api/v1/permissions/{record_id}', {
      params: { path: { record_id: permission.id } },
      headers: ifMatch(permission.version),
      body: { level },
    }),
  );
export const deletePermission = (permission: Permission) =>
  call(() =>
    api.DELETE('/api/v1/permissions/{record_id}', {
      params: { path: { record_id: permission.id } },
      headers: ifMatch(permission.version),
    }),
  );

export const loadMyTokens = () => call(() => api.GET('/api/v1/auth/tokens', fresh));
export const createToken = (name: string, scopes: Record<string, LevelName>) =>
  call(() => api.POST('/api/v1/auth/tokens', { body: { name, kind: 'api', scopes } }));
export const revokeToken = (id: number) =>
  call(() => api.DELETE('/api/v1/auth/tokens/{token_id}', { params: { path: { token_id: id } } }));
export const loadAllTokens = () => call(() => api.GET('/api/v1/tokens', fresh));

export const loadKinds = () => call(() => api.GET('/api/v1/activity-kinds', fresh));
export const updateKind = (kind: string, body: KindChanges) =>
  call(() => api.PATCH('/api/v1/activity-kinds/{kind}', { params: { path: { kind } }, body }));

export const loadSettings = () => call(() => api.GET('/api/v1/settings', fresh));

/**
 * A first password for a new person (or a forgotten one): 16 letters and digits from the
 * browser's cryptographic generator, without look-alikes (0/O, 1/l/I), so it can be read aloud.
 */
export function newPassword(length = 16): string {
  const alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789';
  const limit = 256 - (256 % alphabet.length); // no modulo bias
  const out: string[] = [];
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < limit && out.length < length) out.push(alphabet.charAt(byte % alphabet.length));
    }
  }
  return out.join('');
}

/** Levels in order, to compare them. */
export function rank(level: LevelName): number {
  return LEVELS.indexOf(level);
}

/**
 * What a person may do in each workspace, as the server decides it (`levels_of`): their own
 * grant wins, else the best of their teams; administrators manage everything.
 */
export function effectiveLevels(person: Person, permissions: Permission[]): Record<Area, LevelName> {
  const out = {} as Record<Area, LevelName>;
  for (const area of AREAS) {
    if (person.is_admin) {
      out[area] = 'manage';
      continue;
    }
    const own = permissions.find((p) => p.user_id === person.id && p.area === area);
    if (own) {
      out[area] = own.level as LevelName;
      continue;
    }
    out[area] = teamLevel(person.team_ids, area, permissions);
  }
  return out;
}

/** The best level the given teams hold on `area`. */
export function teamLevel(teamIds: number[], area: Area, permissions: Permission[]): LevelName {
  let best: LevelName = 'none';
  for (const p of permissions) {
    if (p.team_id != null && teamIds.includes(p.team_id) && p.area === area && rank(p.level as LevelName) > rank(best)) {
      best = p.level as LevelName;
    }
  }
  return best;
}
