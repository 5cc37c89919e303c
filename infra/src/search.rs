//! The SQL form of "the case matches every one of these search terms", per backend, over the
//! index the `case_search` migration built: PostgreSQL's GIN index on
//! `to_tsvector('simple', search_terms)`, SQLite's FTS5 table `case_search`.

use liaison_domain::search::QueryTerm;
use sea_orm::sea_query::{Condition, Expr};

use crate::db::Backend;

/// `cases` matches every term (`liaison_domain::search::query_terms`). The expression is the
/// one the index was built on, so the planner can use it.
pub fn case_matches(backend: Backend, terms: &[QueryTerm]) -> Condition {
    let expr = match backend {
        Backend::Postgres => Expr::cust_with_values(
            r#"to_tsvector('simple', "cases"."search_terms") @@ to_tsquery('simple', $1)"#,
            [tsquery(terms)],
        ),
        Backend::Sqlite => Expr::cust_with_values(
            r#""cases"."id" IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)"#,
            [fts5_query(terms)],
        ),
    };
    Condition::all().add(expr)
}

/// `'路灯' & 'xp':*`: quoted lexemes, prefixes marked, all required.
fn tsquery(terms: &[QueryTerm]) -> String {
    terms
        .iter()
        .map(|term| {
            let quoted = format!("'{}'", term.text.replace('\\', "\\\\").replace('\'', "''"));
            if term.prefix {
                quoted + ":*"
            } else {
                quoted
            }
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// `"路灯" "xp"*`: FTS5 strings side by side are all required.
fn fts5_query(terms: &[QueryTerm]) -> String {
    terms
        .iter()
        .map(|term| {
            let quoted = format!("\"{}\"", term.text.replace('"', "\"\""));
            if term.prefix {
                quoted + "*"
            } else {
                quoted
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use liaison_domain::search::query_terms;
    use sea_orm::sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder, Value};

    use super::*;

    /// The statement and its one bound value.
    fn sql(backend: Backend, q: &str) -> (String, String) {
        let terms = query_terms(q).unwrap();
        let query = Query::select()
            .expr(Expr::cust("1"))
            .cond_where(case_matches(backend, &terms))
            .to_owned();
        let (sql, values) = match backend {
            Backend::Postgres => query.build(PostgresQueryBuilder),
            Backend::Sqlite => query.build(SqliteQueryBuilder),
        };
        match values.0.as_slice() {
            [Value::String(Some(value))] => (sql, value.to_string()),
            other => panic!("unexpected values {other:?}"),
        }
    }

    #[test]
    fn postgres_asks_the_expression_the_gin_index_holds() {
        assert_eq!(
            sql(Backend::Postgres, "路灯 XP-2026"),
            (
                r#"SELECT 1 WHERE to_tsvector('simple', "cases"."search_terms") @@ to_tsquery('simple', $1)"#.to_owned(),
                "'路灯' & 'xp':* & '2026':*".to_owned()
            )
        );
    }

    #[test]
    fn sqlite_asks_the_fts5_table() {
        assert_eq!(
            sql(Backend::Sqlite, "灯 0007"),
            (
                r#"SELECT 1 WHERE "cases"."id" IN (SELECT rowid FROM case_search WHERE case_search MATCH ?)"#.to_owned(),
                r#""灯" "0007"*"#.to_owned()
            )
        );
    }

    #[test]
    fn quotes_in_a_term_cannot_end_it() {
        let odd = [QueryTerm {
            text: r#"a'b"c\"#.to_owned(),
            prefix: false,
        }];
        assert_eq!(tsquery(&odd), r#"'a''b"c\\'"#);
        assert_eq!(fts5_query(&odd), r#""a'b""c\""#);
    }
}
