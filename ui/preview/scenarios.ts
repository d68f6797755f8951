/**
 * DEV-ONLY: drives the real UI into a state worth a screenshot, the way a person would
 * (typing into fields, pressing buttons), for headless Chromium which cannot click.
 */

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor<T>(find: () => T | null | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() - started > timeoutMs) throw new Error(`preview scenario: gave up waiting for ${what}`);
    await sleep(25);
  }
}

function buttonNamed(text: string): HTMLButtonElement | null {
  return [...document.querySelectorAll('button')].find((b) => b.textContent?.trim().includes(text)) ?? null;
}

async function press(text: string): Promise<void> {
  const button = await waitFor(() => buttonNamed(text), `the “${text}” button`);
  button.focus();
  button.click();
  await sleep(50);
}

async function typeInto(selector: string, text: string): Promise<void> {
  const field = await waitFor(() => document.querySelector<HTMLInputElement | HTMLTextAreaElement>(selector), selector);
  field.focus();
  field.value = text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  await sleep(30);
}

async function generateForm(): Promise<void> {
  (await waitFor(() => buttonNamed('Generate an API key') ?? buttonNamed('Generate your first key'), 'a Generate button')).click();
  await typeInto('#gen-service', 'Payments API');
  await typeInto('#gen-application', 'Shop website');
  await waitFor(() => document.body.textContent?.includes('This name is free to use'), 'the name check');
}

async function openFirstKey(): Promise<void> {
  const row = await waitFor(() => document.querySelector<HTMLButtonElement>('[data-row-index="0"] button'), 'the first row');
  row.focus();
  row.click();
  await waitFor(() => buttonNamed('Delete key'), 'the details screen');
}

/** Opens a key's details the way a clicked desktop notification does (the `open-key` event). */
async function openKeyById(id: string): Promise<void> {
  await waitFor(() => document.querySelector('[data-row-index="0"] button'), 'the list');
  (window as unknown as { __TAURI_INTERNALS__: { emit: (event: string, payload: unknown) => void } }).__TAURI_INTERNALS__.emit('open-key', { id });
  await waitFor(() => document.querySelector('.kicker'), 'the details screen');
  await sleep(150);
}

async function openSection(label: string, ready: string): Promise<void> {
  const button = await waitFor(
    () => [...document.querySelectorAll<HTMLButtonElement>('nav button')].find((b) => b.textContent?.trim() === label),
    `the ${label} button`,
  );
  button.click();
  await waitFor(() => document.body.textContent?.includes(ready), ready);
  await sleep(100);
}

function scrollMainTo(selector: string): void {
  const target = document.querySelector<HTMLElement>(selector);
  const main = document.querySelector<HTMLElement>('main');
  if (target && main) main.scrollTop = target.offsetTop - 12;
}

