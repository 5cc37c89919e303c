//! The period a report is asked for, as query parameters: `from` and `to` (dates, both
//! included), or `year` with an optional `quarter` or `month`; nothing is this year so far.

use chrono::{NaiveDate, Utc};
use liaison_domain::clock::local_day;
use liaison_domain::period::{Asked, Period};
use serde::Deserialize;
use utoipa::IntoParams;

use crate::app_error::AppResult;

#[derive(Debug, Clone, Copy, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeriodQuery {
    /// The first day (YYYY-MM-DD, Beijing time), included.
    pub from: Option<NaiveDate>,
    /// The last day, included; at most five years after `from`.
    pub to: Option<NaiveDate>,
    pub year: Option<i32>,
    /// 1–4, with `year`.
    pub quarter: Option<u32>,
    /// 1–12, with `year`.
    pub month: Option<u32>,
}

impl PeriodQuery {
    /// The period asked for, on today's county clock; a bad one is 422 naming the field.
    pub fn period(&self) -> AppResult<Period> {
        let asked = Asked {
            from: self.from,
            to: self.to,
            year: self.year,
            quarter: self.quarter,
            month: self.month,
        };
        Ok(Period::parse(asked, local_day(Utc::now()))?)
    }
}
