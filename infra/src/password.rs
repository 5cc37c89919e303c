//! Staff passwords: argon2id hashes in PHC format, never the password itself.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use std::sync::LazyLock;
use tokio::sync::Semaphore;

/// A hash of a password nobody has: verifying against it costs the same as against a real one,
/// so a login for an unknown phone takes as long as one with a wrong password.
const DECOY_HASH: &str =
    "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$hFkSeKxNAJiPqUNIiD3qqu4QnO4EYa3KUv3KwNx+bY4";

#[derive(Debug, thiserror::Error)]
#[error("could not hash the password: {0}")]
pub struct HashError(String);

/// Hashes at once: one per core, as hashing only ever waits for the processor. A burst of
/// logins queues here instead of holding 19 MiB of argon2 memory each.
static HASHING: LazyLock<Semaphore> = LazyLock::new(|| {
    Semaphore::new(std::thread::available_parallelism().map_or(2, std::num::NonZero::get))
});

/// Runs `work`, a hash or a check (tens of milliseconds and 19 MiB each), on the blocking
/// pool, off the async workers, and no more of them at once than there are cores.
pub async fn off_workers<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, HashError> {
    let _turn = HASHING
        .acquire()
        .await
        .map_err(|_| HashError("hashing has stopped".to_owned()))?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| HashError(format!("the hashing task failed: {e}")))
}

/// Letters and digits nobody misreads (no 0/O, 1/l/I), for passwords read off a screen.
const ONE_TIME_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ";
const ONE_TIME_LENGTH: usize = 12;

/// A password an admin hands on, to be replaced at the first login: 12 characters from 55,
/// about 69 bits, from the operating system's generator.
pub fn one_time() -> String {
    use rand::Rng;
    let mut rng = rand::rngs::OsRng;
    (0..ONE_TIME_LENGTH)
        .map(|_| char::from(ONE_TIME_ALPHABET[rng.gen_range(0..ONE_TIME_ALPHABET.len())]))
        .collect()
}

/// Hashes `password` off the async workers (see `off_workers`).
pub async fn hash_off_workers(password: String) -> Result<String, HashError> {
    off_workers(move || hash(&password)).await?
}

pub fn hash(password: &str) -> Result<String, HashError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| HashError(e.to_string()))
}

/// Whether `password` matches `stored`; `None` (no such account) still spends the same work.
pub fn verify(password: &str, stored: Option<&str>) -> bool {
    let matches = |phc: &str| {
        PasswordHash::new(phc)
            .map(|parsed| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &parsed)
                    .is_ok()
            })
            .unwrap_or(false)
    };
    match stored {
        Some(phc) => matches(phc),
        None => {
            matches(DECOY_HASH);
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_time_passwords_are_long_unambiguous_and_differ() {
        let (a, b) = (one_time(), one_time());
        assert_eq!(a.chars().count(), ONE_TIME_LENGTH);
        assert!(a.bytes().all(|c| ONE_TIME_ALPHABET.contains(&c)));
        assert_ne!(a, b);
    }

    #[test]
    fn a_hash_verifies_its_password_only() {
        let stored = hash("correct horse").unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(!stored.contains("correct horse"));
        assert!(verify("correct horse", Some(&stored)));
        assert!(!verify("wrong horse", Some(&stored)));
    }

    #[test]
    fn unknown_accounts_and_broken_hashes_never_verify() {
        assert!(!verify("anything", None));
        assert!(!verify("anything", Some("not a hash")));
    }

    #[tokio::test]
    async fn off_workers_answers_what_the_work_returns() {
        let stored = off_workers(|| hash("correct horse"))
            .await
            .unwrap()
            .unwrap();
        let given = stored.clone();
        assert!(off_workers(move || verify("correct horse", Some(&given)))
            .await
            .unwrap());
    }

    #[test]
    fn the_decoy_is_a_well_formed_hash() {
        assert!(PasswordHash::new(DECOY_HASH).is_ok());
    }
}
