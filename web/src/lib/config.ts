/**
 * What the server tells the page when it serves it (a JSON block in index.html): the venue's
 * time zone and the language to speak. The app never takes the zone from the browser: a
 * technician on tour in Montréal still reads the venue's times.
 */
export type Language = 'fr' | 'en';

export interface SaisonConfig {
  timezone: string;
  language: Language;
  languages: Language[];
  defaultLanguage: Language;
}

const FALLBACK: SaisonConfig = {
  // Only when the page is not served by Saison (the Vite dev server): the default venue zone.
  timezone: 'Europe/Paris',
  language: 'fr',
  languages: ['fr', 'en'],
  defaultLanguage: 'fr',
};

function read(): SaisonConfig {
  const block = document.getElementById('saison-config');
  if (!block?.textContent) return FALLBACK;
  try {
    return { ...FALLBACK, ...(JSON.parse(block.textContent) as Partial<SaisonConfig>) };
  } catch {
    return FALLBACK;
  }
}

export const config: SaisonConfig = read();
