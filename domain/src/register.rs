//! The five registers (五簿) kept for each deputy and year, as seed 001 names them. Some entries
//! come by themselves from the facts (a reception the deputy attended, a case they accepted, a
//! shift held, late or missed) and are computed when read; the others are written by hand,
//! checked here, and verified by an admin, after which they no longer change.

use chrono::{Datelike, NaiveDate};

use crate::case::Rating;
use crate::period::RECORD_YEARS;
use crate::vocabulary::vocabulary;
use crate::Invalid;

vocabulary!(
    /// Which of the five registers an entry belongs to.
    RegisterKind, "kind" {
        ReportBack => "report_back",
        Reception => "reception",
        Performance => "performance",
        Activity => "activity",
        Proposal => "proposal",
    }
);

impl RegisterKind {
    /// The register's name, as the sheets and the page headings show it.
    pub fn title(self) -> &'static str {
        match self {
            RegisterKind::ReportBack => "年度述职登记簿",
            RegisterKind::Reception => "代表接待选民登记簿",
            RegisterKind::Performance => "代表履职情况登记簿",
            RegisterKind::Activity => "代表参加活动登记簿",
            RegisterKind::Proposal => "代表提出议案、建议、批评和意见登记簿",
        }
    }
}

vocabulary!(
    /// What kind of activity a deputy took part in.
    ActivityKind, "activity_kind" {
        Meeting => "meeting",
        Training => "training",
        Inspection => "inspection",
        Research => "research",
    }
);

vocabulary!(
    /// 议案 / 建议 / 批评 / 意见: what a deputy filed.
    ProposalKind, "proposal_kind" {
        Proposal => "proposal",
        Suggestion => "suggestion",
        Criticism => "criticism",
        Opinion => "opinion",
    }
);

vocabulary!(
    /// Where an entry comes from: read from the facts, or written by hand.
    EntrySource, "source" {
        Auto => "auto",
        Manual => "manual",
    }
);

pub const TITLE_MAX: usize = 100;
pub const DETAIL_MAX: usize = 2000;
pub const ANSWER_MAX: usize = 2000;
/// More residents than any report-back gathers: a typing slip, not a meeting.
pub const ATTENDEES_MAX: u32 = 100_000;
pub const SCORE_MAX: u32 = 100;

/// A manual entry as written: the fields of every kind, those of other kinds left empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: RegisterKind,
    /// The day it happened; for a proposal, the day it was filed. Its year is the register's.
    pub date: NaiveDate,
    pub title: String,
    pub detail: Option<String>,
    /// `activity` only, required there.
    pub activity_kind: Option<ActivityKind>,
    /// `proposal` only, required there.
    pub proposal_kind: Option<ProposalKind>,
    /// `proposal` only: the answer and the day it came, both or neither.
    pub answer: Option<String>,
    pub answered_on: Option<NaiveDate>,
    /// `proposal` only, once answered: the deputy's satisfaction with the answer.
    pub satisfaction: Option<Rating>,
    /// `report_back` only: residents present (required there) and the score they gave, 0–100.
    pub attendees: Option<u32>,
    pub score: Option<u32>,
}

impl Entry {
    /// An entry of `kind` on `date` with none of the fields one register keeps.
    pub fn blank(kind: RegisterKind, date: NaiveDate, title: String) -> Entry {
        Entry {
            kind,
            date,
            title,
            detail: None,
            activity_kind: None,
            proposal_kind: None,
            answer: None,
            answered_on: None,
            satisfaction: None,
            attendees: None,
            score: None,
        }
    }

    /// The register year the entry counts in.
    pub fn year(&self) -> i32 {
        self.date.year()
    }

