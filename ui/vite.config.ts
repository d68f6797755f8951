// Builds the UI that Tauri embeds (`frontendDist` = `ui/dist`) and runs the Vitest unit tests.
//
// The output must work under the app's CSP (`script-src 'self'; style-src 'self'`): one external
// module script, one external stylesheet, nothing inline. The dev-only preview with a fake back
// end lives in `preview/` and has its own config, so nothing of it reaches `dist/`.
import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  plugins: [svelte()],
  base: './',
  clearScreen: false,
  server: {
    host: '127.0.0.1',
    port: 1420,
    strictPort: true,
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: ['es2022', 'safari16'],
    // Keep the entry self-contained: the preload polyfill would add code we do not need.
    modulePreload: { polyfill: false },
    // Never inline assets as data: URLs in scripts or styles.
    assetsInlineLimit: 0,
    sourcemap: false,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
    // The contrast test reads app.css as text (`?raw`); Vitest blanks CSS unless told otherwise.
    css: { include: [/app\.css/] },
  },
});
