import { describe, expect, it } from 'vitest';
import { keyCount, loadingAll, recoveredNotice, searchResult, secretCopied, shownCount } from './announcements';

describe('secretCopied', () => {
  it('says when the clipboard will be cleared', () => {
    expect(secretCopied(30)).toBe('Copied. The clipboard will be cleared in 30 seconds.');
    expect(secretCopied(1)).toBe('Copied. The clipboard will be cleared in 1 second.');
  });

  it('promises nothing when the back end will not clear it', () => {
    expect(secretCopied(0)).toBe('Copied.');
  });
});

describe('counts', () => {
  it('writes key counts with separators and plurals', () => {
    expect(keyCount(1)).toBe('1 key');
    expect(keyCount(10_000)).toBe('10,000 keys');
    expect(searchResult(0)).toBe('No keys found.');
    expect(searchResult(12)).toBe('12 keys found.');
    expect(shownCount(12, 10_000)).toBe('Showing 12 of 10,000 keys');
    expect(shownCount(3, 3)).toBe('3 keys');
    expect(loadingAll(10_000)).toBe('Loading all 10,000 keys…');
  });
});

describe('recoveredNotice', () => {
  it('names the keys that were tidied up', () => {
    expect(recoveredNotice([])).toBe('');
    expect(recoveredNotice(['maps-01_01_2026-10_00'])).toContain('the key maps-01_01_2026-10_00.');
    expect(recoveredNotice(['a', 'b', 'c'])).toContain('the keys a, b and c.');
  });
});
