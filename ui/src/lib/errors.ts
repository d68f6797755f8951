/**
 * Turns anything a failed command rejects with into words a non-technical person understands,
 * plus what to do next.
 *
 * Promises: every input gives an explanation (unknown shapes become a generic one, never a
 * technical string); the back end's own message is shown only for `invalid_input` and
 * `name_taken`, where it describes what the person typed, for `unsafe_file`, where it names
 * the file or folder Keyward refused and how to fix it, and for `backup_unreadable`, where it says
 * what is wrong with a backup or shared file; no text mentions the machinery behind
 * the keychain, which is named the way the person's desktop names it (storeNames.ts: "your
 * keyring" on Linux).
 */
import { inStoreWords } from './storeNames';
import type { IpcError, ErrorCode, KeychainState } from './types';

/** What went wrong, what to do, and whether it is a keychain problem (shown in the banner too). */
export interface ErrorExplanation {
  /** The error code, or `unknown` for a rejection that did not come from a Keyward command. */
  code: ErrorCode | 'unknown';
  /** What happened, in one sentence. */
  message: string;
  /** What the person can do next, in one sentence (may be empty). */
  action: string;
  /** True when the keychain is the cause: the app also shows its keychain banner. */
  keychain: boolean;
}

type Wording = {
  message: string;
  action: string;
  /**
   * The back end's own sentence is shown instead of `message` (kept as the fallback): it names
   * what the person typed, the keys concerned, or the file refused and how to fix it.
   */
  backEnd?: true;
};

/**
 * What the window says for each error code. Keyed by the generated `Code` type, so a code the back
 * end adds without a wording here is a type error.
 */
const WORDING: Record<ErrorCode, Wording> = {
  invalid_input: {
    message: 'Something you typed cannot be used.',
    action: 'Correct it and try again.',
    backEnd: true,
  },
  name_taken: {
    message: 'A key with this name already exists.',
    action: 'Choose a different name.',
    backEnd: true,
  },
  not_found: {
    message: 'This key no longer exists. It may have been deleted in another Keyward window.',
    action: 'Go back to the list to see the keys you have now.',
  },
  keychain_locked: {
    message: 'Your keychain is locked.',
    action: 'Unlock it (you may see a password prompt) and try again.',
  },
  keychain_unavailable: {
    message: 'Keyward cannot find a keychain on this computer, so it cannot store or read secrets.',
    action: 'Sign out and back in to your computer, then try again. If it keeps happening, ask your IT support to set up a keychain.',
  },
  keychain_timeout: {
    message: 'Your keychain is not answering.',
    action: 'It may be waiting for you: look for a password prompt in another window, then try again.',
  },
  keychain_denied: {
    message: 'Keyward was not allowed to use your keychain.',
    action: 'If your computer asks whether Keyward may use the keychain, choose Allow, then try again.',
  },
  keychain_error: {
    message: 'Your keychain reported a problem.',
    action: 'Try again. If it keeps happening, restart your computer.',
  },
  keychain_no_default: {
    message: 'Your keychain is not locked, but it has no default keyring, so there is nowhere to save a new key.',
    action:
      'Open your computer\'s password tool ("Passwords and Keys" on GNOME, KWalletManager on KDE, Keychain Access on a Mac), create a keyring if there is none, and set it as the default. Then try again.',
  },
  keychain_cancelled: {
    message: 'The keychain\'s request was cancelled, so nothing was done.',
    action: 'Try again, and when your computer asks, enter your password or choose Allow.',
  },
  keychain_cannot_ask: {
    message: 'Your keychain needs you to unlock it or to allow Keyward, but it could not ask you now.',
    action: 'Unlock your computer, open Keyward on its screen, and try again.',
  },
  catalog_unreadable: {
    message: 'Keyward cannot read its list of keys. It has left the list untouched so that nothing is lost.',
    action: 'Close Keyward and open it again. If this keeps happening, contact your IT support.',
  },
  io: {
    message: 'Keyward could not read or save its files on this computer.',
    action: 'Check that the computer has free disk space, then try again.',
  },
  unsafe_file: {
    message: 'Keyward did not use one of its files, because other people could change or read it.',
    action: 'Fix it as described, then open Keyward again.',
    backEnd: true,
  },
  rng: {
    message: 'Keyward could not create a secure secret, so no key was made.',
    action: 'Try again. If it keeps happening, restart your computer.',
  },
  busy: {
    message: 'Keyward is busy with another change to this key.',
    action: 'Wait a moment and try again.',
  },
  credential_id_taken: {
    message: 'Another key already has this credential ID.',
    action: 'Open that key instead, or check that you pasted the ID of the new key.',
    backEnd: true,
  },
  ambiguous_key: {
    message: 'What you typed could mean more than one key.',
    action: 'Say which key you mean by its name.',
    backEnd: true,
  },
  no_dashboard: {
    message: "Keyward does not know the address of this vendor's dashboard.",
    action: "Add the address to the vendor's details, or open the dashboard yourself.",
    backEnd: true,
  },
  clipboard: {
    message: 'Keyward could not use the clipboard.',
    action: 'Show the secret instead and copy it by hand.',
  },
  internal: {
    message: 'Something went wrong inside Keyward.',
    action: 'Try again. If it keeps happening, close Keyward and open it again.',
  },
  team_vault: {
    message: 'Keyward could not use the team vault.',
    action: 'Check the team vault in Settings → Team.',
    backEnd: true,
  },
  team_not_lead: {
    message: 'The team report is for security leads; your keys are shared with the team.',
    action: 'Nothing needs doing: your security lead sees your keys in the report.',
    backEnd: true,
  },
  team_shared_not_granted: {
    message: 'The team vault shows you no shared keys.',
    action: 'If you need one, ask your security lead.',
    backEnd: true,
  },
  team_conflict: {
    message: 'A colleague changed this shared key in the team vault first, so nothing was overwritten.',
    action: 'Look at the shared keys again, and repeat your change only if it should still replace theirs.',
    backEnd: true,
  },
  wrong_passphrase: {
    message: 'This passphrase does not open the file, so nothing was changed.',
    action: 'Check the passphrase word by word (the words are joined by hyphens) and try again.',
  },
  backup_unreadable: {
    message: 'Keyward could not open this file, so nothing was changed.',
    action: 'Read what is wrong above, and use another copy of the file if you have one.',
    backEnd: true,
  },
  share_expired: {
    message: 'This shared key has expired, so Keyward did not add it.',
    action: 'Ask the colleague who sent it for a new file.',
  },
  cancelled: {
    message: 'Cancelled before it finished.',
    action: 'Start again when you are ready.',
  },
};

