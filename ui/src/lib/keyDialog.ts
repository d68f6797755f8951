/**
 * What the dialogs receive, in two shapes. A dialog that shows something and closes (Share…,
 * Share with the team…) takes `KeyDialogProps`: the key, how to put a failure into words, and
 * how to close it. A dialog that does one thing and hands back what it made (This key leaked,
 * Rotate, Delete, Edit, the vendor's profile, Add from a shared file) takes `ActionDialogProps`
 * (with `key` when it is about one key, `KeyActionProps`): Cancel closes it without doing it,
 * `ondone` receives the result once it is done.
 */
import type { ErrorExplanation } from './errors';
import type { KeyView } from './types';

/** What every dialog receives. */
export interface DialogProps {
  /** Turns a failure into the words the dialog shows. */
  onerror: (reason: unknown) => ErrorExplanation;
}

/** A dialog about one key that shows something and closes. */
export interface KeyDialogProps extends DialogProps {
  /** The key the dialog is about. */
  key: KeyView;
  /** Closed: done, cancelled or Escape. */
  onclose: () => void;
}

/** A dialog that does one thing and hands back its result `T`. */
export interface ActionDialogProps<T> extends DialogProps {
  /** Closed without doing it (Cancel or Escape). */
  oncancel: () => void;
  /** Done: what the work gave (the dialog closes when the caller stops showing it). */
  ondone: (result: T) => void;
}

/** A dialog that does one thing to a key and hands back its result `T`. */
export interface KeyActionProps<T> extends ActionDialogProps<T> {
  /** The key the dialog is about. */
  key: KeyView;
}
