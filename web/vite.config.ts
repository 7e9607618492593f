import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// `npm run dev` serves the app with hot reload and sends the API to a Saison running on :8000
// (`./dev start`), so the session cookie stays on one origin.
const saison = process.env.SAISON_URL ?? 'http://127.0.0.1:8000';

export default defineConfig({
  plugins: [svelte()],
  build: {
    target: 'es2022',
    sourcemap: true,
    assetsInlineLimit: 0,
  },
  server: {
    proxy: {
      '/api': { target: saison, ws: true },
      '/schema': saison,
      '/health': saison,
    },
  },
});
