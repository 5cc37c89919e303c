//! `GET /stream`: live case changes for staff consoles, as server-sent events.
//!
//! Every node hears every change (see `liaison_infra::live`) and filters it for each listener
//! with the rule that decides who sees a case. A listener that cannot keep up is told so and
//! dropped, so a node holds at most `live.buffer` changes whatever its listeners do.

use std::convert::Infallible;
use std::time::Duration;

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpResponse};
use chrono::{DateTime, Utc};
use futures_util::Stream;
use liaison_domain::actor::Actor;
use liaison_domain::case::access::can_see;
use liaison_domain::policy;
use liaison_infra::live::Message;
use serde::Serialize;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::time::{Instant, Interval};
use tokio_util::sync::CancellationToken;
use utoipa_actix_web::service_config::ServiceConfig;

use super::news::Change;
use crate::auth::Caller;
use crate::error::responses::{Forbidden, Unauthorized};
use crate::error::{ApiError, ApiResult};
use crate::state::AppState;

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.service(stream);
}

const HEARTBEAT: &[u8] = b": heartbeat\n\n";

/// Live changes of the cases the caller may see, as `text/event-stream`.
///
/// Each change is `event: case` with `data: {"case_id", "number", "status", "events", "at"}`
/// (`events` are the kinds the step recorded, e.g. `["accepted"]`); fetch the case for the
/// rest. A comment line (`: heartbeat`) comes every `live.heartbeat_seconds` (15 by default).
/// A client that falls behind receives `event: lagged` (`data: {"missed": n}`) and the stream
/// ends: reconnect and refetch. The stream also ends when the server stops and once an access
/// token's lifetime has passed, so that reconnecting checks the session and scope again.
#[utoipa::path(
    tag = "notifications",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Server-sent events until the client, the server or the token's lifetime ends them",
            content_type = "text/event-stream", body = String),
        Unauthorized, Forbidden,
    )
)]
#[get("/stream")]
async fn stream(state: web::Data<AppState>, caller: Caller) -> ApiResult<HttpResponse> {
    if !policy::may_follow_live(&caller.actor) {
        return Err(ApiError::forbidden("live updates are for staff"));
    }
    // A zero interval panics; one second is the shortest heartbeat that makes sense.
    let heartbeat = Duration::from_secs(state.settings.live.heartbeat_seconds.max(1));
    let lifetime = state
        .tokens
        .access_ttl()
        .to_std()
        .unwrap_or(Duration::from_secs(60));
    let listener = Listener::new(
        caller.actor,
        state.live.subscribe(),
        heartbeat,
        lifetime,
        state.shutdown.clone(),
    );
    Ok(HttpResponse::Ok()
        .content_type("text/event-stream")
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        // Tells nginx not to buffer the stream, which would hold events back.
        .insert_header(("x-accel-buffering", "no"))
        .streaming(listener.into_stream()))
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

    fn into_stream(self) -> impl Stream<Item = Result<Bytes, Infallible>> {
        futures_util::stream::unfold(self, |mut listener| async move {
            let frame = listener.next_frame().await?;
            Some((Ok(frame), listener))
        })
    }

    /// The next frame to send, or `None` when the stream ends.
    async fn next_frame(&mut self) -> Option<Bytes> {
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
                _ = self.heartbeats.tick() => return Some(Bytes::from_static(HEARTBEAT)),
                news = self.news.recv() => match news {
                    Ok(message) => {
                        if let Some(frame) = self.case_frame(&message) {
                            return Some(frame);
                        }
                    }
                    Err(RecvError::Lagged(missed)) => {
                        tracing::info!(user_id = self.actor.user_id, missed, "dropped a live listener that fell behind");
                        self.finished = true;
                        return Some(Bytes::from(format!(
                            "event: lagged\ndata: {{\"missed\":{missed}}}\n\n"
                        )));
                    }
                    Err(RecvError::Closed) => return None,
                },
            }
        }
    }

    /// The `case` event for a change this listener may see, or `None`.
    fn case_frame(&self, message: &str) -> Option<Bytes> {
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
            Ok(data) => Some(Bytes::from(format!("event: case\ndata: {data}\n\n"))),
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

    fn text(frame: Option<Bytes>) -> String {
        String::from_utf8(frame.expect("a frame").to_vec()).unwrap()
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
