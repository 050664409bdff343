//! Key files on disk: the log's key in the data directory, and the parties' keys. The
//! format crate says what a key file holds (`SecretKey::to_file_text`); this module is
//! the I/O.

use std::path::Path;
use suyuan_format::keys::SecretKey;

/// Writes a key file that only its owner can read, and syncs it: a log key that did
/// not reach the disk would leave a store that no one can extend.
pub fn write_key_file(key: &SecretKey, path: &Path) -> std::io::Result<()> {
    use std::io::Write;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path)?;
    f.write_all(key.to_file_text().as_bytes())?;
    f.sync_all()
}

/// Reads a key file; the error names the file.
pub fn read_key_file(path: &Path) -> Result<SecretKey, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read key file {}: {e}", path.display()))?;
    SecretKey::from_file_text(&text).map_err(|e| format!("{}: {e}", path.display()))
}
