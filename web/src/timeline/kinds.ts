/** Kinds of activity as blocks show them: a CSS class per kind (colours live in app.css). */
export const KIND_CLASSES: Record<string, string> = {
  performance: 'k-performance',
  rehearsal: 'k-rehearsal',
  get_in: 'k-get-in',
  get_out: 'k-get-out',
  technical_service: 'k-service',
  mediation: 'k-mediation',
  private_hire: 'k-hire',
  meeting: 'k-meeting',
  maintenance: 'k-maintenance',
  other: 'k-other',
};

export function kindClass(kind: string): string {
  return KIND_CLASSES[kind] ?? 'k-other';
}

/** Which kind a day of a room is coloured by, when several share it. */
export const KIND_PRIORITY = [
  'performance',
  'private_hire',
  'get_in',
  'get_out',
  'rehearsal',
  'technical_service',
  'mediation',
  'maintenance',
  'meeting',
  'other',
];

/** Relative luminance of `#rrggbb` (WCAG 2). */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

const LIGHT_INK = '#ffffff';
const DARK_INK = '#1c1f24';

/** The text colour that reads best on a block of `colour`: white or near-black. */
export function inkOn(colour: string): string {
  const l = luminance(colour);
  const onWhite = 1.05 / (l + 0.05);
  const onDark = (l + 0.05) / (luminance(DARK_INK) + 0.05);
  return onWhite >= onDark ? LIGHT_INK : DARK_INK;
}

/**
 * Paint every kind with the colour the venue chose (administration → kinds of activity): one
 * style sheet of `--kind` / `--kind-ink` per kind's class, replacing the shipped colours.
 */
export function paintKinds(kinds: readonly { kind: string; colour?: string | null }[]): void {
  const rules = kinds
    .filter((k) => k.colour && /^#[0-9a-f]{6}$/i.test(k.colour))
    .map((k) => `:root .${kindClass(k.kind)} { --kind: ${k.colour}; --kind-ink: ${inkOn(k.colour!)}; }`);
  let sheet = document.getElementById('saison-kind-colours');
  if (!sheet) {
    sheet = document.createElement('style');
    sheet.id = 'saison-kind-colours';
    document.head.append(sheet);
  }
  sheet.textContent = rules.join('\n');
}
