//! The organisation's UK region, which decides the bank holidays its deadlines skip.

use crate::CoreError;
use serde::{Deserialize, Serialize};
use std::{fmt, str::FromStr};

/// A UK jurisdiction with its own bank holidays (gov.uk bank-holidays data).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default, utoipa::ToSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Region {
    /// England and Wales.
    #[default]
    EnglandAndWales,
    /// Scotland.
    Scotland,
    /// Northern Ireland.
    NorthernIreland,
}

impl Region {
    /// All regions, in display order.
    pub const ALL: [Region; 3] = [Region::EnglandAndWales, Region::Scotland, Region::NorthernIreland];

    /// The stable machine name (`england-and-wales`, `scotland`, `northern-ireland`).
    pub fn as_str(self) -> &'static str {
        match self {
            Region::EnglandAndWales => "england-and-wales",
            Region::Scotland => "scotland",
            Region::NorthernIreland => "northern-ireland",
        }
    }

    /// Name for people.
    pub fn label(self) -> &'static str {
        match self {
            Region::EnglandAndWales => "England and Wales",
            Region::Scotland => "Scotland",
            Region::NorthernIreland => "Northern Ireland",
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Region {
    type Err = CoreError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Region::ALL.into_iter().find(|r| r.as_str() == s).ok_or_else(|| CoreError::Unknown {
            kind: "region",
            value: s.to_string(),
            expected: "england-and-wales, scotland, northern-ireland".into(),
        })
    }
}
