//! The one mapping of the domain's closed sets (statuses, roles, kinds, levels, ratings) to
//! their columns: stored as their glossary spelling, read back as the enum, and a word the
//! domain does not know (written by hand) is an error naming the column, the word and the row,
//! never a silent default.

use std::ops::Deref;

use liaison_domain::vocabulary::Vocabulary;
use sea_orm::sea_query::{
    ArrayType, ColumnType, Nullable, StringLen, Value, ValueType, ValueTypeErr,
};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable};

/// A column holding one word of the closed set `T`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Word<T>(pub T);

impl<T> Deref for Word<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: Vocabulary> std::fmt::Display for Word<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0.as_str())
    }
}

impl<T: Vocabulary> From<Word<T>> for Value {
    fn from(word: Word<T>) -> Self {
        Value::String(Some(Box::new(word.0.as_str().to_owned())))
    }
}

impl<T: Vocabulary> Nullable for Word<T> {
    fn null() -> Value {
        Value::String(None)
    }
}

impl<T: Vocabulary> ValueType for Word<T> {
    fn try_from(value: Value) -> Result<Self, ValueTypeErr> {
        match value {
            Value::String(Some(text)) => T::parse(&text).map(Word).map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        T::FIELD.to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::String
    }

    fn column_type() -> ColumnType {
        ColumnType::String(StringLen::None)
    }
}

/// Never a number: the bound sea-orm asks of a primary key's columns, so that a word can be one
/// of a composite key's (a rollup's channel).
impl<T: Vocabulary> sea_orm::TryFromU64 for Word<T> {
    fn try_from_u64(_: u64) -> Result<Self, DbErr> {
        Err(DbErr::ConvertFromU64("a word of a closed set"))
    }
}

impl<T: Vocabulary> TryGetable for Word<T> {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        T::parse(&text).map(Word).map_err(|_| {
            TryGetError::DbErr(DbErr::Type(format!(
                "{:?} holds {text:?}, which is no {} (row id {})",
                index,
                T::FIELD,
                row_id(res, index).map_or_else(|| "unknown".to_owned(), |id| id.to_string())
            )))
        })
    }
}

/// The id of the row being read, for the message: `id`, or `A_id` beside `A_status` when
/// sea-orm read two entities in one row.
fn row_id<I: ColIdx>(res: &QueryResult, index: I) -> Option<i64> {
    let column = index.as_str()?;
    let id = match column.split_once('_') {
        Some((prefix, _)) if matches!(prefix, "A" | "B") => format!("{prefix}_id"),
        _ => "id".to_owned(),
    };
    res.try_get::<i64>("", &id).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use liaison_domain::case::CaseStatus;

    #[test]
    fn words_are_stored_as_their_spelling_and_read_back() {
        let value: Value = Word(CaseStatus::Handled).into();
        assert_eq!(value, Value::String(Some(Box::new("handled".to_owned()))));
        assert_eq!(
            <Word<CaseStatus> as ValueType>::try_from(value).ok(),
            Some(Word(CaseStatus::Handled))
        );
        let unknown = Value::String(Some(Box::new("lost".to_owned())));
        assert!(<Word<CaseStatus> as ValueType>::try_from(unknown).is_err());
        assert_eq!(<Word<CaseStatus> as Nullable>::null(), Value::String(None));
    }

    #[tokio::test]
    async fn an_unknown_word_in_a_row_is_an_error_naming_the_row() {
        use crate::db::Db;
        use crate::entities::regions;
        use sea_orm::{ConnectionTrait, EntityTrait, Schema};

        let dir = tempfile::tempdir().unwrap();
        let db = Db::connect(&format!("sqlite://{}/w.db", dir.path().display()), 1)
            .await
            .unwrap();
        let backend = db.get_database_backend();
        let table = Schema::new(backend).create_table_from_entity(regions::Entity);
        db.execute(backend.build(&table)).await.unwrap();
        db.execute_unprepared(
            "INSERT INTO regions (id, name, level, county_id, reassign_by, created_at, updated_at) \
             VALUES (7, '西平县', 'planet', 7, 'county', '2026-12-01 08:00:00', '2026-12-01 08:00:00')",
        )
        .await
        .unwrap();
        let error = regions::Entity::find_by_id(7).one(&db).await.unwrap_err();
        let text = error.to_string();
        assert!(text.contains("\"planet\""), "{text}");
        assert!(text.contains("no level"), "{text}");
        assert!(text.contains("row id 7"), "{text}");
    }
}
