//! Suyuan's rules over a log: what may be admitted, who may sign what at which log
//! position, and everything derived from the entries (audits, histories, evidence
//! bundles).
//!
//! Invariants of this crate: every decision is a deterministic function of the entries
//! (and, for a private check, of the private parts), computed here once, so the append
//! path, the auditor and the bundle checker call the same code and cannot disagree;
//! admission is [`admission::admit`], one function, and nothing else decides whether an
//! entry belongs in a log; the crate is synchronous and reads storage only through the
//! traits in [`storage`], so it names no storage engine, no async runtime and no HTTP.

pub mod admission;
mod answer;
pub mod assessment;
pub mod audit;
pub mod bundle;
pub mod customs;
pub mod derived;
pub mod export;
pub mod heads;
pub mod history;
pub mod registry;
pub mod regulator;
mod replay;
pub mod storage;
pub mod trace;
