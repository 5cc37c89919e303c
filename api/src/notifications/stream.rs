//! Live case changes for staff consoles, as server-sent events (`GET /stream`, and any other
//! edge that streams them).
//!
//! Every node hears every change (see `liaison_infra::live`) and filters it for each listener
//! with the rule that decides who sees a case. A listener that cannot keep up is told so and
//! dropped, so a node holds at most `live.buffer` changes whatever its listeners do.

use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::Stream;
use liaison_domain::actor::Actor;
use liaison_domain::case::access::can_see;
use liaison_domain::policy;
use liaison_infra::live::{LiveBus, Message};
use serde::Serialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Instant, Interval};
use tokio_util::sync::CancellationToken;

use super::news::Change;
use crate::app_error::{AppError, AppResult};
use crate::state::AppState;

const HEARTBEAT: &str = ": heartbeat\n\n";

/// What following live changes needs: the bus they arrive on, how often a quiet stream beats,
/// how long one lives, and the shutdown that ends every stream.
pub struct Following<'a> {
    pub live: &'a LiveBus,
    pub heartbeat: Duration,
    /// An access token's lifetime, so that reconnecting checks the session and scope again.
    pub lifetime: Duration,
    pub shutdown: &'a CancellationToken,
}

impl AppState {
    pub fn following(&self) -> Following<'_> {
        Following {
            live: &self.live,
            // A zero interval panics; one second is the shortest heartbeat that makes sense.
            heartbeat: Duration::from_secs(self.settings.live.heartbeat_seconds.max(1)),
            lifetime: self
                .tokens
                .access_ttl()
                .to_std()
                .unwrap_or(Duration::from_secs(60)),
            shutdown: &self.shutdown,
        }
    }
}

/// The server-sent-event frames of the changes `actor` may see, from now until the stream
/// ends: `event: case` for each change, a comment line as heartbeat, `event: lagged` before it
/// drops a listener that fell behind. Only staff follow live.
pub fn follow(following: &Following<'_>, actor: &Actor) -> AppResult<impl Stream<Item = String>> {
    if !policy::may_follow_live(actor) {
        return Err(AppError::Forbidden("live updates are for staff"));
    }
    let listener = Listener::new(
        actor.clone(),
        following.live.subscribe(),
        following.heartbeat,
        following.lifetime,
        following.shutdown.clone(),
    );
    Ok(listener.into_stream())
}

/// What a console receives of a change: never its scope, which names the resident.
#[derive(Serialize)]
struct CaseChange<'a> {
    case_id: i64,
    number: &'a str,
    status: &'a str,
    events: &'a [String],
    at: DateTime<Utc>,
}

impl<'a> From<&'a Change> for CaseChange<'a> {
    fn from(change: &'a Change) -> Self {
        Self {
            case_id: change.case_id,
            number: &change.number,
            status: &change.status,
            events: &change.events,
            at: change.at,
        }
    }
}

/// One open stream: whose it is, what it hears, and when it ends.
struct Listener {
    actor: Actor,
    news: broadcast::Receiver<Message>,
    heartbeats: Interval,
    shutdown: CancellationToken,
    ends_at: Instant,
    /// Set once the last frame (`lagged`) has gone out.
    finished: bool,
}

impl Listener {
    fn new(
        actor: Actor,
        news: broadcast::Receiver<Message>,
        heartbeat: Duration,
        lifetime: Duration,
        shutdown: CancellationToken,
    ) -> Self {
        let now = Instant::now();
        Self {
            actor,
            news,
            heartbeats: tokio::time::interval_at(now + heartbeat, heartbeat),
            shutdown,
            ends_at: now + lifetime,
            finished: false,
        }
    }

    fn into_stream(self) -> impl Stream<Item = String> {
        futures_util::stream::unfold(self, |mut listener| async move {
            let frame = listener.next_frame().await?;
            Some((frame, listener))
        })
    }

