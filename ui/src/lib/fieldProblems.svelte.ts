/**
 * The problems of a dialog's fields (Edit key details, a vendor's profile): found all at once when
 * the person saves, each shown under its field, and cleared as soon as that field is typed in.
 *
 * Promises: `accept` keeps exactly the problems it is given and answers true only when there are
 * none; when there are some, focus goes to the first field with one, in the order the fields are
 * shown, once the page shows the problems. A field's id is the dialog's prefix and its name
 * (`edit-owner`), so `field` gives a TextField its id, its problem and what typing does.
 */
import { tick } from 'svelte';
import { focusById } from './focus';

/** What a TextField takes from the problems: its id, its problem, and what typing in it does. */
export interface FieldBinding {
  id: string;
  problem: string | undefined;
  oninput: () => void;
}

export class FieldProblems<K extends string> {
  /** Each field's problem, by name; a field with none has no entry (or `undefined`). */
  problems = $state<Partial<Record<K, string>>>({});

  readonly #order: readonly K[];
  readonly #prefix: string;
  readonly #focus: (id: string) => void;

  /**
   * `order`: the fields in the order they are shown; `prefix`: what their ids start with;
   * `focus` moves focus to an id (the page's, unless a test records it).
   */
  constructor(order: readonly K[], prefix: string, focus: (id: string) => void = focusById) {
    this.#order = order;
    this.#prefix = prefix;
    this.#focus = focus;
  }

  /** The first field, in the order shown, that has a problem. */
  first(): K | undefined {
    return this.#order.find((field) => this.problems[field]);
  }

  /** Forgets one field's problem (the person is typing in it). */
  clear(field: K): void {
    this.problems = { ...this.problems, [field]: undefined };
  }

  /** What the TextField of `field` takes: `<TextField {...problems.field('owner')} … />`. */
  field(field: K): FieldBinding {
    return { id: `${this.#prefix}${field}`, problem: this.problems[field], oninput: () => this.clear(field) };
  }

  /** Keeps `found` as the problems: true when there are none; else focuses the first and answers false. */
  async accept(found: Partial<Record<K, string>>): Promise<boolean> {
    this.problems = found;
    const first = this.first();
    if (first === undefined) return true;
    await tick();
    this.#focus(`${this.#prefix}${first}`);
    return false;
  }
}
