//! The system's file picker, as the commands open it: a file to open, a
//! folder to choose, or a file to save, described by a [`Picker`] and shown
//! by [`pick`], which waits for the person's answer and turns it into a path
//! on this computer. Every command that opens a picker (import, leak check,
//! backup and share, the report, the audit stream's certificates) goes
//! through here.
//!
//! Promises: cancelling is `Ok(None)`, never an error; a chosen place that
//! is not a local path is refused with "Keyward cannot {cannot} that place
//! (…). Choose {choose} on this computer.", in the command's own words; a
//! picker that goes away without answering is an internal error. Nothing is
//! read or written here: the command does that with the path.

use std::path::PathBuf;

use tauri::{AppHandle, Runtime};
use tauri_plugin_dialog::{DialogExt, FilePath};

use super::{CommandResult, IpcError};

/// Which picker to show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PickKind {
    /// An existing file to open.
    OpenFile,
    /// An existing folder.
    Folder,
    /// A file to write (the picker asks before replacing one).
    SaveFile,
}

/// The words of a refused place: "Keyward cannot {cannot} that place (…).
/// Choose {choose} on this computer."
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal<'a> {
    /// What Keyward would do with the place: `read`, `check`, `use`, `save to`.
    pub cannot: &'a str,
    /// What to choose instead: `a file`, `a folder`.
    pub choose: &'a str,
}