    /// Checks the entry, every wrong field named; titles and texts come back trimmed, an
    /// empty detail or answer as none.
    pub fn checked(mut self) -> Result<Entry, Invalid> {
        let mut errors = Vec::new();
        let mut wrong = |field: &'static str, code: &'static str, message: &str| {
            errors.push(Invalid::one(field, code, message));
        };
        self.title = self.title.trim().to_owned();
        if self.title.is_empty() {
            wrong("title", "required", "a title is required");
        } else if self.title.chars().count() > TITLE_MAX {
            wrong("title", "too_long", "at most 100 characters");
        }
        self.detail = trimmed(self.detail);
        if self
            .detail
            .as_ref()
            .is_some_and(|d| d.chars().count() > DETAIL_MAX)
        {
            wrong("detail", "too_long", "at most 2000 characters");
        }
        if !RECORD_YEARS.contains(&self.date.year()) {
            wrong("date", "out_of_range", "a date from 2000 to 9999");
        }
        self.answer = trimmed(self.answer);
        let kind = self.kind;
        let only = |of: RegisterKind| kind == of;
        let misplaced = [
            (
                "activity_kind",
                self.activity_kind.is_some(),
                RegisterKind::Activity,
            ),
            (
                "proposal_kind",
                self.proposal_kind.is_some(),
                RegisterKind::Proposal,
            ),
            ("answer", self.answer.is_some(), RegisterKind::Proposal),
            (
                "answered_on",
                self.answered_on.is_some(),
                RegisterKind::Proposal,
            ),
            (
                "satisfaction",
                self.satisfaction.is_some(),
                RegisterKind::Proposal,
            ),
            (
                "attendees",
                self.attendees.is_some(),
                RegisterKind::ReportBack,
            ),
            ("score", self.score.is_some(), RegisterKind::ReportBack),
        ];
        for (field, given, of) in misplaced {
            if given && !only(of) {
                wrong(
                    field,
                    "not_for_kind",
                    "this field is not kept in this register",
                );
            }
        }
        if only(RegisterKind::Activity) && self.activity_kind.is_none() {
            wrong("activity_kind", "required", "choose the kind of activity");
        }
        if only(RegisterKind::Proposal) {
            if self.proposal_kind.is_none() {
                wrong("proposal_kind", "required", "choose what was filed");
            }
            match (&self.answer, self.answered_on) {
                (Some(answer), Some(on)) => {
                    if answer.chars().count() > ANSWER_MAX {
                        wrong("answer", "too_long", "at most 2000 characters");
                    }
                    if on < self.date {
                        wrong(
                            "answered_on",
                            "before_filed",
                            "answered before it was filed",
                        );
                    }
                }
                (Some(_), None) => wrong("answered_on", "required", "the day it was answered"),
                (None, Some(_)) => wrong("answer", "required", "the answer received"),
                (None, None) => {
                    if self.satisfaction.is_some() {
                        wrong(
                            "satisfaction",
                            "not_answered",
                            "rate the answer once it came",
                        );
                    }
                }
            }
        }
        if only(RegisterKind::ReportBack) {
            match self.attendees {
                None => wrong("attendees", "required", "how many residents attended"),
                Some(n) if n > ATTENDEES_MAX => {
                    wrong("attendees", "out_of_range", "at most 100000 residents")
                }
                Some(_) => {}
            }
            if self.score.is_some_and(|s| s > SCORE_MAX) {
                wrong("score", "out_of_range", "a score from 0 to 100");
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(Invalid::merge(errors.into_iter().map(Some)))
        }
    }
}

fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Why a manual entry may not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A verified entry is what the admin vouched for: it stays as it was.
    Verified,
    AlreadyVerified,
}

/// Editing an entry: only until it is verified.
pub fn edit(verified: bool) -> Result<(), Refusal> {
    if verified {
        Err(Refusal::Verified)
    } else {
        Ok(())
    }
}

/// Verifying an entry: once.
pub fn verify(verified: bool) -> Result<(), Refusal> {
    if verified {
        Err(Refusal::AlreadyVerified)
    } else {
        Ok(())
    }
}

/// How many answers the deputy rated, by rating.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Ratings {
    pub satisfied: u32,
    pub basically_satisfied: u32,
    pub unsatisfied: u32,
}

