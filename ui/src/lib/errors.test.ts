import { describe, expect, it } from 'vitest';
import { ERROR_CODES, errorSentence, explainError, explainKeychainState, isIpcError, keychainStateOf } from './errors';
import type { KeychainState } from './types';

const JARGON = /d-?bus|secret service|ipc|json|invoke|serde|rust|tauri|backend|back end|stack|panic|errno|null|undefined/i;

/** Codes whose sentence comes from the back end (it names the value or the keys concerned). */
const BACK_END_WORDED = new Set<string>(['invalid_input', 'name_taken', 'unsafe_file', 'credential_id_taken', 'ambiguous_key', 'no_dashboard', 'team_vault', 'team_conflict', 'team_not_lead', 'team_shared_not_granted', 'backup_unreadable']);

describe('explainError', () => {
  it('shows the back end message for invalid input, with what to do', () => {
    const e = explainError({ code: 'invalid_input', message: 'A service name cannot contain "/".' });
    expect(e).toEqual({
      code: 'invalid_input',
      message: 'A service name cannot contain "/".',
      action: 'Correct it and try again.',
      keychain: false,
    });
  });

  it('shows the back end message when a name is taken', () => {
    const e = explainError({ code: 'name_taken', message: 'A key with this name already exists.' });
    expect(e.message).toBe('A key with this name already exists.');
    expect(e.action).toBe('Choose a different name.');
  });

  it('falls back to its own words when the back end sends an empty message', () => {
    expect(explainError({ code: 'name_taken', message: '  ' }).message).toBe('A key with this name already exists.');
    expect(explainError({ code: 'invalid_input', message: '' }).message).toBe('Something you typed cannot be used.');
  });

  it('tells the person to unlock a locked keychain', () => {
    const e = explainError({ code: 'keychain_locked', message: 'org.freedesktop.Secret.Error.IsLocked' });
    expect(e.message).toBe('Your keyring is locked.');
    expect(e.action).toBe('Unlock it (you may see a password prompt) and try again.');
    expect(e.keychain).toBe(true);
  });

  it('uses its own words for keychain and catalog errors, never the technical message', () => {
    const technical = 'D-Bus error: org.freedesktop.DBus.Error.ServiceUnknown (serde_json)';
    for (const code of ['keychain_locked', 'keychain_unavailable', 'keychain_timeout', 'keychain_denied', 'catalog_unreadable'] as const) {
      const e = explainError({ code, message: technical });
      expect(e.message, `${code} must not echo the technical message`).not.toContain('D-Bus');
      expect(`${e.message} ${e.action}`, `${code} must be jargon-free`).not.toMatch(JARGON);
    }
  });

  it('marks exactly the keychain codes as keychain problems', () => {
    const keychainCodes = ERROR_CODES.filter((c) => explainError({ code: c, message: 'x' }).keychain);
    expect(keychainCodes).toEqual([
      'keychain_locked',
      'keychain_unavailable',
      'keychain_timeout',
      'keychain_denied',
      'keychain_error',
      'keychain_no_default',
      'keychain_cancelled',
      'keychain_cannot_ask',
    ]);
  });

  it('gives every known code a message and an action', () => {
    for (const code of ERROR_CODES) {
      const e = explainError({ code, message: 'Plain words from the back end.' });
      expect(e.code).toBe(code);
      expect(e.message.length, `${code} needs a message`).toBeGreaterThan(10);
      expect(e.action.length, `${code} needs an action`).toBeGreaterThan(10);
      expect(e.message.endsWith('.'), `${code} message is a sentence`).toBe(true);
      expect(e.action.endsWith('.'), `${code} action is a sentence`).toBe(true);
    }
  });

  it('shows the refused file and how to fix it for unsafe_file', () => {
    const message = "Other people can change files in Keyward's folder /home/a/.local/share/app.keyward.desktop. Check the files in it, then make it private with: chmod 700 '/home/a/.local/share/app.keyward.desktop'";
    const e = explainError({ code: 'unsafe_file', message });
    expect(e.message).toBe(message);
    expect(e.action).toBe('Fix it as described, then open Keyward again.');
    expect(e.keychain).toBe(false);
  });

  it('shows the back end\'s sentence, which names the keys, for the vendor-key codes', () => {
    for (const code of ['credential_id_taken', 'ambiguous_key', 'no_dashboard'] as const) {
      const message = `The key "stripe-01_02_2026-10_00" is named here (${code}).`;
      const e = explainError({ code, message });
      expect(e.message).toBe(message);
      expect(e.action.length).toBeGreaterThan(0);
      expect(e.keychain).toBe(false);
    }
  });

  it('pins the wording of each code the UI explains itself', () => {
    const words = Object.fromEntries(
      ERROR_CODES.filter((c) => !BACK_END_WORDED.has(c)).map((c) => [c, errorSentence({ code: c, message: 'ignored' })]),
    );
    expect(words).toMatchInlineSnapshot(`
      {
        "busy": "Keyward is busy with another change to this key. Wait a moment and try again.",
        "cancelled": "Cancelled before it finished. Start again when you are ready.",
        "catalog_unreadable": "Keyward cannot read its list of keys. It has left the list untouched so that nothing is lost. Close Keyward and open it again. If this keeps happening, contact your IT support.",
        "clipboard": "Keyward could not use the clipboard. Show the secret instead and copy it by hand.",
        "internal": "Something went wrong inside Keyward. Try again. If it keeps happening, close Keyward and open it again.",
        "io": "Keyward could not read or save its files on this computer. Check that the computer has free disk space, then try again.",
        "keychain_cancelled": "The keyring's request was cancelled, so nothing was done. Try again, and when your computer asks, enter your password or choose Allow.",
        "keychain_cannot_ask": "Your keyring needs you to unlock it or to allow Keyward, but it could not ask you now. Unlock your computer, open Keyward on its screen, and try again.",
        "keychain_denied": "Keyward was not allowed to use your keyring. If your computer asks whether Keyward may use the keyring, choose Allow, then try again.",
        "keychain_error": "Your keyring reported a problem. Try again. If it keeps happening, restart your computer.",
        "keychain_locked": "Your keyring is locked. Unlock it (you may see a password prompt) and try again.",
        "keychain_no_default": "Your keyring is not locked, but it has no default keyring, so there is nowhere to save a new key. Open your computer's password tool ("Passwords and Keys" on GNOME, KWalletManager on KDE, Keychain Access on a Mac), create a keyring if there is none, and set it as the default. Then try again.",
        "keychain_timeout": "Your keyring is not answering. It may be waiting for you: look for a password prompt in another window, then try again.",
        "keychain_unavailable": "Keyward cannot find a keyring on this computer, so it cannot store or read secrets. Sign out and back in to your computer, then try again. If it keeps happening, ask your IT support to set up a keyring.",
        "not_found": "This key no longer exists. It may have been deleted in another Keyward window. Go back to the list to see the keys you have now.",
        "rng": "Keyward could not create a secure secret, so no key was made. Try again. If it keeps happening, restart your computer.",
        "share_expired": "This shared key has expired, so Keyward did not add it. Ask the colleague who sent it for a new file.",
        "wrong_passphrase": "This passphrase does not open the file, so nothing was changed. Check the passphrase word by word (the words are joined by hyphens) and try again.",
      }
    `);
  });

  it('treats anything that is not a command error as a generic problem, hiding its text', () => {
    for (const reason of [
      'command list_keys not found',
      new TypeError("Cannot read properties of undefined (reading 'invoke')"),
      { code: 'teapot', message: 'I am a teapot' },
      { message: 'no code' },
      null,
      undefined,
      42,
    ]) {
      const e = explainError(reason);
      expect(e.code).toBe('unknown');
      expect(e.message).toBe('Something went wrong inside Keyward.');
      expect(e.keychain).toBe(false);
    }
  });
});

