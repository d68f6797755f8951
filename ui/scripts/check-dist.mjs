// Runs after `npm run build`: fails the build if dist/ holds anything the app's CSP would refuse
// or anything that reaches the network. The CSP is
//   default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src ipc: http://ipc.localhost
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const problems = [];

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

const html = readFileSync(join(dist, 'index.html'), 'utf8');
for (const tag of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) {
  if (!/\bsrc=/.test(tag[0])) problems.push('index.html has an inline <script>');
  if (tag[1].trim() !== '') problems.push('index.html has a <script> with inline code');
}
if (/<style\b/i.test(html)) problems.push('index.html has an inline <style>');
if (/\sstyle\s*=/i.test(html)) problems.push('index.html has a style= attribute');
if (/\son[a-z]+\s*=/i.test(html)) problems.push('index.html has an inline event handler attribute');
for (const ref of html.matchAll(/\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)) {
  if (/^(?:[a-z]+:)?\/\//i.test(ref[1])) problems.push(`index.html loads ${ref[1]} from the network`);
}

for (const file of files(dist)) {
  const name = relative(dist, file);
  if (file.endsWith('.css')) {
    const css = readFileSync(file, 'utf8');
    if (/@import/i.test(css)) problems.push(`${name} has an @import`);
    if (/url\(\s*["']?(?:https?:)?\/\//i.test(css)) problems.push(`${name} loads a url() from the network`);
    if (/@font-face/i.test(css)) problems.push(`${name} declares a web font`);
  }
  if (file.endsWith('.js')) {
    const js = readFileSync(file, 'utf8');
    if (/\bfetch\s*\(\s*["'`]https?:/.test(js)) problems.push(`${name} fetches from the network`);
    if (/\b(?:eval|new Function)\s*\(/.test(js)) problems.push(`${name} evaluates code from strings`);
    if (/<[a-z][^>]*\sstyle="/i.test(js)) problems.push(`${name} has a template with a style= attribute`);
  }
}

if (problems.length > 0) {
  console.error(`dist/ would break under the app's CSP or reach the network:\n  ${problems.join('\n  ')}`);
  process.exit(1);
}
const sizes = files(dist).map((f) => `${relative(dist, f)} ${statSync(f).size} B`);
console.log(`dist/ is CSP-clean (no inline script or style, nothing from the network):\n  ${sizes.join('\n  ')}`);
