//! Shared, disposable state: Redis when configured, process memory otherwise.
//!
//! Holds what several nodes must agree on but can lose without losing data: rate-limit
//! counters, the WeChat access token and its refresh lock. Every Redis call is bounded by a
//! timeout so that an outage answers an error at once instead of hanging a request.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::AsyncCommands;
use tokio::sync::Mutex;

/// How long one Redis round trip may take before it counts as an outage.
const REDIS_TIMEOUT: Duration = Duration::from_millis(500);

#[derive(Debug, thiserror::Error)]
pub enum SharedStateError {
    #[error("redis is unreachable or failed: {0}")]
    Redis(#[from] redis::RedisError),
    #[error("redis did not answer within {0:?}")]
    Timeout(Duration),
}

#[derive(Clone)]
pub enum SharedState {
    Memory(Arc<Mutex<MemoryState>>),
    Redis {
        connection: ConnectionManager,
        /// Prepended to every key, so tests and deployments can share one Redis.
        prefix: String,
    },
}

#[derive(Default)]
pub struct MemoryState {
    entries: HashMap<String, (String, Option<Instant>)>,
}

impl MemoryState {
    fn live(&mut self, key: &str) -> Option<&mut (String, Option<Instant>)> {
        let now = Instant::now();
        if self
            .entries
            .get(key)
            .is_some_and(|(_, expires)| expires.is_some_and(|at| at <= now))
        {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }
}

impl SharedState {
    pub fn memory() -> Self {
        Self::Memory(Arc::default())
    }

    /// Connects to Redis at `url`; fails when Redis cannot be reached at start.
    pub async fn redis(url: &str, prefix: impl Into<String>) -> Result<Self, SharedStateError> {
        let client = redis::Client::open(url)?;
        // redis' default backs off by a factor of 100 between attempts (1 s, then its
        // 60 s cap): a Redis back after a few seconds went unused for up to a minute, and
        // every command of that minute timed out (seen in the outage proof under load). Try
        // every one to two seconds instead; when a round of attempts fails, the next command
        // starts another.
        let config = ConnectionManagerConfig::new()
            .set_factor(2)
            .set_max_delay(2_000)
            .set_connection_timeout(REDIS_TIMEOUT);
        let connection = bounded(ConnectionManager::new_with_config(client, config)).await?;
        Ok(Self::Redis {
            connection,
            prefix: prefix.into(),
        })
    }

    pub fn is_redis(&self) -> bool {
        matches!(self, Self::Redis { .. })
    }

    /// Checks that the backing store answers (always true in memory).
    pub async fn ping(&self) -> Result<(), SharedStateError> {
        match self {
            Self::Memory(_) => Ok(()),
            Self::Redis { connection, .. } => {
                let mut connection = connection.clone();
                bounded(redis::cmd("PING").query_async::<String>(&mut connection)).await?;
                Ok(())
            }
        }
    }

    pub async fn get(&self, key: &str) -> Result<Option<String>, SharedStateError> {
        match self {
            Self::Memory(state) => Ok(state.lock().await.live(key).map(|(v, _)| v.clone())),
            Self::Redis { connection, prefix } => {
                let mut connection = connection.clone();
                bounded(connection.get(format!("{prefix}{key}"))).await
            }
        }
    }

