import { describe, expect, it } from 'vitest';
import { formatCount } from './numbers';

describe('formatCount', () => {
  it("writes numbers exactly as toLocaleString('en-GB') does", () => {
    for (const n of [0, 1, 7, 999, 1000, 1536, 5151, 10_000, 1_234_567, -42, 2.5, Number.NaN]) {
      expect(formatCount(n)).toBe(n.toLocaleString('en-GB'));
    }
  });

  it('groups thousands with commas', () => {
    expect(formatCount(10_000)).toBe('10,000');
  });
});
