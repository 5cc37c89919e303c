//! Case search (`q=`): the terms a case is indexed by and the terms a query asks for.
//!
//! Residents and staff search in Chinese, mostly with two-character words (路灯, 噪音, 井盖),
//! which trigram indexes cannot serve. So a run of CJK characters is indexed as its overlapping
//! bigrams (路灯不亮: 路灯 灯不 不亮) plus its single characters (so that a one-character
//! query finds it), and a run of letters or digits as one lowercased word (XP-20261122-0007:
//! xp 20261122 0007). A query is cut the same way and every one of its terms must match; its
//! last word matches as a prefix (the rest of it is still being typed, or is the rest of a case
//! number), the words before it whole: a prefix that begins every term (`xp` in every case
//! number) would make both indexes gather every case before narrowing.
//!
//! The terms are stored space-separated (`cases.search_terms`), which both databases' full-text
//! indexes split back into exactly these terms: they never have to understand Chinese.

use std::collections::HashSet;

/// Letters or digits kept of one word: longer runs (a pasted link, a serial number) are cut
/// here both when indexing and when querying, so a long word still finds itself by prefix.
pub const WORD_MAX: usize = 32;
/// Characters of a query looked at; the rest cannot narrow a page of cases any further.
pub const QUERY_MAX: usize = 100;
/// Terms a query keeps, so one request never asks the index for an unbounded conjunction.
pub const QUERY_TERMS_MAX: usize = 12;

/// One term of a query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryTerm {
    /// A bigram, a single CJK character, or a lowercased word.
    pub text: String,
    /// The query's last word matches every indexed word it begins (`XP-2026` finds
    /// `XP-20261122-0007`); other words and CJK terms match exactly (both bigrams and single
    /// characters are indexed).
    pub prefix: bool,
}

/// The `search_terms` of a case: its number, title, content and location as distinct terms,
/// space-separated, in the order they first occur.
pub fn index_terms(number: &str, title: &str, content: &str, location: Option<&str>) -> String {
    let mut seen = HashSet::new();
    let mut terms = Vec::new();
    let mut keep = |term: String| {
        if seen.insert(term.clone()) {
            terms.push(term);
        }
    };
    for text in [Some(number), Some(title), Some(content), location]
        .into_iter()
        .flatten()
    {
        for run in runs(text.chars()) {
            match run {
                Run::Word(word) => keep(word),
                Run::Cjk(chars) => {
                    for (i, c) in chars.iter().enumerate() {
                        keep(c.to_string());
                        if let Some(next) = chars.get(i + 1) {
                            keep([*c, *next].iter().collect());
                        }
                    }
                }
            }
        }
    }
    terms.join(" ")
}

/// The terms a user's `q` asks for, all of which must match; `None` when it has none (blank,
/// punctuation only), which is no search at all.
pub fn query_terms(q: &str) -> Option<Vec<QueryTerm>> {
    let mut seen = HashSet::new();
    let mut terms = Vec::new();
    let runs = runs(q.chars().take(QUERY_MAX));
    let last = runs.len().saturating_sub(1);
    for (i, run) in runs.into_iter().enumerate() {
        let found = match run {
            Run::Word(word) => vec![QueryTerm {
                text: word,
                prefix: i == last,
            }],
            // A lone character is indexed on its own; longer runs by their bigrams, which
            // together cover every character.
            Run::Cjk(chars) if chars.len() == 1 => vec![QueryTerm {
                text: chars[0].to_string(),
                prefix: false,
            }],
            Run::Cjk(chars) => chars
                .windows(2)
                .map(|pair| QueryTerm {
                    text: pair.iter().collect(),
                    prefix: false,
                })
                .collect(),
        };
        for term in found {
            if terms.len() < QUERY_TERMS_MAX && seen.insert(term.text.clone()) {
                terms.push(term);
            }
        }
    }
    (!terms.is_empty()).then_some(terms)
}

