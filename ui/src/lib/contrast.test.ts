// Pins the colour contrast of app.css in both themes: text at least 4.5:1 (WCAG AA), the focus
// ring and control borders at least 3:1 against the page.
import { describe, expect, it } from 'vitest';
import css from '../app.css?raw';

function variables(block: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of block.matchAll(/--([\w-]+):\s*(#[0-9a-f]{6})\s*;/gi)) found[match[1]] = match[2];
  return found;
}

const lightBlock = css.slice(css.indexOf(':root {'), css.indexOf('@media (prefers-color-scheme: dark)'));
const darkStart = css.indexOf('@media (prefers-color-scheme: dark)');
const darkBlock = css.slice(darkStart, css.indexOf('\n}\n', darkStart));
const light = variables(lightBlock);
const dark = { ...light, ...variables(darkBlock) };

function luminance(hex: string): number {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
  const [r, g, b] = channels.map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4));
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const TEXT_PAIRS: Array<[string, string]> = [
  ['text', 'bg'],
  ['text', 'surface'],
  ['text', 'surface-2'],
  ['muted', 'bg'],
  ['muted', 'surface'],
  ['muted', 'surface-2'],
  ['on-primary', 'primary'],
  ['on-primary', 'primary-hover'],
  ['on-danger', 'danger'],
  ['on-danger', 'danger-hover'],
  ['danger-text', 'surface'],
  ['danger-text', 'error-bg'],
  ['success-text', 'surface'],
  ['overdue-fg', 'overdue-bg'],
  ['soon-fg', 'soon-bg'],
  ['ok-fg', 'ok-bg'],
  ['replaced-fg', 'replaced-bg'],
  ['muted', 'info-bg'],
  ['muted', 'warn-bg'],
  ['text', 'error-bg'],
  ['muted', 'error-bg'],
  ['primary', 'info-bg'],
  ['primary', 'error-bg'],
  ['primary', 'warn-bg'],
  ['overdue-fg', 'bg'],
  ['soon-fg', 'bg'],
  ['text', 'warn-bg'],
  ['text', 'info-bg'],
  ['primary', 'bg'],
  ['primary', 'surface'],
];

const UI_PAIRS: Array<[string, string]> = [
  ['focus', 'bg'],
  ['focus', 'surface'],
  ['border-strong', 'surface'],
];

it('reads both themes from app.css', () => {
  expect(Object.keys(light).length, 'light colours found').toBeGreaterThan(20);
  expect(dark.text, 'the dark theme has its own text colour').not.toBe(light.text);
  expect(dark.bg, 'the dark theme has its own background').not.toBe(light.bg);
});

describe.each([
  ['light', light],
  ['dark', dark],
])('the %s theme', (_theme, colours) => {
  it.each(TEXT_PAIRS)('has readable %s on %s (at least 4.5:1)', (fg, bg) => {
    expect(colours[fg], `--${fg} is defined`).toBeDefined();
    expect(colours[bg], `--${bg} is defined`).toBeDefined();
    expect(contrast(colours[fg], colours[bg])).toBeGreaterThanOrEqual(4.5);
  });

  it.each(UI_PAIRS)('has a visible %s on %s (at least 3:1)', (fg, bg) => {
    expect(contrast(colours[fg], colours[bg])).toBeGreaterThanOrEqual(3);
  });
});
