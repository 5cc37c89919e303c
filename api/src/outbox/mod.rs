//! The transactional outbox: messages for channels outside the database, written in the
//! transaction that changes a case and delivered at least once by the dispatcher.

/// The channels that go through the outbox. The inbox needs none: it is a row of its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// A WeChat subscribe message to the resident.
    Wechat,
    /// A signed POST to a county's webhook.
    Webhook,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wechat => "wechat",
            Self::Webhook => "webhook",
        }
    }
}

/// How an attempt that did not fail ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Delivered,
    /// Not sent and never will be, for a reason that is nobody's fault (the resident has no
    /// grant left, the webhook was switched off).
    Skipped(String),
}

/// How an attempt failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Worth trying again later (timeouts, 5xx, WeChat busy).
    Retry(String),
    /// Trying again cannot help until someone fixes something (a bad template id): straight to
    /// the dead letters, where an admin can retry it after the fix.
    Final(String),
}

pub type Attempt = Result<Outcome, Failure>;
