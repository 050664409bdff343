//! The test kit: what every Suyuan test needs and should not write again.
//!
//! * [`Party`]: a registered party with a deterministic key, and [`events`] that build
//!   its fixture-shaped events (unsigned JSON, or signed).
//! * [`ForgedLog`]: a log written without admission, as a dishonest or broken operator
//!   could write one, to show that verifiers refuse what the ledger would have refused.
//! * [`store`]: a real store on disk with registered parties, through the append path.
//! * [`cli`]: the `suyuan` binary (its path given by the root package's tests) and its
//!   commands, and [`cli::FarmStore`], a store with one producer made through it.
//! * [`scenario`]: the fixture scenario, and a store seeded with it by the binary.
//! * [`http`]: a `suyuan serve` process and requests to it; [`world`]: the HTTP tests'
//!   log with its parties and their events.

pub mod cli;
pub mod events;
pub mod forged;
pub mod http;
pub mod party;
pub mod scenario;
pub mod store;
pub mod vectors;
pub mod world;

pub use cli::Cli;
pub use forged::ForgedLog;
pub use party::Party;