    /// The next frame to send, or `None` when the stream ends.
    async fn next_frame(&mut self) -> Option<String> {
        if self.finished {
            return None;
        }
        loop {
            // Ending comes first. A due heartbeat goes before news, so that a flood of news
            // this listener may not see cannot starve it; heartbeats are too rare to delay news.
            tokio::select! {
                biased;
                () = self.shutdown.cancelled() => return None,
                () = tokio::time::sleep_until(self.ends_at) => return None,
                _ = self.heartbeats.tick() => return Some(HEARTBEAT.to_owned()),
                news = self.news.recv() => match news {
                    Ok(message) => {
                        if let Some(frame) = self.case_frame(&message) {
                            return Some(frame);
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        tracing::info!(user_id = self.actor.user_id, missed, "dropped a live listener that fell behind");
                        self.finished = true;
                        return Some(format!(
                            "event: lagged\ndata: {{\"missed\":{missed}}}\n\n"
                        ));
                    }
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    }

    /// The `case` event for a change this listener may see, or `None`.
    fn case_frame(&self, message: &str) -> Option<String> {
        let change: Change = match serde_json::from_str(message) {
            Ok(change) => change,
            Err(error) => {
                tracing::warn!(%error, "skipped live news that is not a case change");
                return None;
            }
        };
        if !can_see(&self.actor, &change.scope) {
            return None;
        }
        // JSON escapes line breaks inside strings, so the data is always one line.
        match serde_json::to_string(&CaseChange::from(&change)) {
            Ok(data) => Some(format!("event: case\ndata: {data}\n\n")),
            Err(error) => {
                tracing::warn!(%error, case_id = change.case_id, "could not encode a live change");
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use liaison_domain::actor::Role;
    use liaison_domain::case::access::Scope;
    use liaison_infra::live::LiveBus;

    use super::*;

    const LONG: Duration = Duration::from_secs(3600);

    fn deputy_at(station_id: i64) -> Actor {
        Actor {
            user_id: 7,
            role: Role::Deputy,
            county_id: Some(1),
            station_ids: vec![station_id],
            township_id: None,
            department_id: None,
            deputy_id: Some(3),
        }
    }

    fn change(case_id: i64, station_id: i64) -> String {
        let change = Change {
            case_id,
            number: format!("XP-20260101-{case_id:04}"),
            status: "accepted".to_owned(),
            events: vec!["accepted".to_owned()],
            at: Utc::now(),
            scope: Scope {
                station_id,
                county_id: 1,
                resident_id: 99,
                assignee_id: None,
                department_id: None,
            },
        };
        serde_json::to_string(&change).unwrap()
    }

    /// A deputy of station 1 listening to `bus`, with no heartbeat or end in sight.
    fn deputy_listening(bus: &LiveBus) -> Listener {
        Listener::new(
            deputy_at(1),
            bus.subscribe(),
            LONG,
            LONG,
            CancellationToken::new(),
        )
    }

    fn text(frame: Option<String>) -> String {
        frame.expect("a frame")
    }

    #[tokio::test]
    async fn a_listener_hears_the_cases_it_may_see_without_their_scope() {
        let bus = LiveBus::memory(8);
        let mut listener = deputy_listening(&bus);
        bus.publish(&change(1, 2)).await.unwrap();
        bus.publish("not a change").await.unwrap();
        bus.publish(&change(2, 1)).await.unwrap();
        let frame = text(listener.next_frame().await);
        let data = frame
            .strip_prefix("event: case\ndata: ")
            .and_then(|rest| rest.strip_suffix("\n\n"))
            .unwrap();
        let data: serde_json::Value = serde_json::from_str(data).unwrap();
        assert_eq!(data["case_id"], 2, "the case at another station is skipped");
        assert_eq!(
            data.as_object().unwrap().keys().collect::<Vec<_>>(),
            ["at", "case_id", "events", "number", "status"]
        );
    }

    #[tokio::test]
    async fn a_listener_that_falls_behind_is_told_and_dropped() {
        let bus = LiveBus::memory(2);
        let mut listener = deputy_listening(&bus);
        for case_id in 1..=5 {
            bus.publish(&change(case_id, 1)).await.unwrap();
        }
        assert_eq!(
            text(listener.next_frame().await),
            "event: lagged\ndata: {\"missed\":3}\n\n"
        );
        assert_eq!(listener.next_frame().await, None);
    }

    #[tokio::test]
    async fn a_quiet_stream_beats_and_ends_on_shutdown_or_after_its_lifetime() {
        let bus = LiveBus::memory(2);
        let shutdown = CancellationToken::new();
        let heartbeat = Duration::from_millis(50);
        let mut listener = Listener::new(
            deputy_at(1),
            bus.subscribe(),
            heartbeat,
            LONG,
            shutdown.clone(),
        );
        assert_eq!(text(listener.next_frame().await), ": heartbeat\n\n");
        shutdown.cancel();
        assert_eq!(listener.next_frame().await, None);

        let mut listener = Listener::new(
            deputy_at(1),
            bus.subscribe(),
            LONG,
            heartbeat,
            CancellationToken::new(),
        );
        assert_eq!(listener.next_frame().await, None);
    }
}
