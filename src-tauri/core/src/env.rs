//! The environment variables Keyward heeds, read once.
//!
//! Promises:
//! - this is the only module that reads the process's environment (a test
//!   of the app's fast tier scans the sources for `std::env::var`);
//! - [`Environment::from_process`] reads every variable once and turns it
//!   into a checked value (a time limit that is not a whole number of
//!   seconds in range is no time limit), so parts never parse raw text;
//! - [`process`] keeps the first reading for the life of the process: every
//!   part of one process (the command line, the window, the background
//!   program, the crash points of tests) sees the same settings;
//! - tests build an [`Environment`] plainly (`Environment { policy_file:
//!   Some(..), ..Environment::default() }`) and hand it to what reads it.
//!
//! The value is process-wide rather than handed down from `main`: its readers
//! sit deep in tasks and protocols that three programs start (the test crash
//! points inside the vault's create/delete protocol, the audit log's identity
//! built wherever an entry is written, the team and webhook tasks' keychain
//! and time limits), and threading one value through all of them would change
//! most command signatures without changing what any of them sees. The
//! constructors that use a setting take an `&Environment`
//! (`PolicyFile::from_environment`, `OsKeychain::from_environment`,
//! `RetryPolicy::from_environment`), so what they make from it is tested
//! without touching the process.

use std::ffi::OsString;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use crate::Error;

/// Every environment setting Keyward heeds, already checked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Environment {
    /// `KEYWARD_DATA_DIR` if set, else the platform's data folder for
    /// Keyward; `None` when there is no home folder to find it in.
    pub data_folder: Option<PathBuf>,
    /// `KEYWARD_CONFIG_DIR` if set, else the platform's config folder for
    /// Keyward; `None` when there is no home folder to find it in.
    pub config_folder: Option<PathBuf>,
    /// The person's home folder, as the platform finds it (`HOME` on
    /// Unix); `None` when there is none.
    pub home_folder: Option<PathBuf>,
    /// The platform's folder for programs' settings, not Keyward's own
    /// (`$XDG_CONFIG_HOME`, else `~/.config`, on Linux): where the desktop
    /// looks for programs started at login.
    pub user_config_folder: Option<PathBuf>,
    /// `KEYWARD_KEYCHAIN_TIMEOUT_SECS`: a whole number of seconds above 0.
    pub keychain_timeout: Option<Duration>,
    /// `KEYWARD_WEBHOOK_TIMEOUT_SECS`: a whole number of seconds from 1 to 300.
    pub webhook_timeout: Option<Duration>,
    /// `KEYWARD_POLICY_FILE`, when set and not empty.
    pub policy_file: Option<PathBuf>,
    /// The first of `USER`, `LOGNAME` and `USERNAME` that is set and not blank.
    pub user_name: Option<String>,
    /// `KEYWARD_LOG_REMINDERS` is set: the reminder task says how long it sleeps.
    pub log_reminders: bool,
    /// `LC_ALL`, `LC_TIME` and `LANG`, as set (text only).
    pub locale: LocaleVariables,
    /// `WEBKIT_DISABLE_COMPOSITING_MODE` is set: the person chose how WebKit draws.
    pub compositing_chosen: bool,
    /// `TAURI_WEBVIEW_AUTOMATION` is set: the window runs under WebDriver.
    pub under_webdriver: bool,
    /// `KEYWARD_TEST_ABORT_AT`: the crash point a test asked for (heeded
    /// in debug builds only).
    pub abort_at: Option<String>,
}

/// The locale variables that say how dates are written.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LocaleVariables {
    /// `LC_ALL`.
    pub lc_all: Option<String>,
    /// `LC_TIME`.
    pub lc_time: Option<String>,
    /// `LANG`.
    pub lang: Option<String>,
}

impl LocaleVariables {
    /// The value of `LC_ALL`, `LC_TIME` or `LANG` by name; `None` for any other name.
    pub fn get(&self, name: &str) -> Option<String> {
        match name {
            "LC_ALL" => self.lc_all.clone(),
            "LC_TIME" => self.lc_time.clone(),
            "LANG" => self.lang.clone(),
            _ => None,
        }
    }
}

impl Environment {
    /// Reads this process's environment, with the platform's folders for
    /// Keyward where `KEYWARD_DATA_DIR` or `KEYWARD_CONFIG_DIR` is not set,
    /// and the person's home and settings folders (the `dirs` crate, which
    /// reads `HOME` and `XDG_*`: called here only).
    pub fn from_process() -> Self {
        let mut environment = Self::from_variables(|name| std::env::var_os(name));
        environment.home_folder = dirs::home_dir();
        environment.user_config_folder = dirs::config_dir();
        if environment.data_folder.is_none() {
            environment.data_folder = crate::default_data_dir();
        }
        if environment.config_folder.is_none() {
            environment.config_folder = crate::default_config_dir();
        }
        environment
    }

