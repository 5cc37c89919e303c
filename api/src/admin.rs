//! Bootstrapping a county: its first county admin, created from the command line because no
//! account exists yet that could create one through the API.

use anyhow::{anyhow, bail};
use chrono::{DateTime, Utc};
use liaison_domain::actor::Role;
use liaison_domain::phone::Phone;
use liaison_domain::region::RegionCode;
use liaison_domain::text::Name;
use liaison_domain::Invalid;
use liaison_infra::entities::regions;
use liaison_infra::password;
use liaison_infra::store::accounts::{self, NewStaff};
use liaison_infra::store::organisation::counties;
use sea_orm::TransactionTrait;

/// What the account stands for rather than who holds it: the holder may change.
const ADMIN_NAME: &str = "县人大常委会管理员";
const MIN_PASSWORD_CHARS: usize = 8;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedAdmin {
    pub user_id: i64,
    pub county_id: i64,
    /// Whether the county region was new.
    pub county_created: bool,
}

/// Creates a county admin for the county named `county`, creating that county (with `code`)
/// when none has the name. All or nothing: on any error nothing is written.
pub async fn create_county_admin(
    db: &liaison_infra::db::Db,
    phone: &str,
    password: &str,
    county: &str,
    code: Option<&str>,
    now: DateTime<Utc>,
) -> anyhow::Result<CreatedAdmin> {
    let phone = Phone::parse(phone).map_err(|e| refused("phone", e))?;
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    let county = Name::parse(county).map_err(|e| refused("county name", e))?;
    let code = code
        .map(RegionCode::parse)
        .transpose()
        .map_err(|e| refused("county code", e))?;
    // Hashing is slow on purpose; doing it first keeps the transaction short.
    let password_hash = password::hash(password)?;

    let txn = db.begin().await?;
    if accounts::find_by_phone(&txn, phone.as_str())
        .await?
        .is_some()
    {
        bail!("an account with phone {} already exists", phone.masked());
    }

    let namesakes = counties::named(&txn, county.as_str()).await?;
    let (county_id, county_created) = match (namesakes.as_slice(), &code) {
        ([], None) => bail!(
            "there is no county {}: give --code for a new county",
            county.as_str()
        ),
        ([], Some(code)) => {
            if let Some(holder) = counties::holder_of_code(&txn, code.as_str()).await? {
                bail!("code {} is already used by {}", code.as_str(), holder.name);
            }
            let created = counties::insert(&txn, county.as_str(), code.as_str(), now).await?;
            (created.id, true)
        }
        ([only], None) => (only.id, false),
        (_, None) => bail!(
            "more than one county is named {}: give --code to choose one",
            county.as_str()
        ),
        (_, Some(code)) => {
            let chosen = namesakes
                .iter()
                .find(|r| r.code.as_deref() == Some(code.as_str()))
                .ok_or_else(|| {
                    anyhow!(
                        "county {} exists with code {}, not {}",
                        county.as_str(),
                        codes(&namesakes),
                        code.as_str()
                    )
                })?;
            (chosen.id, false)
        }
    };

    let user_id = accounts::insert_staff(
        &txn,
        NewStaff {
            role: Role::CountyAdmin,
            name: ADMIN_NAME,
            phone: phone.as_str(),
            password_hash,
            county_id,
            department_id: None,
            deputy_id: None,
            township_id: None,
            station_ids: &[],
        },
        now,
    )
    .await?;
    txn.commit().await?;
    Ok(CreatedAdmin {
        user_id,
        county_id,
        county_created,
    })
}

/// One line naming what was refused and why, for the command line.
fn refused(what: &str, invalid: Invalid) -> anyhow::Error {
    let reasons: Vec<String> = invalid.0.into_iter().map(|e| e.message).collect();
    anyhow!("invalid {what}: {}", reasons.join("; "))
}

