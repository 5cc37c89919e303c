//! WeChat subscribe messages (订阅消息): which steps of a case the resident is sent one for, what
//! each template field holds, and how values are cut to WeChat's limits.

use chrono::{DateTime, FixedOffset, Utc};

use crate::case::audience::{self, Audience, Situation};
use crate::case::{CaseStatus, EventKind};
use crate::vocabulary::vocabulary;

vocabulary!(
    /// The templates Liaison sends, each configured with a WeChat template id: `progress` when
    /// the case moved on (accepted, answered, handed on, handled, declined, closed), `resolved`
    /// when it is resolved and waits for a rating.
    Template, "template" {
        Progress => "progress",
        Resolved => "resolved",
    }
);

vocabulary!(
    /// What a template field is filled with: the case `number` (`XP-20261122-0007`), its
    /// `title`, its `status` in words (已受理), the step in words as the inbox says it
    /// (`headline`), when it happened (`time`, `2026-11-23 14:05` Beijing time), its `station`.
    Source, "field" {
        Number => "number",
        Title => "title",
        Status => "status",
        Headline => "headline",
        Time => "time",
        Station => "station",
    }
);

/// The template a step sends to the resident, if any: only steps the resident hears of.
pub fn template_for(kind: EventKind) -> Option<Template> {
    let tells_resident = audience::of(kind, Situation::PLAIN).contains(&Audience::Resident);
    match kind {
        EventKind::Resolved => Some(Template::Resolved),
        _ if tells_resident => Some(Template::Progress),
        _ => None,
    }
}

/// A case's status as the resident reads it: at most five characters, a `phrase`.
pub fn status_words(status: CaseStatus) -> &'static str {
    match status {
        CaseStatus::Submitted => "待受理",
        CaseStatus::Accepted => "已受理",
        CaseStatus::Assigned => "已交办",
        CaseStatus::Handled => "已反馈",
        CaseStatus::Resolved => "已办结",
        CaseStatus::Reopened => "重新交办",
        CaseStatus::Closed => "已结案",
        CaseStatus::Declined => "不予受理",
    }
}

