/**
 * Editing a record in place with If-Match: what the person started from, what they typed, and
 * after a 412, what the other person changed among the fields being edited.
 */
export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export type Shown = (value: unknown) => string;

/** The fields of `fields` whose value differs between `base` (what editing started from) and
 * `fresh` (the server's record now), in words. */
export function differences<T extends object>(
  base: T,
  fresh: T,
  fields: readonly (keyof T & string)[],
  label: (field: string) => string,
  shown: Shown,
): FieldChange[] {
  const out: FieldChange[] = [];
  for (const field of fields) {
    const before = base[field];
    const after = fresh[field];
    if (JSON.stringify(before) !== JSON.stringify(after)) {
      out.push({ field: label(field), before: shown(before), after: shown(after) });
    }
  }
  return out;
}

/** Only what the person changed, so that saving never rewrites another field with an old value. */
export function changed<T extends object>(base: T, draft: Partial<T>, fields: readonly (keyof T & string)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const field of fields) {
    if (field in draft && JSON.stringify(draft[field]) !== JSON.stringify(base[field])) out[field] = draft[field];
  }
  return out;
}

/** `use:escape={cancel}`: Esc inside the element (a form being edited) cancels the edit. */
export function escape(node: HTMLElement, cancel: () => void): { update(next: () => void): void; destroy(): void } {
  let current = cancel;
  const onkey = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape') return;
    event.preventDefault();
    current();
  };
  node.addEventListener('keydown', onkey);
  return {
    update: (next) => (current = next),
    destroy: () => node.removeEventListener('keydown', onkey),
  };
}
