//! The SQL form of "the case matches every one of these search terms", per backend, over the
//! index the `case_search` migration built: on PostgreSQL the GIN index on `search_vector`
//! (`to_tsvector('simple', search_terms)`, stored), on SQLite the FTS5 table `case_search`.

use liaison_domain::search::QueryTerm;
use sea_orm::sea_query::{Alias, Condition, Expr, JoinType, SimpleExpr};
use sea_orm::{QueryFilter, QueryTrait, Select};

use crate::db::Backend;
use crate::entities::cases;

/// The FTS5 table of the cases' search terms; its rowid is the case id.
const FTS: &str = "case_search";

/// Narrows a query of cases to those matching every term (`liaison_domain::search::
/// query_terms`). PostgreSQL: a condition on the stored tsvector, which the planner answers
/// from the GIN index or, for common words, checks while reading newest first. SQLite: a join
/// to the FTS5 table, so that FTS5 can hand over its matches in id order (see `searched_id`).
pub(super) fn search_cases(
    select: Select<cases::Entity>,
    backend: Backend,
    terms: &[QueryTerm],
) -> Select<cases::Entity> {
    match backend {
        Backend::Postgres => select.filter(Condition::all().add(Expr::cust_with_values(
            r#""cases"."search_vector" @@ to_tsquery('simple', $1)"#,
            [tsquery(terms)],
        ))),
        Backend::Sqlite => {
            let mut select = select.filter(Condition::all().add(Expr::cust_with_values(
                r#""case_search" MATCH ?"#,
                [fts5_query(terms)],
            )));
            QueryTrait::query(&mut select).join(
                JoinType::InnerJoin,
                Alias::new(FTS),
                Expr::col((Alias::new(FTS), Alias::new("rowid")))
                    .equals((cases::Entity, cases::Column::Id)),
            );
            select
        }
    }
}

/// The case id a search orders and pages by. On SQLite it is the FTS5 rowid (equal to the
/// case id): ordered by it, FTS5 streams matches newest first and the page stops after its
/// rows, where ordering by `cases.id` would sort every match, all of a common word's. Unless
/// the other conditions leave `few` cases (a resident's own): then the planner should start
/// from those and ask FTS5 about each, which ordering by `cases.id` lets it do.
pub(super) fn searched_id(backend: Backend, few: bool) -> SimpleExpr {
    match backend {
        Backend::Sqlite if !few => Expr::col((Alias::new(FTS), Alias::new("rowid"))).into(),
        _ => Expr::col((cases::Entity, cases::Column::Id)).into(),
    }
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
    use sea_orm::{DbBackend, EntityTrait, QueryOrder, QuerySelect};

    use super::*;

    /// The statement and its bound values.
    fn sql(backend: Backend, q: &str) -> (String, Vec<String>) {
        let terms = query_terms(q).unwrap();
        let select = search_cases(cases::Entity::find().select_only(), backend, &terms)
            .column(cases::Column::Id)
            .order_by_desc(searched_id(backend, false));
        let statement = select.build(match backend {
            Backend::Postgres => DbBackend::Postgres,
            Backend::Sqlite => DbBackend::Sqlite,
        });
        let values = statement
            .values
            .unwrap()
            .0
            .iter()
            .map(|v| match v {
                sea_orm::Value::String(Some(s)) => s.to_string(),
                other => panic!("unexpected value {other:?}"),
            })
            .collect();
        (statement.sql, values)
    }

    #[test]
    fn postgres_asks_the_gin_indexed_vector() {
        assert_eq!(
            sql(Backend::Postgres, "路灯 XP-2026"),
            (
                r#"SELECT "cases"."id" FROM "cases" WHERE "cases"."search_vector" @@ to_tsquery('simple', $1) ORDER BY "cases"."id" DESC"#.to_owned(),
                vec!["'路灯' & 'xp' & '2026':*".to_owned()]
            )
        );
    }

    #[test]
    fn sqlite_joins_the_fts5_table_and_orders_by_its_rowid() {
        assert_eq!(
            sql(Backend::Sqlite, "灯 0007"),
            (
                r#"SELECT "cases"."id" FROM "cases" INNER JOIN "case_search" ON "case_search"."rowid" = "cases"."id" WHERE "case_search" MATCH ? ORDER BY "case_search"."rowid" DESC"#.to_owned(),
                vec![r#""灯" "0007"*"#.to_owned()]
            )
        );
    }

    #[test]
    fn a_residents_search_on_sqlite_orders_by_the_case_id() {
        assert_eq!(
            searched_id(Backend::Sqlite, true),
            searched_id(Backend::Postgres, false)
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
