// DEV-ONLY preview of the UI with a fake back end, for looking at screens in a browser.
// Not part of `npm run build`: its output goes to `preview-dist/` (ignored), never to `dist/`.
//   npm run preview:dev                      live, on http://127.0.0.1:5174/?keys=mixed
//   npm run preview:build && npm run preview:serve   built, on http://127.0.0.1:4174/
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

const here = (path: string) => new URL(path, import.meta.url).pathname;

export default defineConfig({
  root: here('.'),
  base: './',
  plugins: [svelte({ configFile: here('../svelte.config.js') })],
  clearScreen: false,
  server: { host: '127.0.0.1', port: 5174, strictPort: true },
  preview: { host: '127.0.0.1', port: 4174, strictPort: true },
  build: {
    outDir: here('../preview-dist'),
    emptyOutDir: true,
    target: 'es2022',
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
  },
});
