import { describe, expect, it } from 'vitest';
import { prefersGenericFonts } from './fonts';

describe('prefersGenericFonts', () => {
  it('is true in WebKitGTK on Linux', () => {
    expect(prefersGenericFonts('Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)')).toBe(true);
    expect(prefersGenericFonts('Mozilla/5.0 (X11; Ubuntu; Linux aarch64) AppleWebKit/605.1.15 (KHTML, like Gecko)')).toBe(true);
  });

  it('is false on macOS and Windows, which keep their interface font (system-ui)', () => {
    expect(prefersGenericFonts('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)')).toBe(false);
    expect(
      prefersGenericFonts('Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0'),
    ).toBe(false);
  });

  it('is false on Android, whose system-ui is its own font', () => {
    expect(prefersGenericFonts('Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)')).toBe(false);
  });
});
