//! Fixed-window rate limits shared across nodes through `SharedState`.
//!
//! When Redis fails the limiter counts in this process instead: limits stay roughly right on
//! each node and logins keep working, which matters more than exact counts during an outage.

use std::time::Duration;

use crate::shared::SharedState;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Allowed,
    Limited { retry_after: Duration },
}

#[derive(Clone)]
pub struct RateLimiter {
    shared: SharedState,
    local: SharedState,
}

impl RateLimiter {
    pub fn new(shared: SharedState) -> Self {
        Self {
            shared,
            local: SharedState::memory(),
        }
    }

    /// Counts a hit on `key` and answers whether it stays within `limit` per `window`.
    pub async fn check(&self, key: &str, limit: u64, window: Duration) -> Decision {
        let key = format!("rate:{key}");
        let counted = match self.shared.hit(&key, window).await {
            Ok(counted) => Ok(counted),
            Err(error) => {
                tracing::warn!(%error, "rate limiter falls back to process memory");
                self.local.hit(&key, window).await
            }
        };
        match counted {
            Ok((count, _)) if count <= limit => Decision::Allowed,
            Ok((_, left)) => Decision::Limited {
                retry_after: left.max(Duration::from_secs(1)),
            },
            // Memory cannot fail; were it to, letting the request through beats locking users out.
            Err(_) => Decision::Allowed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn allows_up_to_the_limit_then_says_when_to_retry() {
        let limiter = RateLimiter::new(SharedState::memory());
        let window = Duration::from_secs(60);
        for _ in 0..3 {
            assert_eq!(limiter.check("ip:1", 3, window).await, Decision::Allowed);
        }
        match limiter.check("ip:1", 3, window).await {
            Decision::Limited { retry_after } => {
                assert!(retry_after <= window && retry_after >= Duration::from_secs(1));
            }
            Decision::Allowed => panic!("the fourth hit must be limited"),
        }
        assert_eq!(limiter.check("ip:2", 3, window).await, Decision::Allowed);
    }
}
