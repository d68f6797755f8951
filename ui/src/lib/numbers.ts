/**
 * Counts as the UI writes them: "10,000".
 *
 * One formatter, made once: `Number.prototype.toLocaleString` builds a new `Intl.NumberFormat`
 * on every call, which is slow in WebKit, and the key list writes several counts per update.
 * The output is the same as `n.toLocaleString('en-GB')`.
 */
const COUNT_FORMAT = new Intl.NumberFormat('en-GB');

/** "10,000": a number with British digit grouping. */
export function formatCount(n: number): string {
  return COUNT_FORMAT.format(n);
}
