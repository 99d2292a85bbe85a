import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

// Built into web/dist, which the server serves at / (src/app.ts). In
// development `vite --config web/vite.config.ts` proxies the API to a running server.
export default defineConfig({
  root,
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // The CSP allows scripts from 'self' only: no inlined module preload helper.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
  server: {
    proxy: { '/api': process.env.CONFIDANT_API_URL ?? 'http://localhost:3000' },
  },
});