const SCENARIOS: Record<string, () => Promise<void>> = {
  'generate-form': generateForm,
  generate: async () => {
    await generateForm();
    await typeInto('#gen-notes', 'For the new checkout page.');
    await press('Save & Add');
    await waitFor(() => document.body.textContent?.includes('Your new key is ready'), 'the shown-once panel');
    await press('Copy secret');
  },
  'name-taken': async () => {
    const row = await waitFor(() => document.querySelector<HTMLElement>('[data-row-index="0"] button'), 'the first row');
    const existing = row.title;
    await generateForm();
    await typeInto('#gen-name', existing);
    await typeInto('#gen-service', 'a/b');
    await waitFor(() => document.querySelector('#gen-name[aria-invalid="true"]'), 'the name problem');
    await waitFor(() => document.querySelector('#gen-service[aria-invalid="true"]'), 'the service problem');
  },
  add: async () => {
    await press('Add an existing key');
    await typeInto('#add-service', 'Weather data');
    await typeInto('#add-application', 'Intranet');
    await typeInto('#add-name', 'weather-data-03_09_2026-16_19');
    await typeInto('#add-secret', 'correct horse battery staple');
    await press('Save key');
    await waitFor(() => document.querySelector('#add-credential[aria-invalid="true"]'), 'the credential problem');
  },
  'add-saved': async () => {
    await press('Add an existing key');
    await typeInto('#add-service', 'Weather data');
    await typeInto('#add-credential', 'wx_live_7HcL2p');
    await typeInto('#add-secret', 'correct horse battery staple');
    await press('Save key');
    await waitFor(() => document.body.textContent?.includes('Key saved'), 'the saved announcement');
  },
  'generate-refused': async () => {
    await generateForm();
    await press('Save & Add');
    await waitFor(() => document.querySelector('.error-box')?.textContent?.trim(), 'the error box');
    window.scrollTo(0, 0);
  },
  'details-top': openFirstKey,
  details: async () => {
    await openFirstKey();
    await press('Show secret');
    await waitFor(() => buttonNamed('Hide secret'), 'the shown secret');
  },
  delete: async () => {
    await openFirstKey();
    await press('Delete key');
    await waitFor(() => document.querySelector('dialog[open]'), 'the delete dialog');
  },
  'delete-typed': async () => {
    await openFirstKey();
    const name = document.getElementById('screen-title')?.textContent ?? '';
    await press('Delete key');
    await typeInto('#delete-confirm', name);
  },
  search: async () => {
    await typeInto('#key-search', 'pay');
    await sleep(1200);
  },
  'due-details': () => openKeyById('key-4'),
  'snoozed-details': () => openKeyById('key-7'),
  'replaced-details': () => openKeyById('key-9'),
  'replaced-later-details': () => openKeyById('key-8'),
  'rotate-dialog': async () => {
    await openKeyById('key-4');
    await press('Rotate this key');
    await waitFor(() => document.querySelector('dialog[open]'), 'the rotate dialog');
  },
  rotated: async () => {
    await openKeyById('key-4');
    await press('Rotate this key');
    await press('Make the new key');
    await waitFor(() => document.body.textContent?.includes('The new key is ready'), 'the new key');
  },
  'rotated-list': async () => {
    await openKeyById('key-4');
    await press('Rotate this key');
    await press('Make the new key');
    await press('Done');
    await waitFor(() => document.body.textContent?.includes('API keys'), 'the list');
    await press('Show replaced keys');
    await sleep(200);
  },
  'banner-filter': async () => {
    await press('Show keys to rotate');
    await sleep(300);
  },
  history: async () => {
    await openKeyById('key-9');
    scrollMainTo('.history');
    await sleep(100);
  },
  activity: () => openSection('Activity', 'Everything Keyward has done'),
  report: async () => {
    await openSection('Activity', 'Everything Keyward has done');
    await press('Export report');
    await waitFor(() => document.querySelector('dialog[open]'), 'the report dialog');
  },
  'report-saved': async () => {
    await openSection('Activity', 'Everything Keyward has done');
    await press('Export report');
    await press('Save report');
    await waitFor(() => document.body.textContent?.includes('Report saved to'), 'the announcement');
  },
  settings: () => openSection('Settings', 'Save settings'),
  'settings-problems': async () => {
    await openSection('Settings', 'Save settings');
    await typeInto('#set-rotation-months', '6');
    await typeInto('#set-lead-time-days', '90');
    await typeInto('#set-clipboard-clear-seconds', '');
    await press('Save settings');
    scrollMainTo('#set-rotation-months');
    document.querySelector<HTMLElement>('main')!.scrollTop -= 80;
  },
  'team-channel': async () => {
    await openSection('Settings', 'Save settings');
    await waitFor(() => document.body.textContent?.includes('team channel is set up'), 'the team channel');
    await press('Send test message');
    await waitFor(() => document.querySelector('.tested'), 'the test result');
    const main = document.querySelector<HTMLElement>('main')!;
    main.scrollTop = main.scrollHeight;
  },
  'team-channel-new': async () => {
    await openSection('Settings', 'Save settings');
    await waitFor(() => document.body.textContent?.includes('No team channel is set up'), 'the team channel');
    await typeInto('#channel-address', 'http://chat.example.com/hooks/abc');
    await press('Set up team channel');
    scrollMainTo('#channel-title');
    document.querySelector<HTMLElement>('main')!.scrollTop -= 40;
  },
  scrolled: async () => {
    const viewport = await waitFor(() => document.querySelector<HTMLElement>('[role="list"]')?.parentElement, 'the list');
    viewport.scrollTop = 56 * 5000;
    viewport.dispatchEvent(new Event('scroll'));
    await sleep(100);
  },
};

export async function playScenario(name: string | null): Promise<void> {
  if (!name) return;
  const scenario = SCENARIOS[name];
  if (!scenario) throw new Error(`preview: no scenario called ${name}`);
  await scenario();
  document.documentElement.dataset.scenarioDone = name;
}
