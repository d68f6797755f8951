/**
 * What a dialog about one key receives (Share…, Share with the team…): the key, how to put a
 * failure into words, and how to close it.
 */
import type { ErrorExplanation } from './errors';
import type { KeyView } from './types';

export interface KeyDialogProps {
  /** The key the dialog is about. */
  key: KeyView;
  /** Turns a failure into the words the dialog shows. */
  onerror: (reason: unknown) => ErrorExplanation;
  /** Closed: done, cancelled or Escape. */
  onclose: () => void;
}