/// `at` as a `time` value: Beijing time (China keeps no summer time), to the minute.
pub fn beijing_time(at: DateTime<Utc>) -> String {
    const EIGHT_HOURS: i32 = 8 * 3600;
    match FixedOffset::east_opt(EIGHT_HOURS) {
        Some(beijing) => at
            .with_timezone(&beijing)
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        None => at.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// The kind of a template key, read off its name (`thing2` is a `thing`), which sets its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    Thing,
    Name,
    Phrase,
    CharacterString,
    Number,
    Letter,
    Symbol,
    PhoneNumber,
    CarNumber,
    Amount,
    Time,
    Date,
}

impl KeyType {
    /// The type of key `name`; `None` for a name WeChat does not use, which configuration
    /// checks refuse.
    pub fn of(name: &str) -> Option<Self> {
        let stem = name.trim_end_matches(|c: char| c.is_ascii_digit());
        let kind = match stem {
            "thing" => Self::Thing,
            "name" => Self::Name,
            "phrase" => Self::Phrase,
            "character_string" => Self::CharacterString,
            "number" => Self::Number,
            "letter" => Self::Letter,
            "symbol" => Self::Symbol,
            "phone_number" => Self::PhoneNumber,
            "car_number" => Self::CarNumber,
            "amount" => Self::Amount,
            "time" => Self::Time,
            "date" => Self::Date,
            _ => return None,
        };
        (stem.len() < name.len()).then_some(kind)
    }
}

/// `value` cut to what a key of type `kind` accepts, ending in an ellipsis when cut: WeChat
/// refuses the whole message (47003) for one value too long, and a cut title is better than
/// no message.
pub fn fit(kind: KeyType, value: &str) -> String {
    let chars = value.chars().count();
    let (limit, ellipsis) = match kind {
        KeyType::Thing => (20, "…"),
        // 10 Chinese characters, or 20 when the name is written in letters.
        KeyType::Name if value.is_ascii() => (20, "…"),
        KeyType::Name => (10, "…"),
        KeyType::Phrase => (5, "…"),
        // These accept letters, digits and symbols only: an ASCII ellipsis keeps them valid.
        KeyType::CharacterString => (32, "..."),
        KeyType::Letter | KeyType::Symbol => (32, ""),
        KeyType::Number => (32, ""),
        KeyType::PhoneNumber => (17, ""),
        KeyType::CarNumber => (8, ""),
        KeyType::Amount => (32, ""),
        // Formatted by Liaison itself, never longer than WeChat reads.
        KeyType::Time | KeyType::Date => return value.to_owned(),
    };
    if chars <= limit {
        return value.to_owned();
    }
    let keep = limit - ellipsis.chars().count();
    value.chars().take(keep).chain(ellipsis.chars()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_typed_by_their_stem() {
        assert_eq!(KeyType::of("thing2"), Some(KeyType::Thing));
        assert_eq!(
            KeyType::of("character_string11"),
            Some(KeyType::CharacterString)
        );
        assert_eq!(KeyType::of("phone_number1"), Some(KeyType::PhoneNumber));
        assert_eq!(KeyType::of("time4"), Some(KeyType::Time));
        assert_eq!(KeyType::of("thing"), None, "WeChat keys are numbered");
        assert_eq!(KeyType::of("colour1"), None);
        assert_eq!(KeyType::of("1"), None);
    }

    #[test]
    fn things_keep_twenty_characters_with_an_ellipsis() {
        let title = "村口道路破损严重影响出行，雨天积水，老人孩子经过很危险";
        let cut = fit(KeyType::Thing, title);
        assert_eq!(cut.chars().count(), 20);
        assert!(cut.ends_with('…'));
        assert!(title.starts_with(cut.trim_end_matches('…')));
        assert_eq!(fit(KeyType::Thing, "路灯不亮"), "路灯不亮");
        let exactly = "一二三四五六七八九十一二三四五六七八九十";
        assert_eq!(fit(KeyType::Thing, exactly), exactly);
    }

    #[test]
    fn names_allow_ten_chinese_characters_or_twenty_letters() {
        assert_eq!(fit(KeyType::Name, "欧阳建国"), "欧阳建国");
        assert_eq!(
            fit(KeyType::Name, "一二三四五六七八九十一").chars().count(),
            10
        );
        let latin = "Alexandra Konstantinova";
        assert_eq!(fit(KeyType::Name, latin).chars().count(), 20);
    }

    #[test]
    fn phrases_keep_five() {
        assert_eq!(fit(KeyType::Phrase, "已受理"), "已受理");
        assert_eq!(fit(KeyType::Phrase, "承办单位已反馈"), "承办单位…");
    }

    #[test]
    fn strings_and_numbers_stay_within_their_alphabet() {
        let long = "XP-20261122-0007-and-a-very-long-tail";
        let cut = fit(KeyType::CharacterString, long);
        assert_eq!(cut.chars().count(), 32);
        assert!(cut.ends_with("...") && cut.is_ascii());
        assert_eq!(fit(KeyType::Number, &"9".repeat(40)), "9".repeat(32));
        assert_eq!(
            fit(KeyType::PhoneNumber, "+86 138 0013 8000 ext 12").len(),
            17
        );
        assert_eq!(fit(KeyType::Time, "2026-11-23 14:05"), "2026-11-23 14:05");
    }

    #[test]
    fn statuses_read_as_phrases_and_times_in_beijing() {
        for status in CaseStatus::ALL {
            let words = status_words(*status);
            assert_eq!(fit(KeyType::Phrase, words), words, "{status}");
        }
        let at: DateTime<Utc> = "2026-11-22T16:30:00Z".parse().unwrap();
        assert_eq!(beijing_time(at), "2026-11-23 00:30");
    }

    #[test]
    fn only_steps_the_resident_hears_of_send_a_message() {
        for kind in EventKind::ALL {
            let resident = audience::of(*kind, Situation::PLAIN).contains(&Audience::Resident);
            assert_eq!(template_for(*kind).is_some(), resident, "{kind}");
        }
        assert_eq!(template_for(EventKind::Resolved), Some(Template::Resolved));
        assert_eq!(template_for(EventKind::Accepted), Some(Template::Progress));
        assert_eq!(template_for(EventKind::Urged), None);
    }
}