/// What a deputy's registers count for a year, for the performance record (履职档案):
/// automatic entries all, manual entries once verified (an admin vouched for them).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Counts {
    /// Receptions attended, and verified manual `reception` entries.
    pub receptions_attended: u32,
    /// Cases the deputy accepted.
    pub cases_accepted: u32,
    /// Shifts held (on time or late) and missed.
    pub shifts_held: u32,
    pub shifts_late: u32,
    pub shifts_missed: u32,
    /// Verified `activity` entries other than trainings, and trainings.
    pub activities: u32,
    pub trainings: u32,
    /// Verified `proposal` entries, and those of them answered.
    pub proposals_filed: u32,
    pub proposals_answered: u32,
    /// The deputy's satisfaction with the answers.
    pub answer_ratings: Ratings,
    /// Verified `report_back` entries, their attendees summed, and the residents' scores
    /// averaged to one decimal (none without a score).
    pub report_backs: u32,
    pub report_back_attendees: u32,
    pub report_back_score: Option<f64>,
}

/// One automatic entry's fact, as the counts read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fact {
    ReceptionAttended,
    CaseAccepted,
    Shift(crate::attendance::Attendance),
}

impl Counts {
    /// The counts of the automatic entries' facts and the manual entries (`true` once
    /// verified).
    pub fn of<'a>(
        facts: impl IntoIterator<Item = Fact>,
        manual: impl IntoIterator<Item = (&'a Entry, bool)>,
    ) -> Counts {
        use crate::attendance::Attendance;
        let mut counts = Counts::default();
        for fact in facts {
            match fact {
                Fact::ReceptionAttended => counts.receptions_attended += 1,
                Fact::CaseAccepted => counts.cases_accepted += 1,
                Fact::Shift(Attendance::Held) => counts.shifts_held += 1,
                Fact::Shift(Attendance::Late) => {
                    counts.shifts_held += 1;
                    counts.shifts_late += 1;
                }
                Fact::Shift(Attendance::Missed) => counts.shifts_missed += 1,
            }
        }
        let (mut scores, mut scored) = (0u32, 0u32);
        for (entry, _) in manual.into_iter().filter(|(_, verified)| *verified) {
            match entry.kind {
                RegisterKind::Reception => counts.receptions_attended += 1,
                RegisterKind::Performance => {}
                RegisterKind::Activity => {
                    if entry.activity_kind == Some(ActivityKind::Training) {
                        counts.trainings += 1;
                    } else {
                        counts.activities += 1;
                    }
                }
                RegisterKind::Proposal => {
                    counts.proposals_filed += 1;
                    if entry.answer.is_some() {
                        counts.proposals_answered += 1;
                    }
                    let ratings = &mut counts.answer_ratings;
                    match entry.satisfaction {
                        Some(Rating::Satisfied) => ratings.satisfied += 1,
                        Some(Rating::BasicallySatisfied) => ratings.basically_satisfied += 1,
                        Some(Rating::Unsatisfied) => ratings.unsatisfied += 1,
                        None => {}
                    }
                }
                RegisterKind::ReportBack => {
                    counts.report_backs += 1;
                    counts.report_back_attendees += entry.attendees.unwrap_or(0);
                    if let Some(score) = entry.score {
                        scores += score;
                        scored += 1;
                    }
                }
            }
        }
        counts.report_back_score =
            (scored > 0).then(|| (f64::from(scores) * 10.0 / f64::from(scored)).round() / 10.0);
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attendance::Attendance;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn entry(kind: RegisterKind) -> Entry {
        Entry {
            detail: Some("  ".to_owned()),
            ..Entry::blank(kind, day(2026, 3, 1), " 参加人大培训 ".to_owned())
        }
    }

    fn fields(invalid: Invalid) -> Vec<String> {
        invalid.0.into_iter().map(|e| e.field).collect()
    }

    #[test]
    fn the_registers_are_named_as_the_seed_names_them() {
        let names: Vec<_> = RegisterKind::ALL.iter().map(|k| k.title()).collect();
        assert_eq!(
            names,
            [
                "年度述职登记簿",
                "代表接待选民登记簿",
                "代表履职情况登记簿",
                "代表参加活动登记簿",
                "代表提出议案、建议、批评和意见登记簿"
            ]
        );
        // Excel names a sheet in at most 31 characters.
        assert!(names.iter().all(|n| n.chars().count() <= 31));
    }

    #[test]
    fn an_activity_needs_its_kind_and_is_trimmed() {
        let missing = entry(RegisterKind::Activity).checked().unwrap_err();
        assert_eq!(fields(missing), ["activity_kind"]);
        let mut training = entry(RegisterKind::Activity);
        training.activity_kind = Some(ActivityKind::Training);
        let checked = training.checked().unwrap();
        assert_eq!(checked.title, "参加人大培训");
        assert_eq!(checked.detail, None);
        assert_eq!(checked.year(), 2026);
    }

    #[test]
    fn fields_of_another_register_are_refused() {
        let mut e = entry(RegisterKind::Reception);
        e.score = Some(90);
        e.proposal_kind = Some(ProposalKind::Opinion);
        e.title = String::new();
        assert_eq!(
            fields(e.checked().unwrap_err()),
            ["title", "proposal_kind", "score"]
        );
    }

    #[test]
    fn a_proposal_is_answered_with_a_day_not_before_it_was_filed() {
        let mut p = entry(RegisterKind::Proposal);
        p.proposal_kind = Some(ProposalKind::Suggestion);
        p.satisfaction = Some(Rating::Satisfied);
        assert_eq!(fields(p.clone().checked().unwrap_err()), ["satisfaction"]);
        p.answer = Some("已列入计划".to_owned());
        assert_eq!(fields(p.clone().checked().unwrap_err()), ["answered_on"]);
        p.answered_on = Some(day(2026, 2, 1));
        assert_eq!(fields(p.clone().checked().unwrap_err()), ["answered_on"]);
        p.answered_on = Some(day(2026, 4, 1));
        assert!(p.checked().is_ok());
    }

    #[test]
    fn a_report_back_counts_its_attendees_and_scores_0_to_100() {
        let mut r = entry(RegisterKind::ReportBack);
        assert_eq!(fields(r.clone().checked().unwrap_err()), ["attendees"]);
        r.attendees = Some(40);
        r.score = Some(101);
        assert_eq!(fields(r.clone().checked().unwrap_err()), ["score"]);
        r.score = Some(100);
        assert!(r.checked().is_ok());
    }

    #[test]
    fn a_verified_entry_stays_and_is_verified_once() {
        assert_eq!(edit(false), Ok(()));
        assert_eq!(edit(true), Err(Refusal::Verified));
        assert_eq!(verify(false), Ok(()));
        assert_eq!(verify(true), Err(Refusal::AlreadyVerified));
    }

    #[test]
    fn counts_take_every_fact_and_the_verified_entries() {
        let mut training = entry(RegisterKind::Activity);
        training.activity_kind = Some(ActivityKind::Training);
        let mut meeting = training.clone();
        meeting.activity_kind = Some(ActivityKind::Meeting);
        let mut answered = entry(RegisterKind::Proposal);
        answered.answer = Some("已答复".to_owned());
        answered.satisfaction = Some(Rating::BasicallySatisfied);
        let filed = entry(RegisterKind::Proposal);
        let mut report = entry(RegisterKind::ReportBack);
        report.attendees = Some(30);
        report.score = Some(90);
        let mut other_report = report.clone();
        other_report.attendees = Some(25);
        other_report.score = Some(85);
        let facts = [
            Fact::ReceptionAttended,
            Fact::CaseAccepted,
            Fact::CaseAccepted,
            Fact::Shift(Attendance::Held),
            Fact::Shift(Attendance::Late),
            Fact::Shift(Attendance::Missed),
        ];
        let manual = [
            (&training, true),
            (&meeting, true),
            (&meeting, false),
            (&answered, true),
            (&filed, true),
            (&report, true),
            (&other_report, true),
        ];
        let counts = Counts::of(facts, manual);
        assert_eq!(
            counts,
            Counts {
                receptions_attended: 1,
                cases_accepted: 2,
                shifts_held: 2,
                shifts_late: 1,
                shifts_missed: 1,
                activities: 1,
                trainings: 1,
                proposals_filed: 2,
                proposals_answered: 1,
                answer_ratings: Ratings {
                    basically_satisfied: 1,
                    ..Ratings::default()
                },
                report_backs: 2,
                report_back_attendees: 55,
                report_back_score: Some(87.5),
            }
        );
    }
}
