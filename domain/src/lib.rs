//! The rules of deputy–voter liaison as pure values and decisions: no IO, no async, no framework.
//!
//! The API parses requests into these types and asks these functions what may happen; whatever
//! it holds once parsing succeeded is valid by construction.

pub mod account;
pub mod actor;
pub mod attendance;
pub mod audit;
pub mod case;
pub mod category;
pub mod clock;
pub mod delivery;
pub mod department_appraisal;
pub mod deputy;
pub mod error;
pub mod link;
pub mod moderation;
pub mod performance;
pub mod period;
pub mod phone;
pub mod policy;
pub mod reception;
pub mod reception_day;
pub mod region;
pub mod register;
pub mod roster;
pub mod scene;
pub mod search;
pub mod station;
pub mod stats;
pub mod subscribe;
pub mod text;
pub mod vocabulary;

pub use error::{FieldError, Invalid};
