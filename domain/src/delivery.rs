//! Delivering messages through channels outside the database: when to try again and when to
//! give up.

use std::time::Duration;

use crate::vocabulary::vocabulary;

vocabulary!(
    /// The channels that go through the outbox: a WeChat subscribe message to the resident, a
    /// signed POST to a county's webhook. The inbox needs none: it is a row of its own.
    Channel, "channel" {
        Wechat => "wechat",
        Webhook => "webhook",
    }
);

vocabulary!(
    /// Where a message through the outbox stands: `skipped` is not sent and never will be, by
    /// nobody's fault (no grant left, webhook switched off); `dead` is given up on, and an admin
    /// may retry it.
    DeliveryStatus, "status" {
        Pending => "pending",
        Delivered => "delivered",
        Skipped => "skipped",
        Dead => "dead",
    }
);

/// How retries space out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failed attempt.
    pub base: Duration,
    /// No wait grows longer than this.
    pub cap: Duration,
    /// Attempts in all before a message is dead.
    pub max_attempts: u32,
}

/// What follows a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextStep {
    RetryAfter(Duration),
    Dead,
}

impl Backoff {
    /// After `attempts` attempts (the failed one included), of which the last failed: wait
    /// `base · 2^(attempts-1)` up to `cap`, of which `jitter` (in `[0, 1)`) keeps a random
    /// share in the upper half, so that messages failing together do not come back together;
    /// or give up once `max_attempts` have been made. `final_failure` gives up at once.
    pub fn after_failure(&self, attempts: u32, final_failure: bool, jitter: f64) -> NextStep {
        if final_failure || attempts >= self.max_attempts {
            return NextStep::Dead;
        }
        let doublings = attempts.saturating_sub(1).min(32);
        let full = self
            .base
            .saturating_mul(1u32 << doublings.min(31))
            .min(self.cap);
        let jitter = jitter.clamp(0.0, 1.0);
        NextStep::RetryAfter(full.mul_f64(0.5 + jitter / 2.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BACKOFF: Backoff = Backoff {
        base: Duration::from_secs(2),
        cap: Duration::from_secs(600),
        max_attempts: 8,
    };

    fn wait(attempts: u32, jitter: f64) -> Duration {
        match BACKOFF.after_failure(attempts, false, jitter) {
            NextStep::RetryAfter(wait) => wait,
            NextStep::Dead => panic!("attempt {attempts} should be retried"),
        }
    }

    #[test]
    fn waits_double_and_jitter_keeps_them_in_the_upper_half() {
        assert_eq!(wait(1, 1.0), Duration::from_secs(2));
        assert_eq!(wait(1, 0.0), Duration::from_secs(1));
        assert_eq!(wait(2, 1.0), Duration::from_secs(4));
        assert_eq!(wait(3, 1.0), Duration::from_secs(8));
        assert_eq!(wait(3, 0.5), Duration::from_secs(6));
    }

    #[test]
    fn waits_stop_growing_at_the_cap() {
        assert_eq!(wait(7, 1.0), Duration::from_secs(128));
        let long = Backoff {
            max_attempts: u32::MAX,
            ..BACKOFF
        };
        assert_eq!(
            long.after_failure(40, false, 1.0),
            NextStep::RetryAfter(Duration::from_secs(600))
        );
        assert_eq!(
            long.after_failure(u32::MAX - 1, false, 0.0),
            NextStep::RetryAfter(Duration::from_secs(300))
        );
    }

    #[test]
    fn out_of_range_jitter_is_clamped() {
        assert_eq!(wait(1, 7.0), Duration::from_secs(2));
        assert_eq!(wait(1, -3.0), Duration::from_secs(1));
    }

    #[test]
    fn the_last_attempt_and_final_failures_are_dead() {
        assert_eq!(BACKOFF.after_failure(8, false, 0.5), NextStep::Dead);
        assert_eq!(BACKOFF.after_failure(9, false, 0.5), NextStep::Dead);
        assert_eq!(BACKOFF.after_failure(1, true, 0.5), NextStep::Dead);
        assert!(matches!(
            BACKOFF.after_failure(7, false, 0.5),
            NextStep::RetryAfter(_)
        ));
    }

    #[test]
    fn statuses_read_back() {
        for status in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(status.as_str()), Ok(*status));
        }
    }
}
