// Starts Keyward's UI. Global styles are bundled into the one stylesheet the CSP allows.
import { mount } from 'svelte';
import App from './App.svelte';
import { listKeys } from './lib/api';
import { setDateLocale } from './lib/dateEntry';
import { takeFirstList } from './lib/firstList';
import { GENERIC_FONTS_CLASS, prefersGenericFonts } from './lib/fonts';
import './app.css';

// The window's page arrives with the list of keys written into it (src-tauri/first_page.rs), so
// the app is built with the keys in it and the first frame shows them. Without it (the list could
// not be read, or a development server), the list is asked for before the page is built, so the
// answer is on its way meanwhile.
const written = takeFirstList(document);
// Dates typed into forms follow the person's locale, which the page carries with the list.
setDateLocale(written?.locale ?? null);
const firstList = written ?? listKeys();
// Where the first list came from, for the end-to-end tests (tests/e2e.rs) and anyone inspecting the page.
document.documentElement.dataset.firstList = written ? 'page' : 'ipc';

// Before anything is laid out: which font names app.css uses (see lib/fonts.ts).
if (prefersGenericFonts(navigator.userAgent)) document.documentElement.classList.add(GENERIC_FONTS_CLASS);

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target, props: { firstList } });
