//! Duty check-in (签到): when a deputy may check in and out of a shift, and whether they held
//! it, held it late or missed it. Attendance is per deputy per shift: a shift of a group puts
//! each member on duty, and each checks in for themselves.

use chrono::{DateTime, Duration, Utc};

use crate::roster::{self, Group, Shift};
use crate::vocabulary::vocabulary;
use crate::Invalid;

vocabulary!(
    /// How a past (or checked-in) shift went.
    Attendance, "attendance" {
        Held => "held",
        Late => "late",
        Missed => "missed",
    }
);

/// A deputy may check in this long before the shift starts: arriving early is fine.
pub const EARLY: Duration = Duration::minutes(30);
/// Checking in later than this after the start makes the shift late.
pub const GRACE: Duration = Duration::minutes(10);
/// A deputy may check out until this long after the shift ends (forgetting happens).
pub const CHECK_OUT_AFTER: Duration = Duration::hours(2);

/// What is stored of one deputy's check-in and check-out on a shift.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Record {
    pub checked_in_at: Option<DateTime<Utc>>,
    pub checked_out_at: Option<DateTime<Utc>>,
}

/// Checking in at `now`: from `EARLY` before the start until the end, once.
pub fn check_in(shift: &Shift, record: Record, now: DateTime<Utc>) -> Result<(), Invalid> {
    if record.checked_in_at.is_some() {
        return Err(Invalid::one(
            "checked_in_at",
            "already_checked_in",
            "this shift is already checked in",
        ));
    }
    if now < shift.starts_at - EARLY || now >= shift.ends_at {
        return Err(Invalid::one(
            "checked_in_at",
            "outside_window",
            format!(
                "check in from {} minutes before the shift starts until it ends",
                EARLY.num_minutes()
            ),
        ));
    }
    Ok(())
}

/// Checking out at `now`: after checking in, until `CHECK_OUT_AFTER` past the end, once.
pub fn check_out(shift: &Shift, record: Record, now: DateTime<Utc>) -> Result<(), Invalid> {
    let Some(checked_in_at) = record.checked_in_at else {
        return Err(Invalid::one(
            "checked_out_at",
            "not_checked_in",
            "check in before checking out",
        ));
    };
    if record.checked_out_at.is_some() {
        return Err(Invalid::one(
            "checked_out_at",
            "already_checked_out",
            "this shift is already checked out",
        ));
    }
    if now < checked_in_at || now >= shift.ends_at + CHECK_OUT_AFTER {
        return Err(Invalid::one(
            "checked_out_at",
            "outside_window",
            format!(
                "check out after checking in, until {} hours after the shift ends",
                CHECK_OUT_AFTER.num_hours()
            ),
        ));
    }
    Ok(())
}

/// How the shift went as of `now`: late or held once checked in (after the start plus
/// `GRACE` is late), missed once it ended without a check-in, nothing yet before that.
pub fn attendance(shift: &Shift, record: Record, now: DateTime<Utc>) -> Option<Attendance> {
    match record.checked_in_at {
        Some(at) if at > shift.starts_at + GRACE => Some(Attendance::Late),
        Some(_) => Some(Attendance::Held),
        None if now >= shift.ends_at => Some(Attendance::Missed),
        None => None,
    }
}

/// The deputies whose attendance a shift shows, each with their record (none stored is the
/// default): those it puts on duty, in roster order, then any other who checked in (a member
/// of its group since gone), so that no check-in drops out of the record. Membership is read as
/// it is now: a member who joined after a past shift shows it missed.
pub fn of_shift(shift: &Shift, groups: &[Group], records: &[(i64, Record)]) -> Vec<(i64, Record)> {
    let record = |deputy: i64| {
        records
            .iter()
            .find(|(d, _)| *d == deputy)
            .map_or_else(Record::default, |(_, r)| *r)
    };
    let mut shown: Vec<(i64, Record)> = Vec::new();
    let checked_in = records.iter().map(|(d, _)| *d);
    for deputy in roster::on_shift(shift, groups).chain(checked_in) {
        if !shown.iter().any(|(d, _)| *d == deputy) {
            shown.push((deputy, record(deputy)));
        }
    }
    shown
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32, minute: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, hour, minute, 0).unwrap()
    }

    fn shift() -> Shift {
        Shift {
            deputy_id: Some(1),
            group_id: None,
            starts_at: at(9, 0),
            ends_at: at(12, 0),
        }
    }

    fn checked_in(at: DateTime<Utc>) -> Record {
        Record {
            checked_in_at: Some(at),
            checked_out_at: None,
        }
    }

    fn code(result: Result<(), Invalid>) -> &'static str {
        result.unwrap_err().0[0].code
    }

    #[test]
    fn check_in_opens_half_an_hour_early_and_closes_at_the_end() {
        let none = Record::default();
        assert_eq!(code(check_in(&shift(), none, at(8, 29))), "outside_window");
        assert!(check_in(&shift(), none, at(8, 30)).is_ok());
        assert!(check_in(&shift(), none, at(11, 59)).is_ok());
        assert_eq!(code(check_in(&shift(), none, at(12, 0))), "outside_window");
    }

    #[test]
    fn a_shift_is_checked_in_once() {
        let record = checked_in(at(9, 0));
        assert_eq!(
            code(check_in(&shift(), record, at(9, 5))),
            "already_checked_in"
        );
    }

    #[test]
    fn check_out_follows_check_in_until_two_hours_after_the_end() {
        assert_eq!(
            code(check_out(&shift(), Record::default(), at(10, 0))),
            "not_checked_in"
        );
        let record = checked_in(at(9, 0));
        assert!(check_out(&shift(), record, at(13, 59)).is_ok());
        assert_eq!(
            code(check_out(&shift(), record, at(14, 0))),
            "outside_window"
        );
        let out = Record {
            checked_out_at: Some(at(12, 0)),
            ..record
        };
        assert_eq!(
            code(check_out(&shift(), out, at(12, 5))),
            "already_checked_out"
        );
    }

    #[test]
    fn held_late_missed() {
        let s = shift();
        assert_eq!(
            attendance(&s, checked_in(at(8, 40)), at(12, 0)),
            Some(Attendance::Held)
        );
        assert_eq!(
            attendance(&s, checked_in(at(9, 10)), at(12, 0)),
            Some(Attendance::Held)
        );
        assert_eq!(
            attendance(&s, checked_in(at(9, 11)), at(12, 0)),
            Some(Attendance::Late)
        );
        assert_eq!(attendance(&s, Record::default(), at(11, 0)), None);
        assert_eq!(
            attendance(&s, Record::default(), at(12, 0)),
            Some(Attendance::Missed)
        );
    }

    #[test]
    fn a_shift_shows_each_deputy_on_duty_and_whoever_checked_in() {
        let groups = [Group {
            id: 5,
            deputy_ids: vec![2, 3],
        }];
        let grouped = Shift {
            group_id: Some(5),
            ..shift()
        };
        let records = [(3, checked_in(at(9, 0))), (8, checked_in(at(9, 20)))];
        let none = Record::default();
        assert_eq!(
            of_shift(&grouped, &groups, &records),
            [(1, none), (2, none), records[0], records[1]]
        );
        let group_only = Shift {
            deputy_id: None,
            ..grouped
        };
        assert_eq!(of_shift(&group_only, &groups, &[]), [(2, none), (3, none)]);
        // Of one deputy's shift, the deputy alone.
        assert_eq!(of_shift(&shift(), &[], &[]), [(1, none)]);
    }
}