/** Every error code the back end may send, in the back end's order. */
export const ERROR_CODES = Object.keys(WORDING) as ErrorCode[];

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** Is `value` a `{ code, message }` rejection from one of Keyward's commands? */
export function isIpcError(value: unknown): value is IpcError {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.code === 'string' &&
    KNOWN_CODES.has(candidate.code) &&
    (candidate.message === undefined || typeof candidate.message === 'string')
  );
}

const GENERIC: Wording = WORDING.internal;

/** Explains any rejection from a command (or anything else thrown) in plain words. */
export function explainError(reason: unknown): ErrorExplanation {
  if (!isIpcError(reason)) {
    return { code: 'unknown', ...GENERIC, keychain: false };
  }
  const backEndMessage = (reason.message ?? '').trim();
  const { message, action, backEnd } = WORDING[reason.code];
  if (backEnd) {
    return { code: reason.code, message: backEndMessage || message, action, keychain: false };
  }
  return {
    code: reason.code,
    message: inStoreWords(message),
    action: inStoreWords(action),
    keychain: reason.code.startsWith('keychain_'),
  };
}

/** The explanation as one line: what happened, then what to do. */
export function errorSentence(reason: unknown): string {
  const { message, action } = explainError(reason);
  return action ? `${message} ${action}` : message;
}

/** What the keychain banner says for a state from `app_status`; null when all is well. */
export interface KeychainExplanation {
  state: Exclude<KeychainState, 'ok'>;
  message: string;
  action: string;
}

/**
 * Explains the keychain state reported at start. Uses Keyward's own words for known states;
 * for `error` it shows the back end's message when there is one, as it is the only clue.
 */
export function explainKeychainState(state: KeychainState, backEndMessage: string | null): KeychainExplanation | null {
  const said = explainState(state, backEndMessage);
  return said && { ...said, message: inStoreWords(said.message), action: inStoreWords(said.action) };
}

function explainState(state: KeychainState, backEndMessage: string | null): KeychainExplanation | null {
  switch (state) {
    case 'ok':
      return null;
    case 'locked':
      return { state, ...WORDING.keychain_locked };
    case 'unavailable':
      return { state, ...WORDING.keychain_unavailable };
    case 'timeout':
      return { state, ...WORDING.keychain_timeout };
    case 'denied':
      return { state, ...WORDING.keychain_denied };
    case 'error': {
      const detail = backEndMessage?.trim();
      return {
        state,
        message: detail ? `Keyward could not use your keychain: ${detail}` : 'Keyward could not use your keychain.',
        action: 'Try again. If it keeps happening, close Keyward and open it again.',
      };
    }
  }
}

/** The keychain state that a keychain error code means, for the banner. */
export function keychainStateOf(code: ErrorCode | 'unknown'): Exclude<KeychainState, 'ok' | 'error'> | null {
  switch (code) {
    case 'keychain_locked':
      return 'locked';
    case 'keychain_unavailable':
      return 'unavailable';
    case 'keychain_timeout':
      return 'timeout';
    case 'keychain_denied':
      return 'denied';
    default:
      return null;
  }
}
