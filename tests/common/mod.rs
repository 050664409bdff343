//! The binary these end-to-end tests run: only the root package's tests know its path,
//! so they hand it to the kit's runners (`suyuan_testkit::cli`, `scenario`, `http`, `world`).

use suyuan_testkit::Cli;

/// `suyuan`, as Cargo built it for these tests.
pub const SUYUAN: Cli = Cli::new(env!("CARGO_BIN_EXE_suyuan"));
