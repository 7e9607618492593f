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
