/**
 * Client routes: the path and query of the address bar, kept in one reactive place. Links to a
 * view (with its date and filters) are plain URLs, so they can be shared and bookmarked; the
 * server answers the app's page for any of them.
 */
export const route = $state({
  path: location.pathname,
  query: new URLSearchParams(location.search),
});

function sync(): void {
  route.path = location.pathname;
  route.query = new URLSearchParams(location.search);
}

window.addEventListener('popstate', sync);

/** Go to `url` (same origin); `replace` rewrites the current history entry instead. */
export function navigate(url: string, { replace = false } = {}): void {
  const target = new URL(url, location.origin);
  if (target.origin !== location.origin) throw new Error(`not an address of Saison: ${url}`);
  const relative = target.pathname + target.search + target.hash;
  if (relative === location.pathname + location.search + location.hash) return;
  if (replace) history.replaceState(history.state, '', relative);
  else history.pushState(null, '', relative);
  sync();
}

/** Where the person was (path and query), to come back to after signing in. */
export function here(): string {
  return location.pathname + location.search;
}

/** A `next` value that can only lead inside Saison (never `//evil.example` or `https://…`). */
export function safeNext(next: string | null): string {
  if (!next || !next.startsWith('/') || next.startsWith('//') || next.startsWith('/\\')) {
    return '/planning';
  }
  if (next.startsWith('/sign-in')) return '/planning';
  return next;
}

/** Links inside the app move without reloading the page. */
export function link(node: HTMLAnchorElement): { destroy(): void } {
  const onclick = (event: MouseEvent): void => {
    if (event.defaultPrevented || event.button !== 0) return;
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    navigate(node.getAttribute('href') ?? '/');
  };
  node.addEventListener('click', onclick);
  return { destroy: () => node.removeEventListener('click', onclick) };
}

/** The named parts of `path` when it has the shape of `pattern` ('/annuaire/structures/:id'). */
export function matchRoute(pattern: string, path: string = route.path): Record<string, string> | null {
  const want = pattern.split('/');
  const have = path.replace(/\/$/, '').split('/');
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i += 1) {
    const part = want[i] ?? '';
    const value = have[i] ?? '';
    if (part.startsWith(':')) {
      if (!value) return null;
      params[part.slice(1)] = decodeURIComponent(value);
    } else if (part !== value) {
      return null;
    }
  }
  return params;
}

/** A record id from the address (`/…/42`), or null for anything else. */
export function idParam(pattern: string): number | null {
  const id = matchRoute(pattern)?.id;
  return id && /^\d+$/.test(id) ? Number(id) : null;
}
