import { describe, expect, it } from 'vitest';
import { explainError, explainKeychainState } from './errors';
import { desktopOf, inStoreWords, storeTool } from './storeNames';

const LINUX = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const MAC = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko)';
const WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0';

describe('the secret store, named the way each desktop names it', () => {
  it('knows the desktop from the web view', () => {
    expect(desktopOf(LINUX)).toBe('linux');
    expect(desktopOf(MAC)).toBe('mac');
    expect(desktopOf(WINDOWS)).toBe('windows');
  });

  it('says keyring on Linux, Keychain on a Mac, Credential Manager on Windows', () => {
    expect(inStoreWords('Your keychain is locked.', 'linux')).toBe('Your keyring is locked.');
    expect(inStoreWords('Your keychain is locked.', 'mac')).toBe('Your Keychain is locked.');
    expect(inStoreWords('Your keychain is locked.', 'windows')).toBe('Windows Credential Manager is locked.');
    expect(inStoreWords("keeps the secret safe in this computer's keychain.", 'linux')).toBe("keeps the secret safe in this computer's keyring.");
    expect(inStoreWords("keeps the secret safe in this computer's keychain.", 'windows')).toBe('keeps the secret safe in Windows Credential Manager.');
    expect(inStoreWords('Opening keychain…', 'linux')).toBe('Opening keyring…');
    expect(inStoreWords("The keychain's request was cancelled", 'windows')).toBe("Credential Manager's request was cancelled");
    expect(storeTool('linux')).toBe('Passwords and Keys');
  });

  it('leaves no "keychain" in what the window says about the store on Linux', () => {
    for (const code of ['keychain_locked', 'keychain_unavailable', 'keychain_timeout', 'keychain_denied', 'keychain_error', 'keychain_no_default', 'keychain_cancelled', 'keychain_cannot_ask']) {
      const { message, action } = explainError({ code, message: '' });
      // "Keychain Access" is the Mac's tool, named in the advice for every desktop.
      expect(`${message} ${action}`.replace('Keychain Access', ''), code).not.toMatch(/keychain/i);
    }
    for (const state of ['locked', 'unavailable', 'timeout', 'denied', 'error'] as const) {
      const said = explainKeychainState(state, null);
      expect(`${said?.message} ${said?.action}`, state).not.toMatch(/keychain/i);
    }
  });
});
