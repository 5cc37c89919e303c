//! Errors the rules answer with: which field was wrong, as a stable code and a sentence.

use std::fmt;

/// One rejected field: `code` is stable for clients, `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            code,
            message: message.into(),
        }
    }
}

/// A value, or a set of values, that the rules refuse. Never empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid(pub Vec<FieldError>);

impl Invalid {
    pub fn one(field: impl Into<String>, code: &'static str, message: impl Into<String>) -> Self {
        Self(vec![FieldError::new(field, code, message)])
    }

    /// Collects the errors of several independent checks, so a client learns of all at once.
    pub fn collect(results: impl IntoIterator<Item = Result<(), Invalid>>) -> Result<(), Invalid> {
        let errors: Vec<FieldError> = results
            .into_iter()
            .filter_map(Result::err)
            .flat_map(|e| e.0)
            .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Self(errors))
        }
    }

    /// The errors of several parses taken together, for a request where at least one failed.
    pub fn merge(errors: impl IntoIterator<Item = Option<Invalid>>) -> Self {
        Self(errors.into_iter().flatten().flat_map(|e| e.0).collect())
    }

    /// The same errors reported under another field name, for a value parsed on behalf of a
    /// differently named field (a `Phone` that is the `contact_phone`).
    pub fn renamed(self, field: &str) -> Self {
        Self(
            self.0
                .into_iter()
                .map(|e| FieldError {
                    message: e.message.replacen(&e.field, field, 1),
                    field: field.to_owned(),
                    ..e
                })
                .collect(),
        )
    }
}

impl fmt::Display for Invalid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect();
        f.write_str(&parts.join("; "))
    }
}

impl std::error::Error for Invalid {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collect_keeps_every_error_in_order() {
        let result = Invalid::collect([
            Ok(()),
            Err(Invalid::one("a", "required", "a is required")),
            Err(Invalid::one("b", "too_long", "b is too long")),
        ]);
        let fields: Vec<String> = result.unwrap_err().0.into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["a", "b"]);
    }

    #[test]
    fn collect_of_successes_is_ok() {
        assert!(Invalid::collect([Ok(()), Ok(())]).is_ok());
    }
}
