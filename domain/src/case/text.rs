//! The texts of a case and of its steps, with their limits (also written in the API spec).

use crate::text::bounded;
use crate::Invalid;

pub const TITLE_MAX: usize = 100;
pub const CONTENT_MAX: usize = 2000;
pub const LOCATION_MAX: usize = 200;
pub const COMMENT_MAX: usize = 500;

/// What is wrong, in a line.
pub fn title(value: &str) -> Result<String, Invalid> {
    bounded("title", value, 1, TITLE_MAX)
}

/// What is wrong, in full; also replies, reports, reasons, notes and summaries.
pub fn content(field: &str, value: &str) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(Invalid::one(
            field,
            "too_short",
            format!("{field} must not be empty"),
        ));
    }
    if trimmed.chars().count() > CONTENT_MAX {
        return Err(Invalid::one(
            field,
            "too_long",
            format!("{field} must have at most {CONTENT_MAX} characters"),
        ));
    }
    // Line breaks are how people write; other control characters are not.
    if trimmed
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(Invalid::one(
            field,
            "invalid_characters",
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

pub fn location(value: &str) -> Result<String, Invalid> {
    bounded("location", value, 1, LOCATION_MAX)
}

pub fn comment(value: &str) -> Result<String, Invalid> {
    let trimmed = value.trim();
    if trimmed.chars().count() > COMMENT_MAX {
        return Err(Invalid::one(
            "comment",
            "too_long",
            format!("comment must have at most {COMMENT_MAX} characters"),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_are_one_line_of_at_most_a_hundred_characters() {
        assert_eq!(title("  路灯坏了 ").unwrap(), "路灯坏了");
        assert_eq!(title("").unwrap_err().0[0].code, "too_short");
        assert_eq!(title(&"灯".repeat(101)).unwrap_err().0[0].code, "too_long");
        assert!(title("a\nb").is_err());
    }

    #[test]
    fn content_keeps_line_breaks_and_is_bounded() {
        assert_eq!(
            content("content", "第一行\n第二行").unwrap(),
            "第一行\n第二行"
        );
        assert!(content("content", &"字".repeat(CONTENT_MAX)).is_ok());
        let e = content("reason", &"字".repeat(CONTENT_MAX + 1)).unwrap_err();
        assert_eq!((e.0[0].field.as_str(), e.0[0].code), ("reason", "too_long"));
        assert_eq!(
            content("content", " \n ").unwrap_err().0[0].code,
            "too_short"
        );
        assert!(content("content", "a\u{7}b").is_err());
    }

    #[test]
    fn comments_may_be_empty_but_not_long() {
        assert_eq!(comment("").unwrap(), "");
        assert!(comment(&"好".repeat(COMMENT_MAX + 1)).is_err());
    }
}
