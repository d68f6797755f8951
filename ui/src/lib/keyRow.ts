/**
 * What a key's row in the list says to a screen reader: one sentence with everything the row
 * shows, given to the row as its name: "maps-…, service Maps, application No application,
 * 4 months old, Rotate now — 12 days overdue".
 *
 * As an attribute, not as hidden words between the row's cells: every row in view is rewritten
 * on each keystroke of a search, and fewer elements per row lay out faster.
 */
import { ageInWords } from './dates';
import { keyStatus } from './rotation';
import type { KeyView } from './types';

/** The sentence a key's row is read as; `now` decides whether its reminders are still paused. */
export function keyRowLabel(key: KeyView, now: Date = new Date()): string {
  const status = keyStatus(key, now);
  const parts = [
    key.name,
    `service ${key.service}`,
    `application ${key.application ?? 'No application'}`,
    `${ageInWords(key.age_days)} old`,
    status.text,
  ];
  if (status.paused) parts.push(status.paused);
  return parts.join(', ');
}
