// Starts Keyward's UI. Global styles are bundled into the one stylesheet the CSP allows.
import { mount } from 'svelte';
import App from './App.svelte';
import { listKeys } from './lib/api';
import { takeFirstList } from './lib/firstList';
import './app.css';

// The window's page arrives with the list of keys written into it (src-tauri/first_page.rs), so
// the first frame shows the keys. Without it (the list could not be read, or a development
// server), the list is asked for before the page is built, so the answer is on its way meanwhile.
const written = takeFirstList(document);
const firstList = written ?? listKeys();
// Where the first list came from, for the end-to-end tests (tests/e2e.rs) and anyone inspecting the page.
document.documentElement.dataset.firstList = written ? 'page' : 'ipc';

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target, props: { firstList } });
