//! Committed test vectors: a test derives a vector file's text and holds the committed
//! file to it; `UPDATE_VECTORS=1` rewrites the file instead.

use std::path::Path;

/// Checks that the file at `path` (relative to the repository) holds exactly `text`,
/// writing it first when `UPDATE_VECTORS` is set.
pub fn check_or_update(path: &str, text: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(path);
    if std::env::var_os("UPDATE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().expect("a file")).unwrap();
        std::fs::write(&path, text).unwrap();
    }
    let committed = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{} ({e}; UPDATE_VECTORS=1 writes it)", path.display()));
    assert!(
        committed == text,
        "{} differs from the vectors the test derives (UPDATE_VECTORS=1 rewrites it)",
        path.display()
    );
}
