/**
 * The name field's helper on the Generate and Add screens, without any DOM.
 *
 * As the person types a service, it asks the back end for a conventional name
 * (`<service>-<dd_mm_yyyy>-<hh_mm>`) and fills the name field with it, unless the person has
 * typed a name of their own. Whatever the field holds is checked as they type. Both requests are
 * debounced, and an answer that arrives after the input has changed again is dropped, so the
 * field never shows a stale name or a message about a name no longer there.
 */
import { explainError } from './errors';
import type { NameCheck } from './types';

export type CheckStatus = 'idle' | 'checking' | 'ok' | 'problem' | 'failed';

export interface NameHelperState {
  /** What the name field shows. */
  name: string;
  /** True once the person typed a name of their own; an emptied field follows the suggestion again. */
  edited: boolean;
  /** A problem with the service as typed (from the suggestion request), or null. */
  serviceMessage: string | null;
  /** The name check: `problem` means the name cannot be used, `failed` that checking failed. */
  check: CheckStatus;
  /** Words for `problem` and `failed`; null otherwise. */
  checkMessage: string | null;
}

export interface NameHelperDeps {
  /** Asks for a conventional name; omit to never suggest (the Add screen). */
  suggest?: (service: string) => Promise<string>;
  check: (name: string) => Promise<NameCheck>;
  onChange: (state: NameHelperState) => void;
  /** Pause after the last keystroke before asking the back end. */
  delayMs?: number;
}

export class NameHelper {
  #deps: NameHelperDeps;
  #delay: number;
  #state: NameHelperState = { name: '', edited: false, serviceMessage: null, check: 'idle', checkMessage: null };
  #service = '';
  #suggestTimer: ReturnType<typeof setTimeout> | undefined;
  #checkTimer: ReturnType<typeof setTimeout> | undefined;
  #suggestSeq = 0;
  #checkSeq = 0;

  constructor(deps: NameHelperDeps) {
    this.#deps = deps;
    this.#delay = deps.delayMs ?? 300;
  }

  get state(): NameHelperState {
    return this.#state;
  }

  #update(patch: Partial<NameHelperState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#deps.onChange(this.#state);
  }

  /** The person changed the service field. */
  setService(service: string): void {
    this.#service = service;
    clearTimeout(this.#suggestTimer);
    this.#suggestSeq += 1;
    if (!this.#deps.suggest) return;
    if (service.trim() === '') {
      this.#update({ serviceMessage: null });
      if (!this.#state.edited) this.#setShownName('');
      return;
    }
    this.#suggestTimer = setTimeout(() => void this.#suggestNow(), this.#delay);
  }

  /** The person changed the name field. */
  setName(name: string): void {
    const edited = name.trim() !== '';
    this.#update({ name, edited });
    if (!edited && this.#deps.suggest && this.#service.trim() !== '') {
      // Emptied: follow the convention again.
      this.setService(this.#service);
    }
    this.#scheduleCheck(this.#delay);
  }

  /** Checks the current name at once (before saving), returning whether it can be used. */
  async checkNow(): Promise<boolean> {
    clearTimeout(this.#checkTimer);
    await this.#checkNow();
    return this.#state.check === 'ok' || this.#state.name.trim() === '';
  }

  /** Stops pending requests; later answers are ignored. */
  dispose(): void {
    clearTimeout(this.#suggestTimer);
    clearTimeout(this.#checkTimer);
    this.#suggestSeq += 1;
    this.#checkSeq += 1;
  }

  #setShownName(name: string): void {
    this.#update({ name });
    this.#scheduleCheck(0);
  }

  async #suggestNow(): Promise<void> {
    const suggest = this.#deps.suggest;
    if (!suggest) return;
    const seq = ++this.#suggestSeq;
    try {
      const name = await suggest(this.#service);
      if (seq !== this.#suggestSeq) return;
      this.#update({ serviceMessage: null });
      if (!this.#state.edited) this.#setShownName(name);
    } catch (reason) {
      if (seq !== this.#suggestSeq) return;
      this.#update({ serviceMessage: explainError(reason).message });
      if (!this.#state.edited) this.#setShownName('');
    }
  }

  #scheduleCheck(delay: number): void {
    clearTimeout(this.#checkTimer);
    this.#checkSeq += 1;
    if (this.#state.name.trim() === '') {
      this.#update({ check: 'idle', checkMessage: null });
      return;
    }
    this.#update({ check: 'checking', checkMessage: null });
    this.#checkTimer = setTimeout(() => void this.#checkNow(), delay);
  }

  async #checkNow(): Promise<void> {
    const name = this.#state.name;
    const seq = ++this.#checkSeq;
    if (name.trim() === '') {
      this.#update({ check: 'idle', checkMessage: null });
      return;
    }
    this.#update({ check: 'checking', checkMessage: null });
    try {
      const answer = await this.#deps.check(name);
      if (seq !== this.#checkSeq) return;
      this.#update(
        answer.ok
          ? { check: 'ok', checkMessage: null }
          : { check: 'problem', checkMessage: answer.message?.trim() || 'This name cannot be used.' },
      );
    } catch (reason) {
      if (seq !== this.#checkSeq) return;
      const explained = explainError(reason);
      this.#update({
        check: explained.code === 'invalid_input' || explained.code === 'name_taken' ? 'problem' : 'failed',
        checkMessage: explained.message,
      });
    }
  }
}
