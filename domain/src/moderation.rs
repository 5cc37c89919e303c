//! Screening what residents write against the county's local word list.
//!
//! Words and text are normalised the same way before matching, so that the trivial evasions
//! ("赌 博", "赌-博", "ＢＥＴ", "Bet") still match: full-width ASCII becomes half-width, ASCII
//! letters are lower-cased, and whitespace, punctuation and symbols are dropped.

/// What moderation decides about a text. Ordered from harmless to worst, so that combining
/// several verdicts is `max`: the worst wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    /// Stored as written.
    Pass,
    /// Stored, flagged for a station admin to look at.
    Review,
    /// Refused: nothing is stored.
    Risky,
}

/// The county's configured words, normalised once.
#[derive(Debug, Clone)]
pub struct WordList {
    risky: Vec<String>,
    review: Vec<String>,
}

impl WordList {
    /// Words that normalise to nothing (blank, or only punctuation) are ignored: they would
    /// otherwise match every text.
    pub fn new(risky: &[String], review: &[String]) -> Self {
        Self {
            risky: normalised_words(risky),
            review: normalised_words(review),
        }
    }

    /// Risky if any risky word occurs in `text`, else Review if any review word does.
    pub fn screen(&self, text: &str) -> Verdict {
        let text = normalise(text);
        let occurs = |words: &[String]| words.iter().any(|word| text.contains(word.as_str()));
        if occurs(&self.risky) {
            Verdict::Risky
        } else if occurs(&self.review) {
            Verdict::Review
        } else {
            Verdict::Pass
        }
    }
}

fn normalised_words(words: &[String]) -> Vec<String> {
    words
        .iter()
        .map(|word| normalise(word))
        .filter(|word| !word.is_empty())
        .collect()
}

/// Maps a text to the form words are matched in: see the module comment.
fn normalise(text: &str) -> String {
    text.chars()
        .map(|c| half_width(c).to_ascii_lowercase())
        .filter(|&c| !is_separator(c))
        .collect()
}

