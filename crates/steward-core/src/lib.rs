//! Pure data-protection rules and domain types for Steward: no I/O, and no reading of the
//! clock (callers pass `now`; [`time`] holds the clock callers read it from).

pub mod audit;
pub mod calendar;
pub mod checklist;
pub mod clock;
pub mod compliance;
pub mod consent;
pub mod error;
pub mod exemption;
pub mod normalise;
pub mod pension;
pub mod region;
pub mod register;
pub mod request;
pub mod request_flow;
pub mod retention;
pub mod role;
pub mod statistics;
pub mod subject;
pub mod time;

pub use error::{CoreError, FieldError};
pub use region::Region;
pub use role::{Permission, Role};