    /// The settings that `var` gives (a variable's value by name, as
    /// `std::env::var_os` does); the folders only from Keyward's own variables.
    pub fn from_variables(var: impl Fn(&str) -> Option<OsString>) -> Self {
        let text = |name: &str| var(name).and_then(|value| value.into_string().ok());
        let seconds = |name: &str| {
            text(name)
                .and_then(|value| value.trim().parse::<u64>().ok())
                .map(Duration::from_secs)
        };
        Self {
            data_folder: var("KEYWARD_DATA_DIR").map(PathBuf::from),
            config_folder: var("KEYWARD_CONFIG_DIR").map(PathBuf::from),
            // The platform's, from `from_process`.
            home_folder: None,
            user_config_folder: None,
            keychain_timeout: seconds("KEYWARD_KEYCHAIN_TIMEOUT_SECS")
                .filter(|limit| !limit.is_zero()),
            webhook_timeout: seconds("KEYWARD_WEBHOOK_TIMEOUT_SECS")
                .filter(|limit| (1..=300).contains(&limit.as_secs())),
            policy_file: var(crate::policy::PATH_VARIABLE)
                .filter(|path| !path.is_empty())
                .map(PathBuf::from),
            user_name: ["USER", "LOGNAME", "USERNAME"]
                .iter()
                .filter_map(|name| var(name))
                .map(|value| value.to_string_lossy().into_owned())
                .find(|value| !value.trim().is_empty()),
            log_reminders: var("KEYWARD_LOG_REMINDERS").is_some(),
            locale: LocaleVariables {
                lc_all: text("LC_ALL"),
                lc_time: text("LC_TIME"),
                lang: text("LANG"),
            },
            compositing_chosen: var("WEBKIT_DISABLE_COMPOSITING_MODE").is_some(),
            under_webdriver: var("TAURI_WEBVIEW_AUTOMATION").is_some(),
            abort_at: text("KEYWARD_TEST_ABORT_AT"),
        }
    }

    /// The data folder every Keyward process uses: `KEYWARD_DATA_DIR` if
    /// set, else the platform's.
    pub fn data_dir(&self) -> Result<PathBuf, Error> {
        self.data_folder.clone().ok_or_else(|| {
            Error::Invalid(
                "Keyward could not find your home folder to keep its list of keys in. Set HOME and try again."
                    .into(),
            )
        })
    }

    /// The config folder every Keyward process uses: `KEYWARD_CONFIG_DIR`
    /// if set, else the platform's.
    pub fn config_dir(&self) -> Result<PathBuf, Error> {
        self.config_folder.clone().ok_or_else(|| {
            Error::Invalid(
                "Keyward could not find your home folder to keep its settings in. Set HOME and try again."
                    .into(),
            )
        })
    }
}

/// This process's environment, read the first time it is asked for and
/// kept for the life of the process.
pub fn process() -> &'static Environment {
    static PROCESS: OnceLock<Environment> = OnceLock::new();
    PROCESS.get_or_init(Environment::from_process)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reading(pairs: &[(&str, &str)]) -> Environment {
        let pairs: Vec<(String, OsString)> = pairs
            .iter()
            .map(|(name, value)| ((*name).to_owned(), OsString::from(value)))
            .collect();
        Environment::from_variables(move |name| {
            pairs
                .iter()
                .find(|(n, _)| n == name)
                .map(|(_, value)| value.clone())
        })
    }

    #[test]
    fn nothing_set_reads_as_no_setting() {
        assert_eq!(
            reading(&[]),
            Environment::default(),
            "an empty environment sets nothing, not even the folders (the platform's come from from_process)"
        );
    }

    #[test]
    fn time_limits_are_whole_seconds_in_range_or_nothing() {
        let env = reading(&[
            ("KEYWARD_KEYCHAIN_TIMEOUT_SECS", " 7 "),
            ("KEYWARD_WEBHOOK_TIMEOUT_SECS", "300"),
        ]);
        assert_eq!(env.keychain_timeout, Some(Duration::from_secs(7)));
        assert_eq!(env.webhook_timeout, Some(Duration::from_secs(300)));
        for bad in ["0", "-1", "1.5", "soon", ""] {
            let env = reading(&[
                ("KEYWARD_KEYCHAIN_TIMEOUT_SECS", bad),
                ("KEYWARD_WEBHOOK_TIMEOUT_SECS", bad),
            ]);
            assert_eq!(
                env.keychain_timeout, None,
                "{bad:?} is no keychain time limit"
            );
            assert_eq!(
                env.webhook_timeout, None,
                "{bad:?} is no webhook time limit"
            );
        }
        assert_eq!(
            reading(&[("KEYWARD_WEBHOOK_TIMEOUT_SECS", "301")]).webhook_timeout,
            None,
            "a webhook attempt is never allowed more than five minutes"
        );
    }

    #[test]
    fn the_user_is_the_first_name_that_is_not_blank() {
        let env = reading(&[("USER", " "), ("LOGNAME", "ada"), ("USERNAME", "other")]);
        assert_eq!(env.user_name.as_deref(), Some("ada"));
        assert_eq!(reading(&[("USER", "")]).user_name, None);
    }

    #[test]
    fn keywards_own_folders_and_policy_file_are_taken_as_given() {
        let env = reading(&[
            ("KEYWARD_DATA_DIR", "/tmp/d"),
            ("KEYWARD_CONFIG_DIR", "/tmp/c"),
            ("KEYWARD_POLICY_FILE", "/tmp/p.json"),
            ("KEYWARD_LOG_REMINDERS", ""),
            ("LC_TIME", "de_DE.UTF-8"),
        ]);
        assert_eq!(env.data_dir().unwrap(), PathBuf::from("/tmp/d"));
        assert_eq!(env.config_dir().unwrap(), PathBuf::from("/tmp/c"));
        assert_eq!(env.policy_file, Some(PathBuf::from("/tmp/p.json")));
        assert!(env.log_reminders, "set, even empty, turns the log on");
        assert_eq!(env.locale.get("LC_TIME").as_deref(), Some("de_DE.UTF-8"));
        assert_eq!(
            reading(&[("KEYWARD_POLICY_FILE", "")]).policy_file,
            None,
            "an empty policy path is no policy path"
        );
    }

    #[test]
    fn without_a_home_folder_the_folders_are_refused_in_words() {
        let env = Environment::default();
        assert!(env.data_dir().unwrap_err().to_string().contains("Set HOME"));
        assert!(
            env.config_dir()
                .unwrap_err()
                .to_string()
                .contains("Set HOME")
        );
    }
}
