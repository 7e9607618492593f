/**
 * How a record's fields are shown and edited, described once per kind of record: each page
 * lists its fields (name, label, kind) and the shared record page, list and forms do the rest.
 * Values travel as the API writes them (amounts as decimal strings, days as ISO dates, instants
 * with their offset) and are shown in the venue's words and time.
 */
import { i18n } from '../lib/i18n.svelte';
import { formatDay, formatTime, wallClock } from '../lib/time';

export type FieldKind =
  | 'text'
  | 'long'
  | 'email'
  | 'phone'
  | 'url'
  | 'integer'
  | 'money'
  | 'percent'
  | 'day'
  | 'instant'
  | 'bool'
  | 'choice'
  | 'reference'
  | 'references'
  | 'lines'
  /** Named amounts in euros, one a line ("Plein tarif : 22,00"): tariffs. */
  | 'prices';

export interface Choice {
  value: string | number;
  label: string;
}

export interface FieldSpec {
  name: string;
  label: string;
  kind: FieldKind;
  /** Choices of a `choice`, `reference` or `references` field (loaded by the page). */
  choices?: Choice[];
  /** Where a reference's record page is, to link to it: `(id) => '/annuaire/structures/3'`. */
  href?: (id: number) => string;
  required?: boolean;
  /** Shown but never edited (computed by the server, or changed by a workflow action). */
  readOnly?: boolean;
  /** Shown under the input. */
  hint?: string;
  /** Not offered when creating (the server fills it). */
  notOnCreate?: boolean;
  /** What each line of a `lines` field is (several emails, several phone numbers). */
  items?: 'email' | 'phone';
  /** Spans the whole width of the form (long texts). */
  wide?: boolean;
  /** The heading this field is shown under (the run, hospitality, the contract…); fields of
   * one group follow each other in the list. */
  group?: string;
}

/** Consecutive fields under the same heading (one untitled section when none has a group). */
export function sections(fields: FieldSpec[]): { group: string; fields: FieldSpec[] }[] {
  const out: { group: string; fields: FieldSpec[] }[] = [];
  for (const spec of fields) {
    const last = out.at(-1);
    if (last && last.group === (spec.group ?? '')) last.fields.push(spec);
    else out.push({ group: spec.group ?? '', fields: [spec] });
  }
  return out;
}

export type Values = Record<string, unknown>;

/** A named amount as the API gives it ({label: "Plein tarif", amount: "22.00"}). */
export interface Price {
  label: string;
  amount: string;
}

/** "Plein tarif : 22,00" per line ↔ [{label, amount}]; a line without an amount is kept whole,
 * for the server to name what is wrong with it. */
function pricesFromText(text: string): Price[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const found = /^(.*?)\s*[:=]\s*([\d\s\u00a0\u202f]+(?:[.,]\d{1,2})?)\s*€?$/.exec(line);
      if (!found) return { label: line, amount: '' };
      return { label: (found[1] ?? '').trim(), amount: (found[2] ?? '').replace(/[\s\u00a0\u202f]/g, '').replace(',', '.') };
    });
}

function locale(): string {
  return i18n.language === 'fr' ? 'fr-FR' : 'en-GB';
}

/** "12 500,00 €" / "€12,500.00". */
export function formatMoney(value: string | number): string {
  const amount = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(amount)) return String(value);
  return new Intl.NumberFormat(locale(), { style: 'currency', currency: 'EUR' }).format(amount);
}

/** "5,5 %" / "5.5%". */
export function formatPercent(value: string | number): string {
  const amount = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(amount)) return String(value);
  return new Intl.NumberFormat(locale(), { style: 'percent', maximumFractionDigits: 2 }).format(amount / 100);
}

/** "mar. 14 janv. 2027, 20 h 30" in the venue's time. */
export function formatInstant(iso: string): string {
  const wall = wallClock(iso);
  return `${formatDay(wall.slice(0, 10))}, ${formatTime(wall)}`;
}

function choiceLabel(spec: FieldSpec, value: unknown): string {
  const found = spec.choices?.find((choice) => String(choice.value) === String(value));
  return found ? found.label : `#${String(value)}`;
}