/// Full-width ASCII (U+FF01 to U+FF5E, typed by Chinese input methods) to its ASCII twin.
fn half_width(c: char) -> char {
    match u32::from(c) {
        code @ 0xFF01..=0xFF5E => char::from_u32(code - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Characters someone may slip between the characters of a word without changing what a
/// reader sees in it. Letters and digits of any script are never separators, so 〇 (as in
/// 二〇二四) or ① stay part of the text.
fn is_separator(c: char) -> bool {
    if c.is_whitespace() {
        return true;
    }
    if c.is_alphanumeric() {
        return false;
    }
    c.is_ascii()
        || matches!(
            u32::from(c),
            // Latin-1 punctuation and symbols: ¡ « · » ¿ × ÷ and friends.
            0x0080..=0x00FF
            // Combining marks that strike through or enclose the character before them.
            | 0x0300..=0x036F
            | 0x20D0..=0x20FF
            // General punctuation: dashes, quotes, ellipsis, zero-width spaces and joiners.
            | 0x2000..=0x206F
            // Arrows, mathematical operators, technical symbols, box drawing, geometric
            // shapes, miscellaneous symbols and dingbats: ★ ☆ ● ◆ → ✓ ♥ and the like.
            | 0x2190..=0x27BF
            // CJK punctuation: 、 。 《 》 「 」 【 】 〜 and the ideographic space.
            | 0x3000..=0x303F
            // Variation selectors, vertical and small forms, the byte order mark.
            | 0xFE00..=0xFE6F
            | 0xFEFF
            // Half-width CJK punctuation: ｡ ｢ ｣ ､ ･
            | 0xFF61..=0xFF65
            // Emoji and pictographs.
            | 0x1F000..=0x1FAFF
        )
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn words(items: &[&str]) -> Vec<String> {
        items.iter().map(|item| (*item).to_owned()).collect()
    }

    fn list(risky: &[&str], review: &[&str]) -> WordList {
        WordList::new(&words(risky), &words(review))
    }

    #[test]
    fn worst_verdict_is_the_largest() {
        assert!(Verdict::Pass < Verdict::Review);
        assert!(Verdict::Review < Verdict::Risky);
        let worst = [Verdict::Review, Verdict::Risky, Verdict::Pass]
            .into_iter()
            .max();
        assert_eq!(worst, Some(Verdict::Risky));
    }

    #[test]
    fn text_without_listed_words_passes() {
        let list = list(&["赌博"], &["拆迁"]);
        assert_eq!(list.screen("村口的路灯坏了三个月"), Verdict::Pass);
        assert_eq!(list.screen(""), Verdict::Pass);
    }

    #[test]
    fn a_risky_word_is_risky() {
        let list = list(&["赌博"], &["拆迁"]);
        assert_eq!(list.screen("有人在村委会后面聚众赌博"), Verdict::Risky);
    }

    #[test]
    fn a_review_word_is_review() {
        let list = list(&["赌博"], &["拆迁"]);
        assert_eq!(list.screen("拆迁补偿还没有到位"), Verdict::Review);
    }

    #[test]
    fn risky_outranks_review() {
        let list = list(&["赌博"], &["拆迁"]);
        assert_eq!(list.screen("拆迁款被拿去赌博"), Verdict::Risky);
    }

    #[test]
    fn ascii_case_is_ignored() {
        let list = list(&["Casino"], &[]);
        assert_eq!(list.screen("new CASINO opened"), Verdict::Risky);
        assert_eq!(list.screen("casino"), Verdict::Risky);
    }

    #[test]
    fn full_width_ascii_matches_half_width() {
        let half = list(&["fuck"], &["VPN"]);
        assert_eq!(half.screen("ＦＵＣＫ"), Verdict::Risky);
        assert_eq!(half.screen("用ｖｐｎ上网"), Verdict::Review);
        let full = list(&["ＢＥＴ３６５"], &[]);
        assert_eq!(full.screen("bet365"), Verdict::Risky);
    }

    #[test]
    fn whitespace_between_characters_is_ignored() {
        let list = list(&["赌博"], &[]);
        for text in ["赌 博", "赌\t博", "赌\n博", "赌\u{3000}博", "赌  \u{a0} 博"] {
            assert_eq!(list.screen(text), Verdict::Risky, "{text:?}");
        }
    }

    #[test]
    fn punctuation_and_symbols_between_characters_are_ignored() {
        let list = list(&["赌博"], &[]);
        for text in [
            "赌-博",
            "赌*博",
            "赌.博",
            "赌_博",
            "赌、博",
            "赌。博",
            "赌·博",
            "赌…博",
            "赌—博",
            "赌★博",
            "赌\u{200b}博",
            "赌【博】",
            "赌＊博",
            "赌😀博",
            "赌\u{336}博",
        ] {
            assert_eq!(list.screen(text), Verdict::Risky, "{text:?}");
        }
    }

    #[test]
    fn separators_inside_configured_words_are_ignored_too() {
        let list = list(&["赌 博", "B-E-T"], &[]);
        assert_eq!(list.screen("赌博"), Verdict::Risky);
        assert_eq!(list.screen("bet"), Verdict::Risky);
    }

    #[test]
    fn empty_words_are_ignored() {
        let list = list(&["", "  ", "--", "、"], &["", "\u{3000}"]);
        assert_eq!(list.screen("随便什么内容"), Verdict::Pass);
        assert_eq!(list.screen(""), Verdict::Pass);
    }

    #[test]
    fn digits_and_letters_are_kept() {
        // Dropping letters or digits would make "b1et" match "bet".
        let list = list(&["bet", "二〇"], &[]);
        assert_eq!(list.screen("b1et"), Verdict::Pass);
        assert_eq!(list.screen("b²et"), Verdict::Pass);
        assert_eq!(list.screen("赌bet"), Verdict::Risky);
        assert_eq!(list.screen("二〇二四年"), Verdict::Risky);
        assert_eq!(list.screen("二二四年"), Verdict::Pass);
    }

    /// What the property test slips between the characters of a word; "" leaves them joined.
    const GAPS: &[&str] = &[" ", "-", "*", "、", "，", "·", "　", "＊", "\u{200b}", ""];

    proptest! {
        #[test]
        fn separators_never_hide_a_word(
            before in "\\PC{0,20}",
            after in "\\PC{0,20}",
            gaps in proptest::collection::vec(
                proptest::sample::select(GAPS),
                3,
            ),
        ) {
            let list = list(&["赌博机"], &[]);
            let text = format!("{before}赌{}博{}机{}{after}", gaps[0], gaps[1], gaps[2]);
            prop_assert_eq!(list.screen(&text), Verdict::Risky);
        }

        #[test]
        fn text_lacking_the_characters_passes(text in "[a-z0-9 ,.，。路灯坏了]{0,60}") {
            let list = list(&["赌博"], &["拆迁"]);
            prop_assert_eq!(list.screen(&text), Verdict::Pass);
        }
    }
}