/// The codes of same-named counties, as a list for a message.
fn codes(namesakes: &[regions::Model]) -> String {
    let codes: Vec<&str> = namesakes
        .iter()
        .map(|r| r.code.as_deref().unwrap_or("(none)"))
        .collect();
    codes.join(" or ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use liaison_migrations::MigratorTrait;
    use std::path::PathBuf;

    async fn fresh_db(name: &str) -> (liaison_infra::db::Db, PathBuf) {
        let dir = std::env::temp_dir().join(format!(
            "liaison-admin-{name}-{}-{}",
            std::process::id(),
            Utc::now().timestamp_nanos_opt().unwrap_or_default()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let db = liaison_infra::db::Db::connect(&format!("sqlite://{}/t.db", dir.display()), 1)
            .await
            .unwrap();
        liaison_migrations::Migrator::up(db.writer(), None)
            .await
            .unwrap();
        (db, dir)
    }

    /// How many counties have each name, and which of the phones have an account.
    async fn written(
        db: &liaison_infra::db::Db,
        names: &[&str],
        phones: &[&str],
    ) -> (Vec<usize>, Vec<bool>) {
        let mut counties_named = Vec::new();
        for name in names {
            counties_named.push(counties::named(db, name).await.unwrap().len());
        }
        let mut accounts_of = Vec::new();
        for phone in phones {
            accounts_of.push(accounts::find_by_phone(db, phone).await.unwrap().is_some());
        }
        (counties_named, accounts_of)
    }

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, 8, 0, 0).unwrap()
    }

    #[tokio::test]
    async fn creates_the_county_and_its_admin() {
        let (db, dir) = fresh_db("creates").await;
        let created = create_county_admin(
            &db,
            "138 1234 5678",
            "s3cret-pass",
            "西平县",
            Some("xp"),
            now(),
        )
        .await
        .unwrap();
        assert!(created.county_created);

        let county = counties::named(&db, "西平县").await.unwrap().remove(0);
        assert_eq!(county.id, created.county_id);
        assert_eq!(county.name, "西平县");
        assert_eq!(county.level.as_str(), "county");
        assert_eq!(county.code.as_deref(), Some("XP"));
        assert_eq!((county.parent_id, county.county_id), (None, None));

        let user = accounts::find_by_phone(&db, "13812345678")
            .await
            .unwrap()
            .unwrap();
        assert_eq!(user.id, created.user_id);
        assert_eq!(user.role.as_str(), "county_admin");
        assert_eq!(user.county_id, Some(county.id));
        assert!(password::verify(
            "s3cret-pass",
            user.password_hash.as_deref()
        ));

        let second = create_county_admin(&db, "13912345678", "s3cret-pass", "西平县", None, now())
            .await
            .unwrap();
        assert!(!second.county_created);
        assert_eq!(second.county_id, county.id);

        drop(db);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn a_taken_phone_fails_and_creates_nothing() {
        let (db, dir) = fresh_db("taken").await;
        create_county_admin(
            &db,
            "13812345678",
            "s3cret-pass",
            "西平县",
            Some("XP"),
            now(),
        )
        .await
        .unwrap();
        let before = written(&db, &["西平县", "上蔡县"], &["13812345678"]).await;

        for (county, code) in [("西平县", None), ("上蔡县", Some("SC"))] {
            let error = create_county_admin(&db, "13812345678", "other-pass", county, code, now())
                .await
                .unwrap_err()
                .to_string();
            assert_eq!(error, "an account with phone 138****5678 already exists");
        }
        assert_eq!(
            written(&db, &["西平县", "上蔡县"], &["13812345678"]).await,
            before
        );
        assert_eq!(before, (vec![1, 0], vec![true]));

        drop(db);
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn bad_input_fails_with_a_clear_message_and_creates_nothing() {
        let (db, dir) = fresh_db("bad").await;
        let cases = [
            (
                "13812345678",
                "s3cret-pass",
                "遂平县",
                None,
                "give --code for a new county",
            ),
            (
                "1381234567",
                "s3cret-pass",
                "西平县",
                Some("XP"),
                "invalid phone",
            ),
            (
                "13812345678",
                "short",
                "西平县",
                Some("XP"),
                "at least 8 characters",
            ),
            (
                "13812345678",
                "s3cret-pass",
                "西平县",
                Some("X-P"),
                "invalid county code",
            ),
            (
                "13812345678",
                "s3cret-pass",
                " ",
                Some("XP"),
                "invalid county name",
            ),
        ];
        for (phone, password, county, code, expected) in cases {
            let error = create_county_admin(&db, phone, password, county, code, now())
                .await
                .unwrap_err()
                .to_string();
            assert!(error.contains(expected), "{error}");
            assert!(!error.contains('\n'), "{error}");
        }
        let nothing = (vec![0, 0], vec![false]);
        assert_eq!(
            written(&db, &["西平县", "遂平县"], &["13812345678"]).await,
            nothing
        );

        create_county_admin(
            &db,
            "13812345678",
            "s3cret-pass",
            "西平县",
            Some("XP"),
            now(),
        )
        .await
        .unwrap();
        let error = create_county_admin(
            &db,
            "13912345678",
            "s3cret-pass",
            "遂平县",
            Some("xp"),
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert_eq!(error, "code XP is already used by 西平县");
        let error = create_county_admin(
            &db,
            "13912345678",
            "s3cret-pass",
            "西平县",
            Some("SP"),
            now(),
        )
        .await
        .unwrap_err()
        .to_string();
        assert_eq!(error, "county 西平县 exists with code XP, not SP");
        assert_eq!(
            written(&db, &["西平县", "遂平县"], &["13812345678", "13912345678"]).await,
            (vec![1, 0], vec![true, false])
        );

        drop(db);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
