//! Pure data-protection rules and domain types for Steward: no I/O, no clocks (callers pass `now`).

pub mod audit;
pub mod calendar;
pub mod checklist;
pub mod clock;
pub mod error;
pub mod exemption;
pub mod normalise;
pub mod pension;
pub mod region;
pub mod request;
pub mod request_flow;
pub mod retention;
pub mod role;
pub mod statistics;
pub mod subject;

pub use error::{CoreError, FieldError};
pub use region::Region;
pub use role::{Permission, Role};