    pub async fn set_with_ttl(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<(), SharedStateError> {
        match self {
            Self::Memory(state) => {
                let expires = Instant::now() + ttl;
                state
                    .lock()
                    .await
                    .entries
                    .insert(key.to_owned(), (value.to_owned(), Some(expires)));
                Ok(())
            }
            Self::Redis { connection, prefix } => {
                let mut connection = connection.clone();
                let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
                bounded(connection.pset_ex::<_, _, ()>(format!("{prefix}{key}"), value, ttl_ms))
                    .await
            }
        }
    }

    /// Sets `key` only when absent: a lock that expires by itself. Answers whether it was set.
    pub async fn set_if_absent(
        &self,
        key: &str,
        value: &str,
        ttl: Duration,
    ) -> Result<bool, SharedStateError> {
        match self {
            Self::Memory(state) => {
                let mut state = state.lock().await;
                if state.live(key).is_some() {
                    return Ok(false);
                }
                let expires = Instant::now() + ttl;
                state
                    .entries
                    .insert(key.to_owned(), (value.to_owned(), Some(expires)));
                Ok(true)
            }
            Self::Redis { connection, prefix } => {
                let mut connection = connection.clone();
                let ttl_ms = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
                let set: Option<String> = bounded(
                    redis::cmd("SET")
                        .arg(format!("{prefix}{key}"))
                        .arg(value)
                        .arg("NX")
                        .arg("PX")
                        .arg(ttl_ms)
                        .query_async(&mut connection),
                )
                .await?;
                Ok(set.is_some())
            }
        }
    }

    /// Deletes `key` only while it still holds `value`, so a node never removes what another
    /// node wrote after it (a lock it no longer owns, a token another node already replaced).
    pub async fn delete_if_equals(&self, key: &str, value: &str) -> Result<bool, SharedStateError> {
        match self {
            Self::Memory(state) => {
                let mut state = state.lock().await;
                if state.live(key).is_some_and(|(v, _)| v == value) {
                    state.entries.remove(key);
                    return Ok(true);
                }
                Ok(false)
            }
            Self::Redis { connection, prefix } => {
                let mut connection = connection.clone();
                let script = redis::Script::new(
                    "if redis.call('GET', KEYS[1]) == ARGV[1] then \
                       return redis.call('DEL', KEYS[1]) \
                     else return 0 end",
                );
                let deleted: i64 = bounded(
                    script
                        .key(format!("{prefix}{key}"))
                        .arg(value)
                        .invoke_async(&mut connection),
                )
                .await?;
                Ok(deleted == 1)
            }
        }
    }

    /// Counts one more hit in the fixed window that `key` names, starting the window on the
    /// first hit. Answers the count so far and how long until the window closes.
    pub async fn hit(
        &self,
        key: &str,
        window: Duration,
    ) -> Result<(u64, Duration), SharedStateError> {
        match self {
            Self::Memory(state) => {
                let mut state = state.lock().await;
                let now = Instant::now();
                if state.live(key).is_none() {
                    state
                        .entries
                        .insert(key.to_owned(), ("0".to_owned(), Some(now + window)));
                }
                let (count, expires) = state
                    .entries
                    .get_mut(key)
                    .map(|entry| {
                        let count = entry.0.parse::<u64>().unwrap_or(0) + 1;
                        entry.0 = count.to_string();
                        (count, entry.1)
                    })
                    .unwrap_or((1, None));
                let left = expires.map_or(window, |at| at.saturating_duration_since(now));
                Ok((count, left))
            }
            Self::Redis { connection, prefix } => {
                let mut connection = connection.clone();
                let window_ms = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
                let script = redis::Script::new(
                    "local n = redis.call('INCR', KEYS[1]) \
                     if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end \
                     return {n, redis.call('PTTL', KEYS[1])}",
                );
                let (count, ttl_ms): (u64, i64) = bounded(
                    script
                        .key(format!("{prefix}{key}"))
                        .arg(window_ms)
                        .invoke_async(&mut connection),
                )
                .await?;
                let left = u64::try_from(ttl_ms).map_or(window, Duration::from_millis);
                Ok((count, left))
            }
        }
    }
}

/// Runs one Redis call, answering a timeout error when Redis takes longer than a request
/// should wait.
pub(crate) async fn bounded<T>(
    call: impl std::future::Future<Output = Result<T, redis::RedisError>>,
) -> Result<T, SharedStateError> {
    match tokio::time::timeout(REDIS_TIMEOUT, call).await {
        Ok(result) => Ok(result?),
        Err(_) => Err(SharedStateError::Timeout(REDIS_TIMEOUT)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn values_expire() {
        let state = SharedState::memory();
        state
            .set_with_ttl("k", "v", Duration::from_millis(30))
            .await
            .unwrap();
        assert_eq!(state.get("k").await.unwrap().as_deref(), Some("v"));
        tokio::time::sleep(Duration::from_millis(40)).await;
        assert_eq!(state.get("k").await.unwrap(), None);
    }

    #[tokio::test]
    async fn set_if_absent_is_a_lock() {
        let state = SharedState::memory();
        assert!(state
            .set_if_absent("lock", "a", Duration::from_secs(5))
            .await
            .unwrap());
        assert!(!state
            .set_if_absent("lock", "b", Duration::from_secs(5))
            .await
            .unwrap());
        assert!(!state.delete_if_equals("lock", "b").await.unwrap());
        assert!(state.delete_if_equals("lock", "a").await.unwrap());
        assert!(state
            .set_if_absent("lock", "b", Duration::from_secs(5))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn hits_count_within_a_window_and_restart_after_it() {
        let state = SharedState::memory();
        let window = Duration::from_millis(50);
        assert_eq!(state.hit("ip", window).await.unwrap().0, 1);
        assert_eq!(state.hit("ip", window).await.unwrap().0, 2);
        tokio::time::sleep(Duration::from_millis(60)).await;
        assert_eq!(state.hit("ip", window).await.unwrap().0, 1);
    }
}