/** The value as a person reads it; '' when there is none (the page shows a dash). */
export function display(spec: FieldSpec, value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  switch (spec.kind) {
    case 'money':
      return formatMoney(value as string);
    case 'percent':
      return formatPercent(value as string);
    case 'day':
      return formatDay(String(value));
    case 'instant':
      return formatInstant(String(value));
    case 'bool':
      return value ? (i18n.language === 'fr' ? 'oui' : 'yes') : i18n.language === 'fr' ? 'non' : 'no';
    case 'choice':
    case 'reference':
      return choiceLabel(spec, value);
    case 'references':
      return (value as unknown[]).map((v) => choiceLabel(spec, v)).join(', ');
    case 'lines':
      return (value as unknown[]).join('\n');
    case 'prices':
      return (value as Price[]).map((p) => `${p.label} ${formatMoney(p.amount)}`).join(' · ');
    default:
      return String(value);
  }
}

/** What an input holds for a value (datetime-local wants the venue's wall clock, no offset). */
export function toInput(spec: FieldSpec, value: unknown): unknown {
  if (value === null || value === undefined) {
    if (spec.kind === 'bool') return false;
    if (spec.kind === 'references') return [];
    return '';
  }
  if (spec.kind === 'instant') return wallClock(String(value)).slice(0, 16);
  if (spec.kind === 'references') return (value as unknown[]).map(String);
  if (spec.kind === 'lines') return (value as unknown[]).join('\n');
  if (spec.kind === 'prices') {
    return (value as Price[]).map((p) => `${p.label} : ${String(p.amount).replace('.', i18n.language === 'fr' ? ',' : '.')}`).join('\n');
  }
  if (spec.kind === 'reference' || spec.kind === 'choice' || spec.kind === 'integer') return String(value);
  return value;
}

/** What the API receives from an input: empty means none; numbers and ids as numbers;
 * amounts as typed by a French hand ("12 500,50") made decimal ("12500.50"). */
export function fromInput(spec: FieldSpec, raw: unknown): unknown {
  if (spec.kind === 'bool') return Boolean(raw);
  if (spec.kind === 'references') return (raw as string[]).map(Number);
  if (spec.kind === 'prices') return pricesFromText(String(raw ?? ''));
  if (spec.kind === 'lines') {
    return String(raw ?? '').split('\n').map((line) => line.trim()).filter(Boolean);
  }
  if (raw === null || raw === undefined) return null;
  const text = String(raw).trim();
  if (text === '') return null;
  switch (spec.kind) {
    case 'integer':
    case 'reference':
      return /^-?\d+$/.test(text) ? Number(text) : text;
    case 'money':
    case 'percent':
      return text.replace(/[\s\u00a0\u202f€%]/g, '').replace(',', '.');
    case 'instant':
      return text.length === 16 ? `${text}:00` : text;
    case 'choice': {
      const numeric = spec.choices?.some((choice) => typeof choice.value === 'number');
      return numeric ? Number(text) : text;
    }
    default:
      return text;
  }
}

/** Two API values mean the same (amounts "12500" and "12500.00", instants in any offset). */
export function same(spec: FieldSpec, a: unknown, b: unknown): boolean {
  const empty = (v: unknown): boolean =>
    v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  if (empty(a) && empty(b)) return true;
  if (empty(a) || empty(b)) return false;
  if (spec.kind === 'money' || spec.kind === 'percent') return Number(a) === Number(b);
  if (spec.kind === 'instant') return wallClock(String(a)).slice(0, 16) === wallClock(String(b)).slice(0, 16);
  if (spec.kind === 'lines') return JSON.stringify(a) === JSON.stringify(b);
  if (spec.kind === 'prices') {
    const plain = (v: unknown): string => JSON.stringify((v as Price[]).map((p) => [p.label, Number(p.amount)]));
    return plain(a) === plain(b);
  }
  if (spec.kind === 'references') {
    return JSON.stringify([...(a as unknown[])].map(String).sort()) === JSON.stringify([...(b as unknown[])].map(String).sort());
  }
  return String(a) === String(b);
}
