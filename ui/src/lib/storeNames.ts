/**
 * The computer's secret store, named the way the person's desktop names it: on Linux people
 * know their "keyring" (GNOME's "Passwords and Keys"), on a Mac the "Keychain", on Windows the
 * "Credential Manager". Keyward's own texts say "keychain"; {@link inStoreWords} puts the
 * desktop's name in its place, so that every screen and message uses the same words.
 */

export type Desktop = 'linux' | 'mac' | 'windows';

/** Which desktop the window runs on, from the web view's user agent. */
export function desktopOf(userAgent: string): Desktop {
  if (/Windows/i.test(userAgent)) return 'windows';
  if (/Mac OS X|Macintosh/i.test(userAgent)) return 'mac';
  return 'linux';
}

function currentDesktop(): Desktop {
  return typeof navigator === 'undefined' ? 'linux' : desktopOf(navigator.userAgent);
}

/** How each desktop says "your keychain", "a keychain", "the keychain", and the tool that shows it. */
const NAMES: Record<Desktop, { your: string; a: string; the: string; bare: string; tool: string }> = {
  linux: { your: 'your keyring', a: 'a keyring', the: 'the keyring', bare: 'keyring', tool: 'Passwords and Keys' },
  mac: { your: 'your Keychain', a: 'a Keychain', the: 'the Keychain', bare: 'Keychain', tool: 'Keychain Access' },
  windows: {
    your: 'Windows Credential Manager',
    a: 'Windows Credential Manager',
    the: 'Credential Manager',
    bare: 'Credential Manager',
    tool: 'Credential Manager',
  },
};

/** The name of the desktop's tool that shows the stored secrets ("Passwords and Keys" on GNOME). */
export function storeTool(desktop: Desktop = currentDesktop()): string {
  return NAMES[desktop].tool;
}

function capitalised(text: string, like: string): string {
  return like[0] === like[0].toUpperCase() ? text[0].toUpperCase() + text.slice(1) : text;
}

/**
 * `text` with "keychain" said the way the desktop says it: "Your keychain is locked." is
 * "Your keyring is locked." on Linux and "Windows Credential Manager is locked." on Windows.
 */
export function inStoreWords(text: string, desktop: Desktop = currentDesktop()): string {
  const names = NAMES[desktop];
  // "Keychain Access" is the Mac's own tool, named as it is.
  return text.replace(/\b(?:(your|a|the|this computer's) )?keychain\b(?! Access)/gi, (match: string, before: string | undefined) => {
    const lead = (before ?? '').toLowerCase();
    if (lead === 'your') return capitalised(names.your, match);
    if (lead === 'a') return capitalised(names.a, match);
    if (lead === 'the') return capitalised(names.the, match);
    if (lead === "this computer's") {
      const own = desktop === 'windows' ? names.your : `this computer's ${names.bare}`;
      return capitalised(own, match);
    }
    return capitalised(names.bare, match);
  });
}
