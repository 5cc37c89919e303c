//! Duty rosters (轮流坐班): which deputy sits at a station when, and who is on duty now.

use chrono::{DateTime, Duration, Utc};

use crate::deputy::DeputyStatus;
use crate::Invalid;

/// A turn on duty at a station, `[starts_at, ends_at)`: of a deputy, of a deputy group
/// (代表小组) whose members are all on duty, or of both. [`check`] refuses a shift naming
/// neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    pub deputy_id: Option<i64>,
    pub group_id: Option<i64>,
    pub starts_at: DateTime<Utc>,
    pub ends_at: DateTime<Utc>,
}

impl Shift {
    /// Whether the two shifts hold the same named deputy at the same time. Only the named
    /// deputy counts: a group's members are on duty through the group, whose membership
    /// changes after the roster is written, so a member may also be named on an overlapping
    /// shift (the two simply put them on duty once).
    fn overlaps(&self, other: &Shift) -> bool {
        self.deputy_id.is_some()
            && self.deputy_id == other.deputy_id
            && self.starts_at < other.ends_at
            && other.starts_at < self.ends_at
    }

    pub fn covers(&self, at: DateTime<Utc>) -> bool {
        self.starts_at <= at && at < self.ends_at
    }
}

/// A deputy group as the roster reads it: who is on duty when a shift names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub id: i64,
    pub deputy_ids: Vec<i64>,
}

/// The stretch of time a roster write replaces, `[from, to)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    from: DateTime<Utc>,
    to: DateTime<Utc>,
}

impl Period {
    /// A roster is planned a season at a time at most; longer writes are almost always mistakes.
    pub const MAX_DAYS: i64 = 92;

    pub fn parse(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Self, Invalid> {
        if to <= from {
            return Err(Invalid::one("to", "before_from", "to must be after from"));
        }
        if to - from > Duration::days(Self::MAX_DAYS) {
            return Err(Invalid::one(
                "to",
                "period_too_long",
                format!("a period spans at most {} days", Self::MAX_DAYS),
            ));
        }
        Ok(Self { from, to })
    }

    pub fn from(&self) -> DateTime<Utc> {
        self.from
    }

    pub fn to(&self) -> DateTime<Utc> {
        self.to
    }
}

/// At most this many shifts in one write: three a day for a full period.
pub const MAX_SHIFTS: usize = 3 * Period::MAX_DAYS as usize;

/// Checks the shifts that are to replace a station's roster over `period`:
/// each lies in the period, ends after it starts, names a deputy or a group or both; a deputy
/// it names sits at the station (`is_station_deputy`) and may hold it (`may_hold(deputy,
/// shift)`, see [`may_hold`]), a group it names is the station's (`is_station_group`); no named
/// deputy holds two overlapping shifts, neither among these nor with `kept` (the same
/// deputies' shifts this write leaves in place: at other stations, or at this one but starting
/// before the period).
pub fn check(
    period: Period,
    shifts: &[Shift],
    is_station_deputy: impl Fn(i64) -> bool,
    is_station_group: impl Fn(i64) -> bool,
    may_hold: impl Fn(i64, &Shift) -> bool,
    kept: &[Shift],
) -> Result<(), Invalid> {
    if shifts.len() > MAX_SHIFTS {
        return Err(Invalid::one(
            "shifts",
            "too_many",
            format!("at most {MAX_SHIFTS} shifts in one roster"),
        ));
    }
    let mut errors = Vec::new();
    for (index, shift) in shifts.iter().enumerate() {
        let field = |name: &str| format!("shifts[{index}].{name}");
        if shift.ends_at <= shift.starts_at {
            errors.push(Invalid::one(
                field("ends_at"),
                "before_start",
                "a shift must end after it starts",
            ));
        } else if shift.starts_at < period.from || shift.ends_at > period.to {
            errors.push(Invalid::one(
                field("starts_at"),
                "outside_period",
                "a shift must lie within the period it is written for",
            ));
        }
        if shift.deputy_id.is_none() && shift.group_id.is_none() {
            errors.push(Invalid::one(
                format!("shifts[{index}]"),
                "nobody_on_duty",
                "a shift names a deputy, a deputy group, or both",
            ));
        }
        match shift.deputy_id {
            Some(deputy_id) if !is_station_deputy(deputy_id) => errors.push(Invalid::one(
                field("deputy_id"),
                "not_at_station",
                "the deputy does not sit at this station",
            )),
            Some(deputy_id) if !may_hold(deputy_id, shift) => errors.push(Invalid::one(
                field("deputy_id"),
                "not_serving",
                "the deputy is suspended or terminated and takes no shifts",
            )),
            _ => {}
        }
        if shift.group_id.is_some_and(|group| !is_station_group(group)) {
            errors.push(Invalid::one(
                field("group_id"),
                "not_at_station",
                "the group is not one of this station's",
            ));
        }
        let clash_here = shifts[..index]
            .iter()
            .any(|earlier| earlier.overlaps(shift));
        let clash_kept = kept.iter().any(|other| other.overlaps(shift));
        if clash_here || clash_kept {
            let message = if clash_here {
                "the deputy already holds an overlapping shift in this roster"
            } else {
                "the deputy already holds an overlapping shift that this roster keeps"
            };
            errors.push(Invalid::one(
                field("starts_at"),
                "overlapping_shift",
                message,
            ));
        }
    }
    Invalid::collect(errors.into_iter().map(Err))
}

/// Whether a deputy of `status` may hold `shift` in a roster written at `now`: one who does
/// not serve takes no shift that is still to come or under way; shifts already over stay as
/// the record of what happened.
pub fn may_hold(status: DeputyStatus, shift: &Shift, now: DateTime<Utc>) -> bool {
    status.serves() || shift.ends_at <= now
}

/// Whether `deputy_id` is on duty for `shift`: its own deputy, or a member of its group.
pub fn serves(shift: &Shift, groups: &[Group], deputy_id: i64) -> bool {
    on_shift(shift, groups).any(|d| d == deputy_id)
}

/// The deputies a shift puts on duty: its deputy if it names one, then its group's members
/// (of a group-only shift, the members alone).
pub(crate) fn on_shift<'a>(
    shift: &'a Shift,
    groups: &'a [Group],
) -> impl Iterator<Item = i64> + 'a {
    let members = shift
        .group_id
        .and_then(|id| groups.iter().find(|g| g.id == id))
        .map_or(&[][..], |g| g.deputy_ids.as_slice());
    shift.deputy_id.into_iter().chain(members.iter().copied())
}

