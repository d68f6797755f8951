// Pins rules of the UI's source that a reviewer could otherwise miss:
// one module talks to the back end, user text is never rendered as HTML, nothing needs
// 'unsafe-inline' styles, and no technical words reach the screen.
import { describe, expect, it } from 'vitest';

const sources = import.meta.glob<string>(['../**/*.ts', '../**/*.svelte', '!../**/*.test.ts'], {
  query: '?raw',
  import: 'default',
  eager: true,
});

const svelteFiles = Object.entries(sources).filter(([path]) => path.endsWith('.svelte'));

/** The markup of a component: without its <script> and <style> blocks, and without comments. */
function markup(source: string): string {
  return source
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<style[\s\S]*?<\/style>/g, '')
    .replace(/<!--[\s\S]*?-->/g, '');
}

describe('the UI source', () => {
  it('is found by this test', () => {
    expect(Object.keys(sources).length).toBeGreaterThan(20);
    expect(svelteFiles.length).toBeGreaterThan(10);
    for (const [path, text] of svelteFiles) expect(text, `${path} is read as written, not compiled`).toMatch(/<script lang="ts"/);
  });

  it('talks to the back end only through lib/api.ts (commands and events)', () => {
    // Any mention in code: `from '@tauri-apps/api/…'`, `import('@tauri-apps/api/…')`, a bare import.
    const importers = Object.entries(sources)
      .filter(([, text]) => /['"`]@tauri-apps\/api[/'"`]/.test(text))
      .map(([path]) => path);
    expect(importers).toEqual(['./api.ts']);
    const api = sources['./api.ts'];
    expect(api).toMatch(/from\s+'@tauri-apps\/api\/core'/);
    expect(api).toMatch(/from\s+'@tauri-apps\/api\/event'/);
  });

  it('never reaches for the back end’s window globals', () => {
    for (const [path, text] of Object.entries(sources)) expect(text, path).not.toMatch(/__TAURI/);
  });

  it('focuses the screen title only through lib/focus.ts', () => {
    for (const [path, text] of Object.entries(sources)) {
      if (path === './focus.ts') continue;
      expect(text, path).not.toMatch(/getElementById\(\s*['"`]screen-title/);
    }
  });

  it('never renders text as HTML', () => {
    for (const [path, text] of svelteFiles) expect(text, path).not.toContain('{@html');
  });

  it('has no style attributes in markup (the CSP refuses inline styles)', () => {
    for (const [path, text] of svelteFiles) expect(markup(text), path).not.toMatch(/\sstyle\s*=/);
  });

  it('shows no technical words to people', () => {
    // "webhook" is said "team channel"; ".json" as the name of a file type is allowed.
    const jargon = /(?<!\.)\b(d-?bus|secret service|ipc|json|webhooks?|invoke|tauri|backend|back end|rust|stack trace|null|undefined)\b/i;
    for (const [path, text] of svelteFiles) {
      const visible = markup(text).replace(/\{[^}]*\}/g, ' ').replace(/<[^>]*>/g, ' ');
      expect(visible, path).not.toMatch(jargon);
    }
  });

  it('names the secret store the way the desktop does, never "keychain" written into a screen', () => {
    // Texts that mention it go through inStoreWords (storeNames.ts): "keyring" on Linux, "Keychain" on a Mac.
    for (const [path, text] of svelteFiles) {
      const visible = markup(text).replace(/\{[^}]*\}/g, ' ').replace(/<[^>]*>/g, ' ');
      expect(visible, path).not.toMatch(/keychain/i);
    }
  });
});
