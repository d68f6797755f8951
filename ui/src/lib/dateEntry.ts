/**
 * Dates typed into forms, in the person's own order: "27.11.2026" in Germany, "27/11/2026" in
 * Britain, "11/27/2026" in the United States, "2026-11-27" where no locale is set. Keys' names
 * keep `dd_mm_yyyy` whatever the locale; what is shown elsewhere stays "27 Nov 2026".
 *
 * The locale is the person's date locale that the back end writes into the page (`LC_ALL`,
 * `LC_TIME`, `LANG`; see src-tauri/first_page.rs): the web view alone knows only the language
 * of messages, and falls back to American order on some systems.
 */

export type DatePart = 'day' | 'month' | 'year';

export interface DatePattern {
  /** The order the parts are typed in. */
  order: readonly DatePart[];
  /** What separates them ("/", ".", "-"). */
  separator: string;
  /** "DD/MM/YYYY", to show in the field and its hint. */
  placeholder: string;
}

const ISO: DatePattern = { order: ['year', 'month', 'day'], separator: '-', placeholder: 'YYYY-MM-DD' };

let personLocale: string | null = null;

/** Sets the person's date locale (from the page), or none: then the year-month-day order is used. */
export function setDateLocale(locale: string | null): void {
  personLocale = locale && isLocale(locale) ? locale : null;
}

/** The locale dates in forms follow now. */
export function dateLocale(): string | null {
  return personLocale;
}

function isLocale(locale: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0;
  } catch {
    return false;
  }
}

/** The order and separator `locale` writes a numeric date in; year-month-day without a locale. */
export function datePattern(locale: string | null = personLocale): DatePattern {
  if (!locale) return ISO;
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat(locale, { day: '2-digit', month: '2-digit', year: 'numeric' }).formatToParts(new Date(2026, 10, 27));
  } catch {
    return ISO;
  }
  const order = parts.filter((p) => p.type === 'day' || p.type === 'month' || p.type === 'year').map((p) => p.type as DatePart);
  if (order.length !== 3) return ISO;
  const literal = parts.find((p) => p.type === 'literal')?.value.trim() || '/';
  const separator = literal.length === 1 ? literal : '/';
  const word: Record<DatePart, string> = { day: 'DD', month: 'MM', year: 'YYYY' };
  return { order, separator, placeholder: order.map((p) => word[p]).join(separator) };
}

/**
 * The date typed, as `YYYY-MM-DD`; null when it is not a real date in the person's order. Any of
 * `/ . -` and spaces separate the parts; a two-digit year is taken as 20YY.
 */
export function parseDate(text: string, pattern: DatePattern = datePattern()): string | null {
  const pieces = text.trim().split(/[\s./-]+/).filter((p) => p !== '');
  if (pieces.length !== 3 || !pieces.every((p) => /^\d+$/.test(p))) return null;
  const value: Record<DatePart, number> = { day: 0, month: 0, year: 0 };
  pattern.order.forEach((part, i) => (value[part] = Number(pieces[i])));
  if (pieces[pattern.order.indexOf('year')].length === 2) value.year += 2000;
  const { year, month, day } = value;
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1) return null;
  const date = new Date(year, month - 1, day);
  if (date.getMonth() !== month - 1 || date.getDate() !== day) return null;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** `YYYY-MM-DD` written in the person's order ("27.11.2026"). */
export function writeDate(iso: string, pattern: DatePattern = datePattern()): string {
  const [year, month, day] = iso.split('-');
  const value: Record<DatePart, string> = { year, month, day };
  return pattern.order.map((p) => value[p]).join(pattern.separator);
}
