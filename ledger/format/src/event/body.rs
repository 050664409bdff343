//! Every event type's body under one name, for readers that match on [`super::Body`]
//! (each type's own module, in `types/`, is where it is defined and checked).

pub use super::types::acceptance::*;
pub use super::types::clearance::*;
pub use super::types::correction::*;
pub use super::types::customs_message::*;
pub use super::types::customs_verdict::*;
pub use super::types::inspection::*;
pub use super::types::logistics::*;
pub use super::types::payment::*;
pub use super::types::production::*;
pub use super::types::recall::*;
pub use super::types::registration::*;
pub use super::types::review::*;
pub use super::types::trade::*;
pub use super::values::{Accreditation, HsCode, TradeMode};
