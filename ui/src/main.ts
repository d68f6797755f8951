// Starts Keyward's UI. Global styles are bundled into the one stylesheet the CSP allows.
import { mount } from 'svelte';
import App from './App.svelte';
import { listKeys } from './lib/api';
import './app.css';

// Ask for the list before building the page, so the answer is on its way while the page is
// drawn for the first time (the back end answers in a few milliseconds).
const firstList = listKeys();

const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');

export default mount(App, { target, props: { firstList } });
