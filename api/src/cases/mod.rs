//! Cases (码上说事): raising them, the queue, every step of their life, the timeline.

pub mod access;
pub mod actions;
pub mod appraisal;
pub mod claim;
pub mod dto;
pub mod moderation;
pub mod queue;
pub mod release;
pub mod routes;
pub mod submit;
pub mod view;

use liaison_domain::case::light::YellowAt;
use std::time::Duration;

use liaison_domain::case::Rules;
use liaison_infra::crypto::Sealer;
use liaison_infra::db::Db;
use liaison_infra::rate_limit::RateLimiter;
use liaison_infra::store::reference::Reference;
use secrecy::SecretString;

use self::moderation::Screening;
use crate::notifications::Notifier;
use crate::state::AppState;

/// What the case use-cases need of this node, borrowed from its state.
#[derive(Clone, Copy)]
pub struct Cases<'a> {
    pub db: &'a Db,
    /// Stations, categories, who sits and who is on duty where.
    pub reference: &'a Reference,
    pub rules: &'a Rules,
    /// Seals residents' contact phones, and opens them for those who may read them.
    pub sealer: &'a Sealer,
    pub notifier: Notifier<'a>,
    pub screening: Screening<'a>,
    /// The key the stations' scanned codes are signed with.
    pub scene_secret: &'a SecretString,
    /// The server's public base URL, on which attachments' URLs are built.
    pub base_url: &'a str,
    /// Counts the cases each resident raises, against `raising`.
    pub limiter: &'a RateLimiter,
    pub raising: Raising,
    /// When an open case's traffic light turns yellow.
    pub yellow_at: YellowAt,
}

/// How many cases one resident may raise: enough for anyone with things to say, too few for
/// one phone to flood a station's queue.
#[derive(Debug, Clone, Copy)]
pub struct Raising {
    pub per_hour: u64,
    pub per_day: u64,
}

impl AppState {
    pub fn cases(&self) -> Cases<'_> {
        Cases {
            db: &self.db,
            reference: &self.reference,
            rules: &self.case_rules,
            sealer: &self.sealer,
            notifier: self.notifier(),
            screening: Screening {
                words: &self.settings.moderation,
                wechat: self.wechat.as_ref(),
                wechat_timeout: Duration::from_millis(self.settings.wechat.timeout_ms),
            },
            scene_secret: &self.settings.stations.scene_secret,
            base_url: &self.settings.public_base_url,
            limiter: &self.limiter,
            raising: Raising {
                per_hour: self.settings.cases.per_resident_per_hour,
                per_day: self.settings.cases.per_resident_per_day,
            },
            yellow_at: self.yellow_at,
        }
    }
}