#[derive(Debug, PartialEq, Eq)]
enum Run {
    /// Letters and digits, lowercased, at most `WORD_MAX` of them.
    Word(String),
    /// Consecutive CJK characters.
    Cjk(Vec<char>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Cjk,
    Word,
    Separator,
}

/// Splits text into runs of one class; everything else (spaces, punctuation, symbols) only
/// separates them.
fn runs(chars: impl Iterator<Item = char>) -> Vec<Run> {
    let mut runs = Vec::new();
    let mut current: Vec<char> = Vec::new();
    let mut class = Class::Separator;
    let mut close = |class: Class, current: &mut Vec<char>| {
        match class {
            Class::Cjk => runs.push(Run::Cjk(std::mem::take(current))),
            Class::Word => runs.push(Run::Word(
                current
                    .drain(..)
                    .flat_map(char::to_lowercase)
                    .take(WORD_MAX)
                    .collect(),
            )),
            Class::Separator => current.clear(),
        };
    };
    for c in chars.map(half_width) {
        let next = class_of(c);
        if next != class {
            close(class, &mut current);
            class = next;
        }
        current.push(c);
    }
    close(class, &mut current);
    runs
}

/// Full-width forms (ＸＰ１２, typed on Chinese keyboards) as the ASCII they stand for.
fn half_width(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn class_of(c: char) -> Class {
    if is_cjk(c) {
        Class::Cjk
    } else if c.is_ascii_digit() || c.is_alphabetic() {
        Class::Word
    } else {
        Class::Separator
    }
}

/// Han ideographs (with 〇 and 々), kana and hangul: scripts written without spaces.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{3005}' | '\u{3007}'
        | '\u{3040}'..='\u{30FF}'
        | '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{AC00}'..='\u{D7AF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{3134F}')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(text: &str) -> Vec<String> {
        index_terms("", text, "", None)
            .split(' ')
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect()
    }

    fn query(q: &str) -> Vec<(String, bool)> {
        query_terms(q)
            .unwrap_or_default()
            .into_iter()
            .map(|t| (t.text, t.prefix))
            .collect()
    }

    fn exact(words: &[&str]) -> Vec<(String, bool)> {
        words.iter().map(|w| ((*w).to_owned(), false)).collect()
    }

    /// Whether a case with `indexed` terms answers `q`, the way the databases decide it.
    fn finds(indexed: &str, q: &str) -> bool {
        let indexed: Vec<&str> = indexed.split(' ').collect();
        query_terms(q).is_some_and(|wanted| {
            wanted.iter().all(|term| {
                indexed.iter().any(|t| {
                    if term.prefix {
                        t.starts_with(&term.text)
                    } else {
                        *t == term.text
                    }
                })
            })
        })
    }

    #[test]
    fn chinese_is_indexed_as_characters_and_overlapping_bigrams() {
        assert_eq!(
            terms("路灯不亮"),
            ["路", "路灯", "灯", "灯不", "不", "不亮", "亮"]
        );
        assert_eq!(terms("灯"), ["灯"]);
    }

    #[test]
    fn every_text_of_the_case_is_indexed_once() {
        let indexed = index_terms(
            "XP-20261122-0007",
            "路灯不亮",
            "人民路的路灯",
            Some("柏城街道"),
        );
        for q in ["路灯", "人民", "柏城", "街道", "XP-20261122-0007", "0007"] {
            assert!(finds(&indexed, q), "{q} in {indexed}");
        }
        let all: Vec<&str> = indexed.split(' ').collect();
        let distinct: HashSet<&str> = all.iter().copied().collect();
        assert_eq!(all.len(), distinct.len(), "{indexed}");
        assert_eq!(all.iter().filter(|t| **t == "路灯").count(), 1);
    }

    #[test]
    fn one_character_queries_find_the_character_anywhere() {
        assert_eq!(query("灯"), exact(&["灯"]));
        let indexed = index_terms("XP-1", "路灯不亮", "", None);
        assert!(finds(&indexed, "灯"));
        assert!(finds(&indexed, "亮"));
        assert!(!finds(&indexed, "水"));
    }

    #[test]
    fn two_character_queries_are_one_bigram() {
        assert_eq!(query("路灯"), exact(&["路灯"]));
        assert_eq!(query("噪音"), exact(&["噪音"]));
        let indexed = index_terms("XP-1", "小区井盖丢了", "", None);
        assert!(finds(&indexed, "井盖"));
        // Both characters, but never side by side in that order.
        assert!(!finds(&indexed, "盖井"));
    }

    #[test]
    fn longer_words_ask_for_every_bigram() {
        assert_eq!(query("人民路"), exact(&["人民", "民路"]));
        let indexed = index_terms("XP-1", "人民路路灯不亮", "", None);
        assert!(finds(&indexed, "人民路路灯"));
        assert!(!finds(&indexed, "人民广场"));
    }

