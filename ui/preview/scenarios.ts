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
