//! Expanding the paths given to `import` into files.

use std::path::{Path, PathBuf};

use super::FileOutcome;

/// Extensions of files that travel with exports but are never evidence: a folder's
/// documentation and pictures. Named explicitly, such a file is still read.
const NOT_EVIDENCE: [&str; 11] = [
    "md", "markdown", "rst", "html", "htm", "pdf", "png", "jpg", "jpeg", "gif", "svg",
];

/// The files under `paths` in a stable order: folders are walked recursively in name
/// order, hidden entries and symbolic links to folders are skipped (a link can loop), and
/// so are documentation files inside folders. Paths that cannot be read become failed
/// outcomes, and skipped documentation files skipped outcomes.
pub fn expand(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<FileOutcome>) {
    let mut files = Vec::new();
    let mut failures = Vec::new();
    for path in paths {
        visit(path, true, &mut files, &mut failures);
    }
    (files, failures)
}

fn visit(path: &Path, explicit: bool, files: &mut Vec<PathBuf>, failures: &mut Vec<FileOutcome>) {
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
        if !explicit && is_documentation(path) {
            failures.push(FileOutcome::Skipped {
                path: path.display().to_string(),
                reason: "documentation, not evidence".into(),
            });
        } else {
            files.push(path.to_path_buf());
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

fn is_documentation(path: &Path) -> bool {
    path.extension()
        .map(|ext| ext.to_string_lossy().to_ascii_lowercase())
        .is_some_and(|ext| NOT_EVIDENCE.contains(&ext.as_str()))
}