    #[test]
    fn case_numbers_are_found_whole_or_in_part() {
        let indexed = index_terms("XP-20261122-0007", "路灯", "", None);
        assert_eq!(
            query("XP-20261122-0007"),
            [
                ("xp".to_owned(), false),
                ("20261122".to_owned(), false),
                ("0007".to_owned(), true)
            ]
        );
        for q in [
            "XP-20261122-0007",
            "xp-",
            "XP",
            "20261122",
            "XP-202611",
            "0007",
        ] {
            assert!(finds(&indexed, q), "{q}");
        }
        assert!(!finds(&indexed, "XP-20261122-0008"));
        assert!(!finds(&indexed, "XQ"));
    }

    #[test]
    fn mixed_runs_split_where_the_script_changes() {
        assert_eq!(
            query("路灯XP12"),
            [("路灯".to_owned(), false), ("xp12".to_owned(), true)]
        );
        assert_eq!(
            query("XP12路灯"),
            [("xp12".to_owned(), false), ("路灯".to_owned(), false)]
        );
        assert_eq!(terms("3号楼"), ["3", "号", "号楼", "楼"]);
        assert!(finds(
            &index_terms("XP-1", "路灯XP12坏了", "", None),
            "XP12 路灯"
        ));
    }

    #[test]
    fn punctuation_and_spaces_only_separate() {
        assert_eq!(query("路灯，坏了！"), exact(&["路灯", "坏了"]));
        assert_eq!(query("“噪音”"), exact(&["噪音"]));
        // Punctuation never joins two runs into a bigram.
        assert_eq!(terms("灯。亮"), ["灯", "亮"]);
        assert_eq!(
            query("a_b"),
            [("a".to_owned(), false), ("b".to_owned(), true)]
        );
    }

    #[test]
    fn full_width_letters_and_digits_are_the_ascii_they_stand_for() {
        assert_eq!(query("ＸＰ－２０２６"), query("xp-2026"));
        assert_eq!(terms("３号楼"), terms("3号楼"));
        assert_eq!(query("路灯\u{3000}井盖"), exact(&["路灯", "井盖"]));
    }

    #[test]
    fn words_are_lowercased() {
        assert_eq!(terms("WiFi信号"), ["wifi", "信", "信号", "号"]);
        assert_eq!(query("WIFI"), [("wifi".to_owned(), true)]);
    }

    #[test]
    fn a_query_without_terms_is_no_query() {
        for q in ["", "   ", "，。！？", "%_", "\u{3000}", "-- --"] {
            assert_eq!(query_terms(q), None, "{q:?}");
        }
        assert_eq!(index_terms("", "", "", None), "");
        assert_eq!(index_terms("", "！？", "", Some("")), "");
    }

    #[test]
    fn repeated_query_terms_are_asked_once() {
        assert_eq!(query("路灯 路灯"), exact(&["路灯"]));
        assert_eq!(query("哈哈哈"), exact(&["哈哈"]));
    }

    #[test]
    fn long_words_are_cut_the_same_way_on_both_sides() {
        let long = "a".repeat(500);
        let cut = "a".repeat(WORD_MAX);
        assert_eq!(terms(&long), [cut.as_str()]);
        assert_eq!(query(&long[..40]), [(cut, true)]);
        assert!(finds(&index_terms("", &long, "", None), &long[..40]));
    }

    #[test]
    fn very_long_queries_are_bounded() {
        let long = "路灯不亮井盖丢了噪音扰民".repeat(1000);
        let terms = query_terms(&long).unwrap_or_default();
        assert_eq!(terms.len(), QUERY_TERMS_MAX);
        let words = (0..1000).map(|i| format!("w{i}")).collect::<Vec<_>>();
        assert!(query_terms(&words.join(" ")).unwrap_or_default().len() <= QUERY_TERMS_MAX);
        let huge = "x".repeat(1_000_000);
        assert_eq!(
            query_terms(&huge).unwrap_or_default()[0].text.len(),
            WORD_MAX
        );
    }

    #[test]
    fn other_scripts_are_words_and_kana_pairs_like_han() {
        assert_eq!(terms("Café"), ["café"]);
        assert_eq!(query("ラーメン"), exact(&["ラー", "ーメ", "メン"]));
    }
}
