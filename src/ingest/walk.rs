//! Expanding the paths given to `import` into files.

use std::path::{Path, PathBuf};

use super::FileOutcome;

/// Extensions of files that travel with exports but are never evidence: a folder's
/// documentation and pictures. Named explicitly, such a file is still read.
const NOT_EVIDENCE: [&str; 11] = [
    "md", "markdown", "rst", "html", "htm", "pdf", "png", "jpg", "jpeg", "gif", "svg",
];

/// Extensions of the files scimtrail itself reads beside evidence: mapping files
/// (`--mapping`) and alias mappings (`--aliases`) are TOML. Inside a folder they are
/// skipped; named explicitly, they are read as evidence and fail.
const SETTINGS: [&str; 1] = ["toml"];

/// A file to import, and whether it was named on the command line rather than found in
/// a folder. A named file that contains no evidence is an error; a found one is skipped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub path: PathBuf,
    pub named: bool,
}

/// The files under `paths` in a stable order: folders are walked recursively in name
/// order, hidden entries and symbolic links to folders are skipped (a link can loop), and
/// so are documentation and TOML files inside folders. Paths that cannot be read become
/// failed outcomes, and skipped files skipped outcomes.
pub fn expand(paths: &[PathBuf]) -> (Vec<Found>, Vec<FileOutcome>) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for path in paths {
        visit(path, true, &mut files, &mut failures);
    }
    (files, failures)
}

fn visit(path: &Path, explicit: bool, files: &mut Vec<Found>, failures: &mut Vec<FileOutcome>) {
    let fail = |failures: &mut Vec<FileOutcome>, error: String| {
        failures.push(FileOutcome::Failed {
            path: path.display().to_string(),
            error,
        })
    };
    let link = match std::fs::symlink_metadata(path) {
        Ok(meta) => meta,
        Err(err) => return fail(failures, err.to_string()),
    };
    let meta = match std::fs::metadata(path) {
        Ok(meta) => meta,
        Err(err) => return fail(failures, err.to_string()),
    };
    if meta.is_file() {
        let skip = |reason: &str| FileOutcome::Skipped {
            path: path.display().to_string(),
            reason: reason.into(),
        };
        if !explicit && has_extension(path, &NOT_EVIDENCE) {
            failures.push(skip("documentation, not evidence"));
        } else if !explicit && has_extension(path, &SETTINGS) {
            failures.push(skip(
                "TOML, such as a mapping or alias file, not evidence; pass it with \
                 --mapping or --aliases",
            ));
        } else {
            files.push(Found {
                path: path.to_path_buf(),
                named: explicit,
            });
        }
        return;
    }
    if !meta.is_dir() {
        failures.push(FileOutcome::Skipped {
            path: path.display().to_string(),
            reason: "not a regular file or folder".into(),
        });
        return;
    }
    if link.file_type().is_symlink() && !explicit {
        return;
    }
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(entries) => entries.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(err) => return fail(failures, err.to_string()),
    };
    entries.sort();
    for entry in entries {
        let hidden = entry
            .file_name()
            .is_some_and(|name| name.to_string_lossy().starts_with('.'));
        if !hidden {
            visit(&entry, false, files, failures);
        }
    }
}

fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|ext| extensions.contains(&ext.as_str()))
}