describe('isIpcError', () => {
  it('accepts only known codes with a string message', () => {
    expect(isIpcError({ code: 'io', message: 'disk full' })).toBe(true);
    expect(isIpcError({ code: 'io' })).toBe(true);
    expect(isIpcError({ code: 'io', message: 3 })).toBe(false);
    expect(isIpcError({ code: 'nope', message: '' })).toBe(false);
    expect(isIpcError('io')).toBe(false);
  });
});

describe('explainKeychainState', () => {
  it('says nothing when the keychain is fine', () => {
    expect(explainKeychainState('ok', null)).toBeNull();
  });

  it('explains each problem state in plain words with an action', () => {
    const states: KeychainState[] = ['locked', 'unavailable', 'timeout', 'denied', 'error'];
    for (const state of states) {
      const e = explainKeychainState(state, null);
      expect(e, state).not.toBeNull();
      expect(e!.action.length, state).toBeGreaterThan(10);
      expect(`${e!.message} ${e!.action}`, state).not.toMatch(JARGON);
    }
  });

  it('matches the wording of the matching error codes', () => {
    expect(explainKeychainState('locked', 'ignored')!.message).toBe(explainError({ code: 'keychain_locked', message: '' }).message);
    expect(explainKeychainState('timeout', null)!.action).toBe(explainError({ code: 'keychain_timeout', message: '' }).action);
  });

  it('adds the back end detail only for an unexpected keychain error', () => {
    expect(explainKeychainState('error', 'The keychain refused the request.')!.message).toBe(
      'Keyward could not use your keyring: The keyring refused the request.',
    );
    expect(explainKeychainState('error', '  ')!.message).toBe('Keyward could not use your keyring.');
    expect(explainKeychainState('locked', 'detail')!.message).not.toContain('detail');
  });
});

describe('keychainStateOf', () => {
  it('maps keychain codes to banner states and everything else to none', () => {
    expect(keychainStateOf('keychain_locked')).toBe('locked');
    expect(keychainStateOf('keychain_unavailable')).toBe('unavailable');
    expect(keychainStateOf('keychain_timeout')).toBe('timeout');
    expect(keychainStateOf('keychain_denied')).toBe('denied');
    expect(keychainStateOf('io')).toBeNull();
    expect(keychainStateOf('unknown')).toBeNull();
  });
});
