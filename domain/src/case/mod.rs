//! The case (诉求): its states, who may move it how, where it goes, when it is due.

pub mod access;
pub mod appraisal;
pub mod audience;
pub mod channel;
pub mod deadline;
pub mod event;
pub mod light;
pub mod machine;
pub mod number;
pub mod outcome;
pub mod routing;
pub mod satisfaction;
pub mod status;
pub mod text;

pub use channel::Channel;
pub use event::EventKind;
pub use machine::{
    apply, may_attempt, may_issue, By, Case, CaseError, Command, ReassignTo, Rules, Step,
    Transition,
};
pub use outcome::{Outcome, Resolution};
pub use status::{CaseStatus, Rating};
