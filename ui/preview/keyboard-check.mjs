// DEV-ONLY keyboard and focus checks of the real UI over the fake back end, through the Chrome
// DevTools Protocol with Debian's headless chromium (no extra npm package). Serve the built
// preview first, then run with Node 20's WebSocket:
//   npm run preview:build && npm run preview:serve &
//   node --experimental-websocket preview/keyboard-check.mjs
// Checks: one row in the tab order, arrow/Home/End keys, focus on headings and back on rows,
// the delete dialog (modal, focus kept inside, Escape, focus returned, exact name), the
// shown-once secret forgotten on Done, a small DOM and short frames with 10,000 keys; the header
// (aria-current), the reminder banner's filters, rotate (modal, new key shown once and forgotten),
// snooze, a clicked notification opening a key, the Activity list, the report dialog, Settings.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';

const PORT = 9333;
const chrome = spawn('chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${mkdtempSync('/tmp/cdp-')}`, '--window-size=1100,750', `--remote-debugging-port=${PORT}`, '--remote-debugging-address=127.0.0.1', 'about:blank'], { stdio: 'ignore' });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let targets;
for (let i = 0; i < 50; i++) { try { targets = await (await fetch(`http://127.0.0.1:${PORT}/json/list`)).json(); break; } catch { await sleep(200); } }
const page = targets.find((t) => t.type === 'page');
const ws = new WebSocket(page.webSocketDebuggerUrl);
await new Promise((r) => ws.addEventListener('open', r));
let id = 0; const pending = new Map(); const consoleLines = [];
ws.addEventListener('message', (e) => { const m = JSON.parse(e.data); if (m.id && pending.has(m.id)) { pending.get(m.id)(m); pending.delete(m.id); } else if (m.method === 'Runtime.consoleAPICalled') consoleLines.push(m.params.args.map(a => a.value).join(' ')); else if (m.method === 'Runtime.exceptionThrown') consoleLines.push('EXCEPTION ' + JSON.stringify(m.params.exceptionDetails.exception?.description ?? m.params.exceptionDetails.text)); });
const send = (method, params = {}) => new Promise((r) => { const i = ++id; pending.set(i, r); ws.send(JSON.stringify({ id: i, method, params })); });
const evaluate = async (expression) => { const r = await send('Runtime.evaluate', { expression, returnByValue: true, awaitPromise: true }); if (r.result.exceptionDetails) throw new Error(expression + ': ' + JSON.stringify(r.result.exceptionDetails)); return r.result.result.value; };
const KEYS = { Tab: 9, Enter: 13, Escape: 27, ArrowDown: 40, ArrowUp: 38, End: 35, Home: 36, PageDown: 34, ' ': 32 };
async function press(key, modifiers = 0) { const code = KEYS[key]; const text = key === 'Enter' ? '\r' : key === ' ' ? ' ' : undefined; await send('Input.dispatchKeyEvent', { type: 'keyDown', key, code: key === ' ' ? 'Space' : key, windowsVirtualKeyCode: code, modifiers, text }); await send('Input.dispatchKeyEvent', { type: 'keyUp', key, code: key, windowsVirtualKeyCode: code, modifiers }); await sleep(120); }
async function type(text) { await send('Input.insertText', { text }); await sleep(150); }
const active = () => evaluate(`(() => { const a = document.activeElement; if (!a) return 'none'; const row = a.closest('[data-row-index]'); return (a.id ? '#' + a.id + ' ' : '') + a.tagName.toLowerCase() + (row ? ' row=' + row.dataset.rowIndex : '') + ' "' + (a.getAttribute('aria-label') || a.textContent || a.value || '').trim().slice(0, 50) + '"'; })()`);
let failures = 0;
function check(ok, what, detail = '') { console.log(`${ok ? 'PASS' : 'FAIL'} ${what}${detail ? ' — ' + detail : ''}`); if (!ok) failures++; }
async function open(q) { await send('Page.navigate', { url: `http://127.0.0.1:4174/?${q}` }); await sleep(1200); }

process.on('uncaughtException', (e) => { console.error(e); chrome.kill(); process.exit(1); });
process.on('unhandledRejection', (e) => { console.error(e); chrome.kill(); process.exit(1); });
await send('Runtime.enable'); await send('Page.enable');
await open('keys=mixed');
const tabs = [];
for (let i = 0; i < 14; i++) { await press('Tab'); tabs.push(await active()); }
console.log('Tab order:\n  ' + tabs.join('\n  '));
check(tabs.filter((t) => t.includes('row=')).length === 1, 'only one row is in the tab order');
check(tabs.some((t) => t.includes('row=0')), 'the first row is the tab stop');
// Arrow keys
await evaluate(`document.querySelector('[data-row-index="0"] button').focus()`);
await press('ArrowDown'); await press('ArrowDown'); await press('ArrowDown');
check((await active()).includes('row=3'), 'ArrowDown moves to the next rows', await active());
await press('End'); check((await active()).includes('row=10'), 'End goes to the last row', await active());
await press('Home'); check((await active()).includes('row=0'), 'Home goes to the first row', await active());
await press('ArrowDown');
const rowName = await evaluate(`document.activeElement.title`);
await press('Enter');
check((await active()).includes('#screen-title h1'), 'opening a key focuses its heading', await active());
check(await evaluate(`document.getElementById('screen-title').textContent.trim()`) === rowName, 'the details are of the chosen key');
// Back to keys: focus returns to the row
await evaluate(`[...document.querySelectorAll('button')].find(b => b.textContent.includes('Back to keys')).focus()`);
await press('Enter');
check((await active()).includes('row=1'), 'going back focuses the row of the key', await active());
// Delete dialog: Escape returns focus
await press('Enter');
await evaluate(`[...document.querySelectorAll('button')].find(b => b.textContent.includes('Delete key')).focus()`);
await press('Enter');
check(await evaluate(`!!document.querySelector('dialog[open]')`), 'the delete dialog opens');
check(await evaluate(`document.querySelector('dialog[open]').matches(':modal')`), 'the dialog is modal');
check((await active()).includes('#delete-confirm'), 'focus starts in the name field', await active());
check(await evaluate(`document.querySelector('dialog button[type=submit]').disabled`), 'Delete is disabled before the name is typed');
await type(rowName.slice(0, -1));
check(await evaluate(`document.querySelector('dialog button[type=submit]').disabled`), 'Delete stays disabled for a partial name');
await press('Tab'); await press('Tab'); await press('Tab'); await press('Tab');
check(await evaluate(`document.querySelector('dialog[open]').contains(document.activeElement)`), 'Tab stays inside the dialog', await active());
await press('Escape');
check(!(await evaluate(`!!document.querySelector('dialog[open]')`)), 'Escape closes the dialog');
check((await active()).includes('Delete key'), 'focus returns to the Delete button', await active());
// Delete for real
await press('Enter');
await type(rowName);
check(!(await evaluate(`document.querySelector('dialog button[type=submit]').disabled`)), 'Delete enables once the exact name is typed');
await press('Enter');
await sleep(400);
check((await active()).includes('#screen-title h1 "API keys"'), 'after deleting, focus is on the list heading', await active());
check(await evaluate(`document.querySelector('[role=status][aria-live]').textContent.trim()`) === 'Key deleted.', 'the deletion is announced');
check(!(await evaluate(`document.body.textContent.includes(${JSON.stringify(rowName)})`)), 'the deleted key is gone from the list');

// Generate: shown once, Done forgets the secret
await evaluate(`[...document.querySelectorAll('button')].find(b => b.textContent.includes('Generate an API key')).click()`);
await sleep(200);
check((await active()).includes('Generate an API key'), 'the Generate screen focuses its heading', await active());
await evaluate(`document.getElementById('gen-service').focus()`);
await type('Billing Export');
await sleep(800);
const suggested = await evaluate(`document.getElementById('gen-name').value`);
check(/^billing-export-\d\d_\d\d_\d{4}-\d\d_\d\d$/.test(suggested), 'the name follows the convention', suggested);
check(await evaluate(`document.getElementById('gen-name').getAttribute('aria-describedby')`) === 'gen-name-hint gen-name-problem gen-name-status', 'the name field is described by its hint and messages');
await evaluate(`[...document.querySelectorAll('button')].find(b => b.textContent.includes('Save & Add')).click()`);
await sleep(600);
check((await active()).includes('Your new key is ready'), 'the shown-once panel focuses its heading', await active());
const secret = await evaluate(`document.querySelector('code.secret').textContent`);
check(secret.startsWith('kw_sec_'), 'the secret is shown once', secret.slice(0, 10) + '…');
await evaluate(`[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Copy secret').click()`);
await sleep(300);
check(await evaluate(`document.querySelector('[role=status][aria-live]').textContent.trim()`) === 'Copied. The clipboard will be cleared in 30 seconds.', 'copying the secret is announced');
await evaluate(`[...document.querySelectorAll('button')].find(b => b.textContent.trim() === 'Done').click()`);
await sleep(400);
check(!(await evaluate(`document.documentElement.innerHTML.includes(${JSON.stringify(secret)})`)), 'Done removes the secret from the page');
check((await active()).includes('row=0') && (await active()).includes(suggested.slice(0, 14)), 'Done returns to the list on the new key', await active());

// 10,000 keys: small DOM, End reaches the last key
await open('keys=10000');
const rowsInDom = await evaluate(`document.querySelectorAll('[role=listitem]').length`);
check(rowsInDom > 5 && rowsInDom < 40, 'only the visible slice is in the DOM', `${rowsInDom} rows`);
check(await evaluate(`document.querySelector('[role=listitem]').getAttribute('aria-setsize')`) === '10000', 'rows say the list has 10,000 items');
await evaluate(`document.querySelector('[data-row-index="0"] button').focus()`);
await press('End');
check((await active()).includes('row=9999'), 'End reaches key 10,000', await active());
check(await evaluate(`document.querySelectorAll('[role=listitem]').length`) < 40, 'the DOM stays small at the end');
await press('PageDown'); await press('Home');
check((await active()).includes('row=0'), 'Home returns to the first key', await active());
// search speed
const t = await evaluate(`(async () => { const i = document.getElementById('key-search'); const t0 = performance.now(); for (const v of ['p','pa','pay','paym','payments 1']) { i.value = v; i.dispatchEvent(new Event('input', {bubbles:true})); await new Promise(r => requestAnimationFrame(() => r())); } return performance.now() - t0; })()`);
check(t < 500, 'five keystrokes of search over 10,000 keys render quickly', `${t.toFixed(0)} ms for 5 frames`);
const scrollT = await evaluate(`(async () => { document.getElementById('key-search').value=''; document.getElementById('key-search').dispatchEvent(new Event('input', {bubbles:true})); await new Promise(r => setTimeout(r, 50)); const v = document.querySelector('[role=list]').parentElement; const t0 = performance.now(); for (let k = 0; k < 60; k++) { v.scrollTop += 400; await new Promise(r => requestAnimationFrame(() => r())); } return (performance.now() - t0) / 60; })()`);
check(scrollT < 40, 'scrolling 10,000 keys keeps frames short', `${scrollT.toFixed(1)} ms per frame`);

// Header, reminder banner, rotation, snooze, notifications, Activity, report, Settings
const clickButton = (text) => evaluate(`(() => { const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim().startsWith(${JSON.stringify(text)})); b.focus(); b.click(); return true; })()`);
const say = () => evaluate(`document.querySelector('[role=status][aria-live]').textContent.trim()`);
await open('keys=mixed');
check(tabs.slice(0, 3).every((t, i) => t.includes(['Keys', 'Activity', 'Settings'][i])), 'the header buttons come first in the tab order', tabs.slice(0, 3).join(' | '));
check(await evaluate(`document.querySelector('nav [aria-current=page]').textContent.trim()`) === 'Keys', 'the header marks the current screen');
check(await evaluate(`document.body.textContent.includes('4 keys need rotating') && document.body.textContent.includes('1 replaced key can be deleted')`), 'the banner counts keys to rotate and to delete');
await clickButton('Show keys to rotate');
await sleep(1100);
check(await evaluate(`document.getElementById('key-status').value`) === 'needs_rotating', 'the banner button filters the list');
check((await say()) === '4 keys found.', 'the filter result is announced', await say());
// open a key from a clicked notification
await evaluate(`window.__TAURI_INTERNALS__.emit('open-key', { id: 'key-4' })`);
await sleep(500);
check((await active()).includes('#screen-title h1 "customer-records'), 'a clicked notification opens its key, heading focused', await active());
// snooze
await clickButton('Remind me in a week');
await sleep(500);
check((await say()).startsWith('Reminders paused until'), 'snoozing is announced', await say());
check(await evaluate(`document.body.textContent.includes('Reminders paused until')`), 'the pause is shown');
// rotate
await clickButton('Rotate this key');
await sleep(200);
check(await evaluate(`document.querySelector('dialog[open]').matches(':modal')`), 'the rotate dialog is modal');
await press('Escape');
check((await active()).includes('Rotate this key'), 'Escape returns focus to the Rotate button', await active());
await clickButton('Rotate this key');
await sleep(200);
await clickButton('Make the new key');
await sleep(700);
check((await active()).includes('The new key is ready'), 'the new key focuses its heading', await active());
check(await evaluate(`document.body.textContent.includes('Put the new key into Support desk. The old key stays valid until you delete it; Keyward will remind you to delete it after')`), 'the rotation advice names the application and the date');
const rotatedSecret = await evaluate(`document.querySelector('code.secret').textContent`);
await clickButton('Done');
await sleep(500);
check(!(await evaluate(`document.documentElement.innerHTML.includes(${JSON.stringify(rotatedSecret)})`)), 'Done forgets the new secret');
check((await active()).includes('row=') && (await active()).includes('customer-records-'), 'Done returns to the list on the new key, even from a filter that hid it', await active());
// the replaced key links to its replacement
await evaluate(`window.__TAURI_INTERNALS__.emit('open-key', { id: 'key-9' })`);
await sleep(500);
check(await evaluate(`document.body.textContent.includes('Replaced — delete it now')`), 'a replaced key says to delete it');
await clickButton('Show secret');
await sleep(400);
const oldSecret = await evaluate(`document.getElementById('secret-value').textContent`);
await clickButton('payments-api-');
await sleep(400);
check((await active()).includes('#screen-title h1 "payments-api-'), 'the link opens the new key', await active());
check(!(await evaluate(`document.documentElement.innerHTML.includes(${JSON.stringify(oldSecret)})`)), 'a secret shown for one key is gone on the next');
// Activity
await clickButton('Activity');
await sleep(600);
check((await active()).includes('#screen-title h1 "Activity"'), 'Activity focuses its heading', await active());
check(await evaluate(`document.querySelector('[role=list][aria-label=Activity]') !== null`), 'the activity is a labelled list');
check(await evaluate(`[...document.querySelectorAll('[role=list] button[tabindex="0"]')].length`) === 1, 'one activity row is in the tab order');
await evaluate(`(() => { const s = document.getElementById('activity-filter'); s.value = 'reminders'; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
await sleep(300);
check(await evaluate(`document.body.textContent.includes('Team channel message failed: the chat service did not answer')`), 'a failed team channel message says why');
await evaluate(`(() => { const s = document.getElementById('activity-filter'); s.value = 'all'; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
await sleep(300);
await clickButton('Export report');
await sleep(200);
check(await evaluate(`document.querySelector('dialog[open]').matches(':modal')`), 'the report dialog is modal');
await clickButton('Save report');
await sleep(500);
check((await say()).startsWith('Report saved to /home/'), 'the saved report is announced with its path', await say());
check((await active()).includes('Export report'), 'focus returns to Export report', await active());
const rowKey = await evaluate(`document.querySelector('[data-row-index="0"] button .key').textContent.replace(/^, /, '').trim()`);
await evaluate(`document.querySelector('[data-row-index="0"] button').focus()`);
await press('Enter');
await sleep(400);
check((await active()).includes(`#screen-title h1 "${rowKey}"`), 'an activity row opens its key', `${rowKey} → ${await active()}`);
// Settings
await clickButton('Settings');
await sleep(500);
check((await active()).includes('#screen-title h1 "Settings"'), 'Settings focuses its heading', await active());
await evaluate(`document.getElementById('set-rotation-months').focus()`);
await evaluate(`document.getElementById('set-rotation-months').select()`);
await type('6');
check(await evaluate(`document.getElementById('set-rotation-months-warning').textContent`) === "Your security team's guidance is to rotate at least every three months.", 'a period over three months is warned about');
await evaluate(`(() => { const i = document.getElementById('set-grace-days'); i.focus(); i.select(); })()`);
await type('200');
check(await evaluate(`document.getElementById('set-grace-days').getAttribute('aria-invalid')`) === 'true', 'an out-of-range value is marked');
await clickButton('Save settings');
await sleep(300);
check((await active()).includes('#set-grace-days'), 'Save focuses the first problem and sends nothing', await active());
await evaluate(`(() => { const i = document.getElementById('set-grace-days'); i.select(); })()`);
await type('14');
await clickButton('Save settings');
await sleep(400);
check((await say()) === 'Settings saved.', 'saving is announced, with the warning not blocking it', await say());
check(await evaluate(`document.getElementById('channel-address').type`) === 'password', 'the team channel address is a password field');
await evaluate(`document.getElementById('channel-address').focus()`);
await type('http://chat.example.com/x');
await clickButton('Set up team channel');
await sleep(200);
check((await evaluate(`document.getElementById('channel-address-problem').textContent`)).includes('https://'), 'an address without https is refused');
await evaluate(`(() => { const i = document.getElementById('channel-address'); i.select(); })()`);
await type('https://chat.example.com/hooks/abc');
await clickButton('Set up team channel');
await sleep(400);
check(await evaluate(`document.body.textContent.includes('A team channel is set up.') && document.getElementById('channel-address').value === ''`), 'the channel is set up and its address is not shown');
check(!(await evaluate(`document.documentElement.innerHTML.includes('hooks/abc')`)), 'the address is nowhere in the page');

// Keychain locked: banner, and a failing copy shows the words
await open('keys=mixed&keychain=locked');
check(await evaluate(`document.body.textContent.includes('Your keychain is locked.')`), 'the locked keychain banner shows');
console.log('console:', consoleLines.filter(l => !/vite|Download/i.test(l)).slice(0, 10));
console.log(failures === 0 ? 'ALL PASSED' : `${failures} FAILED`);
ws.close(); chrome.kill();
process.exit(failures ? 1 : 0);
