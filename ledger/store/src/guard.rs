//! redb checks its own invariants with assertions: on a damaged file (a flipped byte, a
//! zeroed page, a truncation) some of its reads panic rather than return an error. The
//! store's boundary catches those panics and names them as damage, so that a damaged
//! store gives a named error — never a crash and never a wrong answer.

use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use suyuan_core::storage::StorageError;

thread_local! {
    /// How many guarded calls this thread is inside.
    static GUARDED: Cell<u32> = const { Cell::new(0) };
}

/// Runs `f`; a panic inside it (the storage engine's, on a damaged file) becomes
/// [`StorageError::Corrupt`] naming `what` was being read.
pub fn guard<T, E: From<StorageError>>(
    what: &str,
    f: impl FnOnce() -> Result<T, E>,
) -> Result<T, E> {
    GUARDED.with(|g| g.set(g.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(g.get() - 1));
    result.unwrap_or_else(|panic| {
        let message = panic
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no message".into());
        Err(StorageError::Corrupt(format!(
            "{what}: the storage engine failed on a damaged file ({message})"
        ))
        .into())
    })
}

/// Whether the current thread is inside [`guard`]: a panic hook stays silent for those
/// panics, which become named errors.
pub fn panic_is_guarded() -> bool {
    GUARDED.with(|g| g.get() > 0)
}
