//! `steward deadline`: the statutory due date of a rights request, with its reasoning;
//! needs no data directory.

use super::Failure;
use steward_core::Region;

/// Print the due date of `clock` (after the reasoning, with `explain`); a rule violation
/// names the flag at fault.
pub(super) fn deadline(
    clock: &steward_core::clock::RequestClock,
    region: Region,
    explain: bool,
) -> Result<(), Failure> {
    let result = clock.deadline(&steward_core::calendar::Calendar::new(region)).map_err(|e| match e {
        steward_core::CoreError::Invalid(f) => {
            let flag = match f.field.as_str() {
                "identity_received" => "--id-received",
                "clarifications[0].asked" => "--clarification-asked",
                "clarifications[0].answered" => "--clarification-received",
                _ => "--received",
            };
            Failure(format!("{flag} {}", f.message), 1)
        }
        other => Failure(other.to_string(), 1),
    })?;
    if explain {
        for step in result.explain() {
            println!("{step}");
        }
    }
    println!("{}", result.due);
    Ok(())
}
