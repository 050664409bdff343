//! The test kit: what every Suyuan test needs and should not write again.
//!
//! * [`Party`]: a registered party with a deterministic key, and [`events`] that build
//!   its fixture-shaped events (unsigned JSON, or signed).
//! * [`ForgedLog`]: a log written without admission, as a dishonest or broken operator
//!   could write one, to show that verifiers refuse what the ledger would have refused.
//! * [`store`]: a real store on disk with registered parties, through the append path.

pub mod events;
pub mod forged;
pub mod party;
pub mod store;

pub use forged::ForgedLog;
pub use party::Party;
