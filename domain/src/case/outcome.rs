//! What a resolution amounts to (办理结果), told to the resident with the resolution.

use chrono::NaiveDate;

use super::text;
use crate::vocabulary::vocabulary;
use crate::Invalid;

vocabulary!(
    /// 已落实 / 已解释说明 / 列入计划 / 不具备条件.
    Outcome, "outcome" {
        Implemented => "implemented",
        Explained => "explained",
        Planned => "planned",
        NotFeasible => "not_feasible",
    }
);

/// An outcome with what it needs: a plan has its date, an infeasible matter its reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    Implemented,
    Explained,
    Planned { on: NaiveDate },
    NotFeasible { reason: String },
}

impl Resolution {
    /// Reads an outcome and its details as posted; `today` bounds a plan's date, which may not
    /// lie in the past. Details an outcome does not take are refused rather than dropped, so
    /// nobody believes a date or a reason was recorded when it was not.
    pub fn parse(
        outcome: Outcome,
        planned_on: Option<NaiveDate>,
        reason: Option<&str>,
        today: NaiveDate,
    ) -> Result<Resolution, Invalid> {
        let unexpected = |field: &str| {
            Invalid::one(
                field,
                "not_expected",
                format!("{field} goes only with the outcome it belongs to"),
            )
        };
        if outcome != Outcome::Planned && planned_on.is_some() {
            return Err(unexpected("planned_on"));
        }
        if outcome != Outcome::NotFeasible && reason.is_some() {
            return Err(unexpected("reason"));
        }
        match outcome {
            Outcome::Implemented => Ok(Resolution::Implemented),
            Outcome::Explained => Ok(Resolution::Explained),
            Outcome::Planned => match planned_on {
                None => Err(Invalid::one(
                    "planned_on",
                    "required",
                    "a planned outcome needs the date it is planned for",
                )),
                Some(on) if on < today => Err(Invalid::one(
                    "planned_on",
                    "in_past",
                    "planned_on must not be in the past",
                )),
                Some(on) => Ok(Resolution::Planned { on }),
            },
            Outcome::NotFeasible => match reason {
                None => Err(Invalid::one(
                    "reason",
                    "required",
                    "a matter that is not feasible needs the reason",
                )),
                Some(reason) => Ok(Resolution::NotFeasible {
                    reason: text::content("reason", reason)?,
                }),
            },
        }
    }

    pub fn outcome(&self) -> Outcome {
        match self {
            Resolution::Implemented => Outcome::Implemented,
            Resolution::Explained => Outcome::Explained,
            Resolution::Planned { .. } => Outcome::Planned,
            Resolution::NotFeasible { .. } => Outcome::NotFeasible,
        }
    }

    pub fn planned_on(&self) -> Option<NaiveDate> {
        match self {
            Resolution::Planned { on } => Some(*on),
            _ => None,
        }
    }

    pub fn reason(&self) -> Option<&str> {
        match self {
            Resolution::NotFeasible { reason } => Some(reason),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()
    }

    fn field_of(result: Result<Resolution, Invalid>) -> (String, &'static str) {
        let invalid = result.unwrap_err();
        (invalid.0[0].field.clone(), invalid.0[0].code)
    }

    #[test]
    fn implemented_and_explained_need_nothing_more() {
        for (outcome, want) in [
            (Outcome::Implemented, Resolution::Implemented),
            (Outcome::Explained, Resolution::Explained),
        ] {
            let parsed = Resolution::parse(outcome, None, None, today()).unwrap();
            assert_eq!(parsed, want);
            assert_eq!(parsed.outcome(), outcome);
        }
    }

    #[test]
    fn a_plan_needs_a_date_not_in_the_past() {
        let on = NaiveDate::from_ymd_opt(2027, 3, 1).unwrap();
        let parsed = Resolution::parse(Outcome::Planned, Some(on), None, today()).unwrap();
        assert_eq!(parsed.planned_on(), Some(on));
        assert_eq!(
            Resolution::parse(Outcome::Planned, Some(today()), None, today())
                .unwrap()
                .planned_on(),
            Some(today())
        );
        assert_eq!(
            field_of(Resolution::parse(Outcome::Planned, None, None, today())),
            ("planned_on".to_owned(), "required")
        );
        let yesterday = today().pred_opt().unwrap();
        assert_eq!(
            field_of(Resolution::parse(
                Outcome::Planned,
                Some(yesterday),
                None,
                today()
            )),
            ("planned_on".to_owned(), "in_past")
        );
    }

    #[test]
    fn not_feasible_needs_a_reason() {
        let parsed =
            Resolution::parse(Outcome::NotFeasible, None, Some(" 资金不足 "), today()).unwrap();
        assert_eq!(parsed.reason(), Some("资金不足"));
        assert_eq!(
            field_of(Resolution::parse(Outcome::NotFeasible, None, None, today())),
            ("reason".to_owned(), "required")
        );
        assert_eq!(
            field_of(Resolution::parse(
                Outcome::NotFeasible,
                None,
                Some("  "),
                today()
            )),
            ("reason".to_owned(), "too_short")
        );
    }

    #[test]
    fn details_of_another_outcome_are_refused() {
        assert_eq!(
            field_of(Resolution::parse(
                Outcome::Implemented,
                Some(today()),
                None,
                today()
            )),
            ("planned_on".to_owned(), "not_expected")
        );
        assert_eq!(
            field_of(Resolution::parse(
                Outcome::Planned,
                Some(today()),
                Some("x"),
                today()
            )),
            ("reason".to_owned(), "not_expected")
        );
    }
}
