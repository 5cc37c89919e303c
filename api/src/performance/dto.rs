//! What the performance record's operations take and answer.

use chrono::{DateTime, Utc};
use liaison_domain::performance::{Facts, Item, Line};
use liaison_infra::store::scoring_schemes::Published;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// The year asked for: absent is this year (Beijing time); from 2000 to 9999, else 422 naming
/// `year`.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    #[param(value_type = Option<i32>, example = 2026)]
    pub year: Option<String>,
}

/// The ranking's filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// Absent is this year; from 2000 to 9999, else 422 naming `year`.
    #[param(value_type = Option<i32>, example = 2026)]
    pub year: Option<String>,
    /// Only the deputies placed in this township (a region of the county); a township admin's
    /// own is the only one it may ask for, another is 404.
    pub township_id: Option<i64>,
}

/// A new version of the caller's county's scheme for `year`.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewScoringScheme {
    /// Absent is this year; from 2000 to 9999.
    pub year: Option<i32>,
    /// Points per count, by item (`receptions_attended`, `cases_accepted`, `cases_resolved`,
    /// `shifts_held`, `shifts_late`, `shifts_missed`, `cases_satisfied`,
    /// `cases_basically_satisfied`, `cases_unsatisfied`, `activities`, `trainings`,
    /// `proposals_filed`, `report_back_score`), each from -100 to 100; an absent item weighs
    /// nothing; at least one must weigh something.
    #[schema(example = json!({"receptions_attended": 10, "cases_resolved": 5, "shifts_missed": -8}))]
    pub weights: std::collections::BTreeMap<String, i64>,
    /// The scores for one to five stars: five numbers from 1 to 1,000,000, each higher than the
    /// one before, else 422 naming `thresholds`.
    #[schema(example = json!([20, 40, 60, 80, 100]))]
    pub thresholds: Vec<i64>,
}

/// One version of a county's scheme for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoringScheme {
    pub id: i64,
    pub county_id: i64,
    pub year: i32,
    /// 1, 2, … per county and year.
    pub version: i32,
    /// Whether this is the newest version of its year, the one stars are computed from.
    pub in_force: bool,
    /// Every item with its weight (0 for an item the scheme does not weigh).
    pub weights: Vec<Weight>,
    /// Scores reached for 1, 2, 3, 4 and 5 stars.
    pub thresholds: Vec<i64>,
    pub published_at: DateTime<Utc>,
    /// The account that published it.
    pub published_by: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Weight {
    #[schema(value_type = String, example = "cases_resolved")]
    pub item: Item,
    pub weight: i64,
}

impl ScoringScheme {
    pub fn of(published: Published, in_force: bool) -> Self {
        Self {
            id: published.id,
            county_id: published.county_id,
            year: published.year,
            version: published.version,
            in_force,
            weights: published
                .scheme
                .weights()
                .map(|(item, weight)| Weight { item, weight })
                .collect(),
            thresholds: published.scheme.thresholds().to_vec(),
            published_at: published.published_at,
            published_by: published.published_by,
        }
    }
}

/// The versions of the county's schemes for a year, newest (the one in force) first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoringSchemes {
    pub year: i32,
    pub items: Vec<ScoringScheme>,
}

/// Which scheme a score was computed by.
#[derive(Debug, Clone, Copy, Serialize, ToSchema)]
pub struct SchemeInForce {
    pub id: i64,
    pub version: i32,
}

/// A deputy's counts for the year. The register counts (`activities` to
/// `report_back_score`) come from the five registers.
#[derive(Debug, Serialize, ToSchema)]
pub struct PerformanceFacts {
    /// Receptions (接待活动) held in the year that the deputy attended.
    pub receptions_attended: i64,
    /// Cases the deputy's account accepted in the year.
    pub cases_accepted: i64,
    /// Resolutions the deputy's account recorded in the year.
    pub cases_resolved: i64,
    /// Duty shifts starting in the year that put the deputy on duty: checked in on time, late,
    /// or over without a check-in.
    pub shifts_held: i64,
    pub shifts_late: i64,
    pub shifts_missed: i64,
    /// The residents' ratings, given in the year, of the rounds the deputy resolved.
    pub cases_satisfied: i64,
    pub cases_basically_satisfied: i64,
    pub cases_unsatisfied: i64,
    pub activities: i64,
    pub trainings: i64,
    pub proposals_filed: i64,
    /// The residents' score of the deputy's report-back (述职评议), 0–100.
    pub report_back_score: i64,
}

impl From<Facts> for PerformanceFacts {
    fn from(f: Facts) -> Self {
        Self {
            receptions_attended: f.receptions_attended,
            cases_accepted: f.cases_accepted,
            cases_resolved: f.cases_resolved,
            shifts_held: f.shifts_held,
            shifts_late: f.shifts_late,
            shifts_missed: f.shifts_missed,
            cases_satisfied: f.cases_satisfied,
            cases_basically_satisfied: f.cases_basically_satisfied,
            cases_unsatisfied: f.cases_unsatisfied,
            activities: f.registers.activities,
            trainings: f.registers.trainings,
            proposals_filed: f.registers.proposals_filed,
            report_back_score: f.registers.report_back_score,
        }
    }
}

/// One item of a score: count × weight = points.
#[derive(Debug, Serialize, ToSchema)]
pub struct ScoreLine {
    #[schema(value_type = String, example = "shifts_missed")]
    pub item: Item,
    pub count: i64,
    pub weight: i64,
    pub points: i64,
}

impl From<Line> for ScoreLine {
    fn from(line: Line) -> Self {
        Self {
            item: line.item,
            count: line.count,
            weight: line.weight,
            points: line.points,
        }
    }
}

/// A deputy's performance record (履职档案) for a year. Without a scheme published for the
/// year, `scheme`, `breakdown`, `score` and `stars` are `null`: the counts alone.
#[derive(Debug, Serialize, ToSchema)]
pub struct Performance {
    pub deputy_id: i64,
    #[schema(example = "王建国")]
    pub name: String,
    pub year: i32,
    pub facts: PerformanceFacts,
    /// The county's scheme in force for the year (its newest version).
    pub scheme: Option<SchemeInForce>,
    /// Every item: the count, its weight and the points, which add up to `score`.
    pub breakdown: Option<Vec<ScoreLine>>,
    /// Σ weight × count.
    pub score: Option<i64>,
    /// How many of the scheme's five thresholds the score reaches, 0–5.
    pub stars: Option<u8>,
}

/// Serving deputies of the county ranked by score for a year.
#[derive(Debug, Serialize, ToSchema)]
pub struct PerformanceRanking {
    pub year: i32,
    /// `null` without a scheme for the year: then nobody has a score, stars or rank, and the
    /// deputies are listed by name.
    pub scheme: Option<SchemeInForce>,
    /// Highest score first; those tied share a rank and are listed by name, then id.
    pub deputies: Vec<RankedDeputy>,
}

/// One deputy in the ranking. A deputy is placed in the township of the first station they sit
/// at (lowest station id); one at no station, or at a station under the county itself, has no
/// township and no `rank_in_township`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RankedDeputy {
    pub deputy_id: i64,
    pub name: String,
    pub township_id: Option<i64>,
    pub township: Option<String>,
    pub score: Option<i64>,
    pub stars: Option<u8>,
    /// Competition ranking ("1, 2, 2, 4") among the county's serving deputies.
    pub rank_in_county: Option<u32>,
    /// The same among the deputies placed in the same township.
    pub rank_in_township: Option<u32>,
}
