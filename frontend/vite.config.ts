import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/**
 * The seat-map SPA. Built once for every stage: the API and WebSocket URLs come from /config.json
 * at run time, so the same dist/ works locally (served by the local gateway) and on AWS.
 *
 *   vite build --config frontend/vite.config.ts      → frontend/dist
 */
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  plugins: [react()],
  logLevel: 'warn',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
  },
});
