//! Case categories and the deadlines (办理时限) they set.

use crate::Invalid;

/// How long a category gives for the first answer and for the resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    respond_within_hours: u32,
    resolve_within_days: u32,
}

impl Limits {
    /// A first answer within a month at most; a resolution within a year at most.
    pub const MAX_RESPOND_HOURS: u32 = 720;
    pub const MAX_RESOLVE_DAYS: u32 = 365;

    pub fn parse(respond_within_hours: i64, resolve_within_days: i64) -> Result<Self, Invalid> {
        let respond = bounded(
            "respond_within_hours",
            respond_within_hours,
            Self::MAX_RESPOND_HOURS,
        );
        let resolve = bounded(
            "resolve_within_days",
            resolve_within_days,
            Self::MAX_RESOLVE_DAYS,
        );
        let (respond_within_hours, resolve_within_days) = match (respond, resolve) {
            (Ok(respond), Ok(resolve)) => (respond, resolve),
            (respond, resolve) => {
                let errors = respond.err().into_iter().chain(resolve.err());
                return Err(Invalid(errors.flat_map(|e| e.0).collect()));
            }
        };
        // Responding is the first step of resolving, so it cannot be allowed longer.
        if i64::from(respond_within_hours) > i64::from(resolve_within_days) * 24 {
            return Err(Invalid::one(
                "respond_within_hours",
                "exceeds_resolve_limit",
                "respond_within_hours must not exceed resolve_within_days",
            ));
        }
        Ok(Self {
            respond_within_hours,
            resolve_within_days,
        })
    }

    pub fn respond_within_hours(self) -> u32 {
        self.respond_within_hours
    }

    pub fn resolve_within_days(self) -> u32 {
        self.resolve_within_days
    }
}

fn bounded(field: &str, value: i64, max: u32) -> Result<u32, Invalid> {
    match u32::try_from(value) {
        Ok(v) if (1..=max).contains(&v) => Ok(v),
        _ => Err(Invalid::one(
            field,
            "out_of_range",
            format!("{field} must be between 1 and {max}"),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_sensible_limits() {
        let limits = Limits::parse(72, 15).unwrap();
        assert_eq!(limits.respond_within_hours(), 72);
        assert_eq!(limits.resolve_within_days(), 15);
        assert!(Limits::parse(720, 365).is_ok());
        assert!(Limits::parse(24, 1).is_ok());
    }

    #[test]
    fn reports_both_fields_when_both_are_out_of_range() {
        let e = Limits::parse(0, 400).unwrap_err();
        let fields: Vec<&str> = e.0.iter().map(|f| f.field.as_str()).collect();
        assert_eq!(fields, ["respond_within_hours", "resolve_within_days"]);
        assert!(e.0.iter().all(|f| f.code == "out_of_range"));
    }

    #[test]
    fn refuses_negative_and_huge_values() {
        assert!(Limits::parse(-1, 10).is_err());
        assert!(Limits::parse(721, 365).is_err());
        assert!(Limits::parse(i64::MAX, 10).is_err());
    }

    #[test]
    fn responding_may_not_take_longer_than_resolving() {
        let e = Limits::parse(49, 2).unwrap_err();
        assert_eq!(e.0[0].code, "exceeds_resolve_limit");
        assert!(Limits::parse(48, 2).is_ok());
    }
}
