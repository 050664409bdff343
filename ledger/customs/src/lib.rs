//! 三单比对: the messages of China's cross-border e-commerce customs platform (GACC
//! 202205 message specification, namespace `http://www.chinaport.gov.cn/ceb`) and the
//! comparison of an order, its payment, its waybill and its inventory declaration.
//!
//! Invariants of this crate: it is bytes and math only (no I/O, no storage, no async);
//! a message that parses has every required field, each of the length and shape the
//! specification gives, and its raw bytes are kept as received; amounts are exact
//! decimals and never floating point; normalisation is one documented function per kind
//! of field, so the same text always compares the same way; personal fields leave a
//! party only as Pedersen commitments, which hide them perfectly, and every comparison of
//! committed fields is carried by a proof anyone checks without the values.

pub mod amount;
pub mod commit;
pub mod message;
pub mod normalize;
pub mod rules;
pub mod tax;
pub mod verdict;
pub mod view;
