//! The five registers as one XLSX workbook: a sheet per register, named as seed 001 names it,
//! with Chinese column headers. A deputy's year is a few hundred rows at most, so the workbook
//! is made in memory.

use liaison_domain::case::Rating;
use liaison_domain::register::{ActivityKind, EntrySource, ProposalKind};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

use super::attendance_words;
use super::dto::{RegisterEntry, Registers};
use crate::app_error::{AppError, AppResult};

/// The columns of every sheet.
pub const HEADERS: [&str; 12] = [
    "日期",
    "来源",
    "事项",
    "详情",
    "关联",
    "类别",
    "答复",
    "答复日期",
    "满意度",
    "参加人数",
    "评分",
    "核实",
];

pub fn activity_words(kind: ActivityKind) -> &'static str {
    match kind {
        ActivityKind::Meeting => "会议",
        ActivityKind::Training => "培训",
        ActivityKind::Inspection => "视察",
        ActivityKind::Research => "调研",
    }
}

pub fn proposal_words(kind: ProposalKind) -> &'static str {
    match kind {
        ProposalKind::Proposal => "议案",
        ProposalKind::Suggestion => "建议",
        ProposalKind::Criticism => "批评",
        ProposalKind::Opinion => "意见",
    }
}

pub fn rating_words(rating: Rating) -> &'static str {
    match rating {
        Rating::Satisfied => "满意",
        Rating::BasicallySatisfied => "基本满意",
        Rating::Unsatisfied => "不满意",
    }
}

/// What an automatic entry was read from: the case's number, the reception, the shift.
pub fn origin(entry: &RegisterEntry) -> String {
    if let Some(number) = &entry.case_number {
        format!("诉求 {number}")
    } else if let Some(id) = entry.reception_id {
        format!("接待活动 #{id}")
    } else if let Some(id) = entry.shift_id {
        format!("坐班 #{id}")
    } else {
        String::new()
    }
}

/// One entry as the cells of a row, in `HEADERS`' order.
pub fn cells(entry: &RegisterEntry) -> [String; 12] {
    let or_empty = |text: Option<&str>| text.unwrap_or_default().to_owned();
    let number = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    let category = entry
        .activity_kind
        .map(activity_words)
        .or(entry.proposal_kind.map(proposal_words))
        .or(entry.attendance.map(attendance_words));
    [
        entry.date.to_string(),
        match entry.source {
            EntrySource::Auto => "自动",
            EntrySource::Manual => "手工",
        }
        .to_owned(),
        entry.title.clone(),
        or_empty(entry.detail.as_deref()),
        origin(entry),
        or_empty(category),
        or_empty(entry.answer.as_deref()),
        entry.answered_on.map(|d| d.to_string()).unwrap_or_default(),
        or_empty(entry.satisfaction.map(rating_words)),
        number(entry.attendees),
        number(entry.score),
        if entry.verified {
            "已核实"
        } else {
            "未核实"
        }
        .to_owned(),
    ]
}

fn failed(error: XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("the registers' workbook: {error}"))
}

/// The workbook's bytes.
pub fn workbook(registers: &Registers) -> AppResult<Vec<u8>> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    for register in &registers.registers {
        let sheet = workbook.add_worksheet();
        sheet.set_name(&register.name).map_err(failed)?;
        for (column, header) in (0u16..).zip(HEADERS) {
            sheet
                .write_string_with_format(0, column, header, &bold)
                .map_err(failed)?;
        }
        for (row, entry) in (1u32..).zip(&register.entries) {
            for (column, cell) in (0u16..).zip(cells(entry)) {
                sheet.write_string(row, column, cell).map_err(failed)?;
            }
        }
    }
    workbook.save_to_buffer().map_err(failed)
}
