//! Traffic lights (三色督办): how an open case stands against its deadlines. Red is overdue;
//! yellow has used up most of a deadline's time (by default 80 %) without being overdue; green
//! has time left. A case out of progress has no light.

use chrono::{DateTime, Duration, Utc};

use super::deadline::{is_overdue, Deadline};
use super::CaseStatus;
use crate::vocabulary::vocabulary;
use crate::Invalid;

vocabulary!(
    /// 绿灯 / 黄灯 / 红灯.
    Light, "light" {
        Green => "green",
        Yellow => "yellow",
        Red => "red",
    }
);

/// How far into a deadline's time an open case turns yellow, in percent of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct YellowAt(u8);

impl YellowAt {
    pub const DEFAULT: YellowAt = YellowAt(80);

    /// 1–99: at 0 every case would be yellow at once, at 100 never before it is red.
    pub fn parse(percent: i64) -> Result<Self, Invalid> {
        match u8::try_from(percent) {
            Ok(p @ 1..=99) => Ok(YellowAt(p)),
            _ => Err(Invalid::one(
                "yellow_at_percent",
                "out_of_range",
                "a case turns yellow at 1 to 99 percent of its time",
            )),
        }
    }

    /// The share of a deadline's time still left when the case turns yellow, in percent.
    pub fn left_percent(self) -> i32 {
        100 - i32::from(self.0)
    }
}

impl Default for YellowAt {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What a case's light is read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clocks {
    pub status: CaseStatus,
    pub created_at: DateTime<Utc>,
    pub respond_by: DateTime<Utc>,
    pub resolve_by: DateTime<Utc>,
    /// The days its category gives to resolve it: a round's time, however `resolve_by` moved.
    pub resolve_within_days: i32,
    pub first_response_at: Option<DateTime<Utc>>,
}

/// The time a deadline gives: from the case raised to `respond_by` for the answer, the
/// category's days for the resolution (a reopened round or a department's deadline keeps it,
/// where the time since raising would count the rounds before).
pub fn time_given(deadline: Deadline, clocks: &Clocks) -> Duration {
    match deadline {
        Deadline::Respond => clocks.respond_by - clocks.created_at,
        Deadline::Resolve => Duration::days(i64::from(clocks.resolve_within_days)),
    }
}

/// When the case turns yellow for `deadline`: once only `left_percent` of its time remains.
pub fn yellow_from(deadline: Deadline, clocks: &Clocks, at: YellowAt) -> DateTime<Utc> {
    let due = match deadline {
        Deadline::Respond => clocks.respond_by,
        Deadline::Resolve => clocks.resolve_by,
    };
    due - time_given(deadline, clocks) * at.left_percent() / 100
}

/// The deadlines still running: the answer until someone answers, the resolution always.
pub fn running(clocks: &Clocks) -> impl Iterator<Item = Deadline> + '_ {
    Deadline::ALL
        .iter()
        .copied()
        .filter(|deadline| match deadline {
            Deadline::Respond => clocks.first_response_at.is_none(),
            Deadline::Resolve => true,
        })
}

/// The case's light at `now`, or none once it is out of progress.
pub fn light(clocks: &Clocks, at: YellowAt, now: DateTime<Utc>) -> Option<Light> {
    if !clocks.status.is_in_progress() {
        return None;
    }
    let overdue = is_overdue(
        clocks.status,
        clocks.respond_by,
        clocks.resolve_by,
        clocks.first_response_at,
        now,
    );
    if overdue {
        return Some(Light::Red);
    }
    let warned = running(clocks).any(|deadline| now >= yellow_from(deadline, clocks, at));
    Some(if warned { Light::Yellow } else { Light::Green })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at() -> DateTime<Utc> {
        "2026-12-01T08:00:00Z".parse().unwrap()
    }

    /// Raised at `at()`, 24 hours to answer, 10 days to resolve.
    fn clocks() -> Clocks {
        Clocks {
            status: CaseStatus::Submitted,
            created_at: at(),
            respond_by: at() + Duration::hours(24),
            resolve_by: at() + Duration::days(10),
            resolve_within_days: 10,
            first_response_at: None,
        }
    }

    #[test]
    fn a_case_turns_yellow_at_four_fifths_of_its_time_to_answer_then_red() {
        let c = clocks();
        let light_at = |after: Duration| light(&c, YellowAt::DEFAULT, at() + after);
        // 80 % of 24 hours: 19:12.
        let yellow = Duration::hours(19) + Duration::minutes(12);
        assert_eq!(light_at(Duration::hours(1)), Some(Light::Green));
        assert_eq!(light_at(yellow - Duration::seconds(1)), Some(Light::Green));
        assert_eq!(light_at(yellow), Some(Light::Yellow));
        assert_eq!(light_at(Duration::hours(24)), Some(Light::Yellow));
        assert_eq!(
            light_at(Duration::hours(24) + Duration::seconds(1)),
            Some(Light::Red)
        );
    }

    #[test]
    fn once_answered_only_the_resolution_s_time_counts() {
        let answered = Clocks {
            status: CaseStatus::Accepted,
            first_response_at: Some(at() + Duration::hours(1)),
            ..clocks()
        };
        let yellow = YellowAt::DEFAULT;
        assert_eq!(
            light(&answered, yellow, at() + Duration::hours(30)),
            Some(Light::Green),
            "past respond_by, but answered"
        );
        assert_eq!(
            light(
                &answered,
                yellow,
                at() + Duration::days(8) - Duration::seconds(1)
            ),
            Some(Light::Green)
        );
        assert_eq!(
            light(&answered, yellow, at() + Duration::days(8)),
            Some(Light::Yellow)
        );
        assert_eq!(
            light(&answered, yellow, at() + Duration::days(11)),
            Some(Light::Red)
        );
    }

    #[test]
    fn a_reopened_round_counts_the_category_s_days_back_from_its_new_deadline() {
        let reopened = Clocks {
            status: CaseStatus::Reopened,
            first_response_at: Some(at()),
            resolve_by: at() + Duration::days(30),
            ..clocks()
        };
        let yellow = YellowAt::DEFAULT;
        assert_eq!(
            yellow_from(Deadline::Resolve, &reopened, yellow),
            at() + Duration::days(28)
        );
        assert_eq!(
            light(&reopened, yellow, at() + Duration::days(20)),
            Some(Light::Green)
        );
    }

    #[test]
    fn the_share_is_a_setting_between_one_and_ninety_nine_percent() {
        let c = clocks();
        let half = YellowAt::parse(50).unwrap();
        assert_eq!(
            light(&c, half, at() + Duration::hours(12)),
            Some(Light::Yellow)
        );
        assert_eq!(
            light(&c, half, at() + Duration::hours(12) - Duration::seconds(1)),
            Some(Light::Green)
        );
        for wrong in [0, 100, -5, 300] {
            let refused = YellowAt::parse(wrong).unwrap_err();
            assert_eq!(refused.0[0].field, "yellow_at_percent", "{wrong}");
        }
    }

    #[test]
    fn cases_out_of_progress_have_no_light() {
        for status in CaseStatus::ALL {
            let c = Clocks {
                status: *status,
                ..clocks()
            };
            let shown = light(&c, YellowAt::DEFAULT, at() + Duration::days(30));
            assert_eq!(shown.is_some(), status.is_in_progress(), "{status}");
            if shown.is_some() {
                assert_eq!(shown, Some(Light::Red), "{status}");
            }
        }
    }
}
