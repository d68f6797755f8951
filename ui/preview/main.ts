// DEV-ONLY: installs the fake back end, then starts the real app, then plays a scenario.
// URL parameters: keys=0|mixed|10000, keychain=locked|unavailable|timeout|denied|error,
// recovered=1, fail=<command>:<code>, latency=<ms>, script=<a name in scenarios.ts>.
import { installFakeBackend } from './fakeBackend';
import { playScenario } from './scenarios';
import './preview.css';

const params = new URLSearchParams(location.search);

// Show CSP refusals on the page itself, so that a screenshot cannot hide them.
document.addEventListener('securitypolicyviolation', (event) => {
  const note = document.createElement('p');
  note.className = 'csp-violation';
  note.textContent = `CSP refused ${event.effectiveDirective}: ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`;
  document.body.prepend(note);
});

installFakeBackend(params);
await import('../src/main');
await playScenario(params.get('script'));