/// The deputies on duty at `at`, each once, in roster order: each shift's deputy, then the
/// members of the group it names.
pub fn on_duty(shifts: &[Shift], groups: &[Group], at: DateTime<Utc>) -> Vec<i64> {
    let mut deputies: Vec<i64> = Vec::new();
    for shift in shifts.iter().filter(|s| s.covers(at)) {
        for deputy in on_shift(shift, groups) {
            if !deputies.contains(&deputy) {
                deputies.push(deputy);
            }
        }
    }
    deputies
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, hour, 0, 0)
            .single()
            .unwrap()
    }

    fn shift(deputy_id: i64, from: u32, to: u32) -> Shift {
        Shift {
            deputy_id: Some(deputy_id),
            group_id: None,
            starts_at: at(from),
            ends_at: at(to),
        }
    }

    fn day() -> Period {
        Period::parse(at(0), at(23)).unwrap()
    }

    fn codes(result: Result<(), Invalid>) -> Vec<(String, &'static str)> {
        result
            .err()
            .map(|e| e.0.into_iter().map(|f| (f.field, f.code)).collect())
            .unwrap_or_default()
    }

    const HERE: [i64; 3] = [1, 2, 3];
    const GROUP_HERE: i64 = 50;
    /// Sits at the station but is suspended.
    const SUSPENDED: i64 = 3;

    fn check_here(shifts: &[Shift], kept: &[Shift]) -> Vec<(String, &'static str)> {
        codes(check(
            day(),
            shifts,
            |id| HERE.contains(&id),
            |group| group == GROUP_HERE,
            |deputy, _| deputy != SUSPENDED,
            kept,
        ))
    }

    #[test]
    fn a_period_must_run_forwards_and_not_too_long() {
        assert_eq!(
            Period::parse(at(5), at(5)).unwrap_err().0[0].code,
            "before_from"
        );
        let long = Period::parse(at(0), at(0) + Duration::days(93)).unwrap_err();
        assert_eq!(long.0[0].code, "period_too_long");
        assert!(Period::parse(at(0), at(0) + Duration::days(92)).is_ok());
    }

    #[test]
    fn a_valid_roster_passes_including_back_to_back_shifts() {
        let shifts = [shift(1, 8, 12), shift(1, 12, 17), shift(2, 8, 17)];
        assert!(check_here(&shifts, &[]).is_empty());
    }

    #[test]
    fn shifts_must_end_after_they_start() {
        assert_eq!(
            check_here(&[shift(1, 12, 12)], &[]),
            [("shifts[0].ends_at".to_owned(), "before_start")]
        );
    }

    #[test]
    fn shifts_must_lie_in_the_period() {
        let late = Shift {
            deputy_id: Some(1),
            group_id: None,
            starts_at: at(20),
            ends_at: at(23) + Duration::hours(2),
        };
        assert_eq!(
            check_here(&[late], &[]),
            [("shifts[0].starts_at".to_owned(), "outside_period")]
        );
    }

    #[test]
    fn shifts_must_name_deputies_of_the_station() {
        assert_eq!(
            check_here(&[shift(9, 8, 12)], &[]),
            [("shifts[0].deputy_id".to_owned(), "not_at_station")]
        );
    }

    #[test]
    fn a_deputy_who_does_not_serve_takes_no_shift() {
        assert_eq!(
            check_here(&[shift(1, 8, 12), shift(SUSPENDED, 8, 12)], &[]),
            [("shifts[1].deputy_id".to_owned(), "not_serving")]
        );
    }

    #[test]
    fn a_suspended_deputy_keeps_past_shifts_and_takes_no_new_one() {
        let now = at(12);
        let suspended = DeputyStatus::Suspended;
        assert!(may_hold(suspended, &shift(1, 8, 12), now), "over");
        assert!(!may_hold(suspended, &shift(1, 10, 14), now), "under way");
        assert!(!may_hold(suspended, &shift(1, 14, 16), now), "to come");
        assert!(may_hold(DeputyStatus::Active, &shift(1, 14, 16), now));
    }

    #[test]
    fn one_deputy_cannot_hold_overlapping_shifts() {
        let shifts = [shift(1, 8, 12), shift(2, 9, 10), shift(1, 11, 13)];
        assert_eq!(
            check_here(&shifts, &[]),
            [("shifts[2].starts_at".to_owned(), "overlapping_shift")]
        );
    }

    #[test]
    fn nor_overlap_a_shift_at_another_station() {
        let elsewhere = [shift(2, 10, 11)];
        assert_eq!(
            check_here(&[shift(2, 8, 12)], &elsewhere),
            [("shifts[0].starts_at".to_owned(), "overlapping_shift")]
        );
        assert!(check_here(&[shift(1, 8, 12)], &elsewhere).is_empty());
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let shifts = [shift(9, 12, 11), shift(1, 8, 10), shift(1, 9, 10)];
        assert_eq!(check_here(&shifts, &[]).len(), 3);
    }

    #[test]
    fn too_many_shifts_are_refused() {
        let shifts = vec![shift(1, 8, 9); MAX_SHIFTS + 1];
        assert_eq!(
            check_here(&shifts, &[]),
            [("shifts".to_owned(), "too_many")]
        );
    }

    #[test]
    fn on_duty_uses_half_open_shifts() {
        let shifts = [shift(1, 8, 12), shift(2, 12, 17), shift(3, 10, 14)];
        assert_eq!(on_duty(&shifts, &[], at(7)), Vec::<i64>::new());
        assert_eq!(on_duty(&shifts, &[], at(8)), [1]);
        assert_eq!(on_duty(&shifts, &[], at(11)), [1, 3]);
        assert_eq!(on_duty(&shifts, &[], at(12)), [2, 3]);
        assert_eq!(on_duty(&shifts, &[], at(17)), Vec::<i64>::new());
    }

    #[test]
    fn on_duty_names_each_deputy_once() {
        let shifts = [shift(1, 8, 12), shift(1, 10, 14)];
        assert_eq!(on_duty(&shifts, &[], at(11)), [1]);
    }

    #[test]
    fn a_shift_may_name_a_group_of_the_station() {
        let grouped = Shift {
            group_id: Some(GROUP_HERE),
            ..shift(1, 8, 12)
        };
        assert!(check_here(&[grouped], &[]).is_empty());
        let elsewhere = Shift {
            group_id: Some(51),
            ..grouped
        };
        assert_eq!(
            check_here(&[elsewhere], &[]),
            [("shifts[0].group_id".to_owned(), "not_at_station")]
        );
    }

    #[test]
    fn every_member_of_a_shift_group_is_on_duty() {
        let groups = [Group {
            id: GROUP_HERE,
            deputy_ids: vec![3, 1, 4],
        }];
        let shifts = [
            shift(1, 8, 12),
            Shift {
                group_id: Some(GROUP_HERE),
                ..shift(2, 10, 14)
            },
        ];
        assert_eq!(on_duty(&shifts, &groups, at(9)), [1]);
        assert_eq!(on_duty(&shifts, &groups, at(11)), [1, 2, 3, 4]);
        assert_eq!(on_duty(&shifts, &groups, at(13)), [2, 3, 1, 4]);
        assert!(serves(&shifts[1], &groups, 4));
        assert!(serves(&shifts[1], &groups, 2));
        assert!(!serves(&shifts[0], &groups, 4));
        // A group the roster does not know (deleted since) puts nobody extra on duty.
        assert_eq!(on_duty(&shifts, &[], at(13)), [2]);
    }

    fn group_only(from: u32, to: u32) -> Shift {
        Shift {
            deputy_id: None,
            group_id: Some(GROUP_HERE),
            ..shift(1, from, to)
        }
    }

    #[test]
    fn a_shift_may_name_a_group_alone() {
        assert!(check_here(&[group_only(8, 12)], &[]).is_empty());
        let elsewhere = Shift {
            group_id: Some(51),
            ..group_only(8, 12)
        };
        assert_eq!(
            check_here(&[elsewhere], &[]),
            [("shifts[0].group_id".to_owned(), "not_at_station")]
        );
    }

    #[test]
    fn a_shift_naming_nobody_is_refused() {
        let nobody = Shift {
            deputy_id: None,
            ..shift(1, 8, 12)
        };
        assert_eq!(
            check_here(&[shift(1, 8, 12), nobody], &[]),
            [("shifts[1]".to_owned(), "nobody_on_duty")]
        );
    }

    #[test]
    fn overlap_counts_the_named_deputy_only() {
        // Two group-only shifts at once, and a member named beside the group, are fine.
        let shifts = [group_only(8, 12), group_only(9, 11), shift(1, 8, 12)];
        assert!(check_here(&shifts, &[]).is_empty());
        assert!(check_here(&[group_only(8, 12)], &[shift(1, 8, 12)]).is_empty());
        // The named deputy of a shift with a group still holds one shift at a time.
        let both = Shift {
            group_id: Some(GROUP_HERE),
            ..shift(2, 8, 12)
        };
        assert_eq!(
            check_here(&[both, shift(2, 10, 11)], &[]),
            [("shifts[1].starts_at".to_owned(), "overlapping_shift")]
        );
    }

    #[test]
    fn a_group_only_shift_asks_nobody_whether_they_may_hold_it() {
        let asked = std::cell::Cell::new(0);
        let result = check(
            day(),
            &[group_only(8, 12)],
            |_| false,
            |group| group == GROUP_HERE,
            |_, _| {
                asked.set(asked.get() + 1);
                false
            },
            &[],
        );
        assert!(result.is_ok());
        assert_eq!(asked.get(), 0);
    }

    #[test]
    fn a_group_only_shift_puts_its_members_on_duty() {
        let groups = [Group {
            id: GROUP_HERE,
            deputy_ids: vec![3, 4],
        }];
        let shifts = [shift(1, 8, 12), group_only(10, 14)];
        assert_eq!(on_duty(&shifts, &groups, at(11)), [1, 3, 4]);
        assert_eq!(on_duty(&shifts, &groups, at(13)), [3, 4]);
        assert!(serves(&shifts[1], &groups, 3));
        assert!(!serves(&shifts[1], &groups, 1), "the other shift's deputy");
        // A group-only shift whose group is unknown puts nobody on duty.
        assert_eq!(on_duty(&shifts, &[], at(13)), Vec::<i64>::new());
        assert!(!serves(&shifts[1], &[], 3));
    }
}
