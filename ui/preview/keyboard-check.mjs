// DEV-ONLY keyboard and focus checks of the real UI over the fake back end, through the Chrome
// DevTools Protocol with Debian's headless chromium (no extra npm package). Serve the built
// preview first, then run with Node 20's WebSocket:
//   npm run preview:build && npm run preview:serve &
//   node --experimental-websocket preview/keyboard-check.mjs
// Checks: one row in the tab order, arrow/Home/End keys, focus on headings and back on rows,
// the delete dialog (modal, focus kept inside, Escape, focus returned, exact name), the
// shown-once secret forgotten on Done, a small DOM and short frames with 10,000 keys.
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
for (let i = 0; i < 8; i++) { await press('Tab'); tabs.push(await active()); }
console.log('Tab order:\n  ' + tabs.join('\n  '));
check(tabs.filter((t) => t.includes('row=')).length === 1, 'only one row is in the tab order');
check(tabs.some((t) => t.includes('row=0')), 'the first row is the tab stop');
// Arrow keys
await evaluate(`document.querySelector('[data-row-index="0"] button').focus()`);
await press('ArrowDown'); await press('ArrowDown'); await press('ArrowDown');
check((await active()).includes('row=3'), 'ArrowDown moves to the next rows', await active());
await press('End'); check((await active()).includes('row=8'), 'End goes to the last row', await active());
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

// Keychain locked: banner, and a failing copy shows the words
await open('keys=mixed&keychain=locked');
check(await evaluate(`document.body.textContent.includes('Your keychain is locked.')`), 'the locked keychain banner shows');
console.log('console:', consoleLines.filter(l => !/vite|Download/i.test(l)).slice(0, 10));
console.log(failures === 0 ? 'ALL PASSED' : `${failures} FAILED`);
ws.close(); chrome.kill();
process.exit(failures ? 1 : 0);
