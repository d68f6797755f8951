// Which font names the page uses, by the web engine it runs in.
//
// `system-ui` is the system's interface font on macOS and Windows. WebKitGTK (Linux) looks it up
// through fontconfig for each size and weight the page uses and then falls back to `sans-serif`,
// which resolves to the same desktop default font there: naming only the generic families made
// the window's first layout ~25 ms shorter (of ~60 ms; measured with timing marks in the page
// while working on .ci/bench-window). app.css keeps `system-ui` unless the page is marked.

/** The class on <html> that makes app.css name only generic font families. */
export const GENERIC_FONTS_CLASS = 'generic-fonts';

/** Is this user agent WebKitGTK, which should use generic font names only? */
export function prefersGenericFonts(userAgent: string): boolean {
  return /\bLinux\b/.test(userAgent) && !/\bAndroid\b/.test(userAgent);
}