/// A picker as a command wants it shown: made by [`Picker::open_file`],
/// [`Picker::folder`] or [`Picker::save_file`], then told its filter,
/// suggested name and refusal words.
#[derive(Debug, Clone)]
pub struct Picker<'a> {
    kind: PickKind,
    title: &'a str,
    filter: Option<(&'a str, &'a [&'a str])>,
    file_name: Option<String>,
    refusal: Refusal<'a>,
}

impl<'a> Picker<'a> {
    /// A picker of `kind` titled `title`, with no filter and no suggested
    /// name; a place that is not on this computer is refused as "Keyward
    /// cannot use that place (…). Choose a file (a folder) on this computer."
    pub fn new(kind: PickKind, title: &'a str) -> Self {
        let choose = match kind {
            PickKind::Folder => "a folder",
            PickKind::OpenFile | PickKind::SaveFile => "a file",
        };
        Self {
            kind,
            title,
            filter: None,
            file_name: None,
            refusal: Refusal {
                cannot: "use",
                choose,
            },
        }
    }

    /// A picker for an existing file to open.
    pub fn open_file(title: &'a str) -> Self {
        Self::new(PickKind::OpenFile, title)
    }

    /// A picker for an existing folder.
    pub fn folder(title: &'a str) -> Self {
        Self::new(PickKind::Folder, title)
    }

    /// A picker for a file to write.
    pub fn save_file(title: &'a str) -> Self {
        Self::new(PickKind::SaveFile, title)
    }

    /// Offers only files called `name` with these `extensions`.
    #[must_use]
    pub fn filter(mut self, name: &'a str, extensions: &'a [&'a str]) -> Self {
        self.filter = Some((name, extensions));
        self
    }

    /// Suggests `name` for the file (a file to save).
    #[must_use]
    pub fn file_name(mut self, name: impl Into<String>) -> Self {
        self.file_name = Some(name.into());
        self
    }

    /// Refuses a place that is not on this computer as "Keyward cannot
    /// {cannot} that place (…). Choose {choose} on this computer."
    #[must_use]
    pub fn refused_as(mut self, cannot: &'a str, choose: &'a str) -> Self {
        self.refusal = Refusal { cannot, choose };
        self
    }
}

/// Shows `picker` and waits for the person: the path they chose, or `None`
/// when they cancelled.
pub async fn pick<R: Runtime>(
    app: &AppHandle<R>,
    picker: Picker<'_>,
) -> CommandResult<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let answer = move |path: Option<FilePath>| {
        // The command may have stopped waiting; the answer is then no one's.
        let _ = tx.send(path);
    };
    let mut dialog = app.dialog().file().set_title(picker.title);
    if let Some((name, extensions)) = picker.filter {
        dialog = dialog.add_filter(name, extensions);
    }
    if let Some(file_name) = picker.file_name {
        dialog = dialog.set_file_name(file_name);
    }
    match picker.kind {
        PickKind::OpenFile => dialog.pick_file(answer),
        PickKind::Folder => dialog.pick_folder(answer),
        PickKind::SaveFile => dialog.save_file(answer),
    }
    let answered = rx.await.map_err(IpcError::internal)?;
    local_path(answered, picker.refusal)
}

/// The picker's answer as a path on this computer: `None` when the person
/// cancelled, refused in `refusal`'s words when it is not a local path.
pub fn local_path(
    answer: Option<FilePath>,
    refusal: Refusal<'_>,
) -> CommandResult<Option<PathBuf>> {
    let Some(chosen) = answer else {
        return Ok(None);
    };
    let Refusal { cannot, choose } = refusal;
    let path = chosen.into_path().map_err(|e| {
        IpcError::invalid(format!(
            "Keyward cannot {cannot} that place ({e}). Choose {choose} on this computer."
        ))
    })?;
    Ok(Some(path))
}

#[cfg(test)]
mod tests {
    use super::*;
    use keyward_core::Code;
    use std::str::FromStr;

    const READ: Refusal<'static> = Refusal {
        cannot: "read",
        choose: "a file",
    };

    #[test]
    fn a_cancelled_picker_is_no_path_and_no_error() {
        assert_eq!(
            local_path(None, READ),
            Ok(None),
            "cancelling is not a problem"
        );
    }

    #[test]
    fn a_chosen_local_file_is_its_path() {
        let chosen = FilePath::from(PathBuf::from("/home/sam/export.csv"));
        assert_eq!(
            local_path(Some(chosen), READ),
            Ok(Some(PathBuf::from("/home/sam/export.csv")))
        );
        let url = FilePath::from_str("file:///home/sam/export.csv").unwrap();
        assert_eq!(
            local_path(Some(url), READ),
            Ok(Some(PathBuf::from("/home/sam/export.csv"))),
            "a file:// answer is the same local path"
        );
    }

    /// The app's own sources that open the system's file picker: files of
    /// `src-tauri/` (not its crates) that name the dialog plugin's picker.
    fn picker_openers() -> Vec<String> {
        fn walk(dir: &std::path::Path, found: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).expect("the sources can be listed") {
                let path = entry.expect("a source folder entry").path();
                let crate_folder = path.ends_with("core") || path.ends_with("background");
                if path.is_dir() && !crate_folder {
                    walk(&path, found);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    found.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src-tauri");
        let mut files = Vec::new();
        walk(&root, &mut files);
        assert!(
            files.len() > 20,
            "the app's sources were found in {}",
            root.display()
        );
        files
            .into_iter()
            .filter(|file| {
                let text = std::fs::read_to_string(file).expect("a source file is readable");
                text.contains("DialogExt") || text.contains(".dialog()")
            })
            .map(|file| {
                file.strip_prefix(&root)
                    .unwrap_or(&file)
                    .display()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn only_this_module_opens_the_file_picker() {
        assert_eq!(
            picker_openers(),
            ["commands/pick.rs"],
            "every command that asks for a file or folder goes through commands::pick"
        );
    }

    #[test]
    fn a_place_that_is_not_on_this_computer_is_refused_in_the_command_s_words() {
        let remote = FilePath::from_str("https://example.com/export.csv").unwrap();
        let refusal = Refusal {
            cannot: "save to",
            choose: "a folder",
        };
        let error = local_path(Some(remote), refusal).unwrap_err();
        assert_eq!(error.code, Code::InvalidInput);
        assert_eq!(
            error.message,
            "Keyward cannot save to that place (URL is not a valid path). Choose a folder on this computer.",
            "the sentence the commands have always given"
        );
    }
}
