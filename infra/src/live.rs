//! Live updates: news of committed changes, fanned out to every listener on every node.
//!
//! Without Redis a broadcast channel in this process carries the news, which is right for one
//! node. With Redis every node PUBLISHes to one channel, and one subscriber per process
//! forwards what arrives into its local broadcast channel. A node's own news reaches its own
//! listeners through Redis too: one path, so every listener sees the news in the same order.
//!
//! News is a hint to refetch, not a record: what is published while Redis is down is lost,
//! and nothing else breaks. The local channel is bounded: a listener more than `capacity`
//! messages behind gets `RecvError::Lagged` and should be dropped, so that a slow listener
//! never grows memory.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::{ConnectionManager, PubSub};
use redis::AsyncCommands;
use serde::de::DeserializeOwned;
use tokio::sync::broadcast;
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use crate::shared::{bounded, SharedStateError};

/// One piece of news as published: text (JSON to its readers), cheap to clone per listener.
pub type Message = Arc<str>;

/// How often the subscriber asks Redis whether its quiet connection still works: a peer that
/// vanished without closing the connection would otherwise go unnoticed for minutes.
const PING_EVERY: Duration = Duration::from_secs(10);
/// The wait before subscribing again after a loss; it doubles after each failure, up to
/// `LAST_RETRY`.
const FIRST_RETRY: Duration = Duration::from_millis(200);
const LAST_RETRY: Duration = Duration::from_secs(10);

/// Where live news is published and heard.
#[derive(Clone)]
pub struct LiveBus {
    /// What this node's listeners hear. With Redis only the forwarder sends on it.
    local: broadcast::Sender<Message>,
    redis: Option<RedisLink>,
}

#[derive(Clone)]
struct RedisLink {
    connection: ConnectionManager,
    channel: String,
    /// Ends the forwarder when the last clone of the bus is dropped.
    _forwarder: Arc<AbortOnDrop>,
}

struct AbortOnDrop(JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

impl LiveBus {
    /// A bus within this process that holds up to `capacity` messages for its slowest
    /// listener.
    pub fn memory(capacity: usize) -> Self {
        Self {
            local: local_channel(capacity),
            redis: None,
        }
    }

    /// A bus shared through Redis at `url` on `channel`. It is subscribed when this returns,
    /// so news published from then on reaches this node; fails when Redis cannot be reached at
    /// start.
    pub async fn redis_channel(
        url: &str,
        channel: &str,
        capacity: usize,
    ) -> Result<Self, SharedStateError> {
        let client = redis::Client::open(url)?;
        let channel = channel.to_owned();
        let connection = bounded(ConnectionManager::new(client.clone())).await?;
        let subscription = subscribe(&client, &channel).await?;
        let local = local_channel(capacity);
        let forwarder = tokio::spawn(forward(
            client,
            channel.clone(),
            subscription,
            local.clone(),
        ));
        Ok(Self {
            local,
            redis: Some(RedisLink {
                connection,
                channel,
                _forwarder: Arc::new(AbortOnDrop(forwarder)),
            }),
        })
    }

    /// Tells every listener of every node. Fails (within a bounded time) when Redis is
    /// unreachable; having no listener is no failure.
    pub async fn publish(&self, message: &str) -> Result<(), SharedStateError> {
        match &self.redis {
            None => {
                // `send` fails only when nobody listens, and then nobody missed anything.
                let _ = self.local.send(Message::from(message));
                Ok(())
            }
            Some(link) => {
                let mut connection = link.connection.clone();
                bounded(connection.publish::<_, _, ()>(&link.channel, message)).await
            }
        }
    }

    /// A listener of this node: hears what is published from now on.
    pub fn subscribe(&self) -> broadcast::Receiver<Message> {
        self.local.subscribe()
    }

    /// Hands every message published from now on, read as JSON of `T`, to `on`, for the life
    /// of the process; a message that does not read as `T` (named `what` in the log) is
    /// skipped, and messages missed by lagging are told as such.
    pub fn listen<T, F>(&self, what: &'static str, on: F)
    where
        T: DeserializeOwned,
        F: Fn(Heard<T>) + Send + 'static,
    {
        let mut heard = self.subscribe();
        tokio::spawn(async move {
            loop {
                match heard.recv().await {
                    Ok(message) => match serde_json::from_str(&message) {
                        Ok(news) => on(Heard::News(news)),
                        Err(error) => tracing::warn!(%error, what, "unreadable news was ignored"),
                    },
                    Err(broadcast::error::RecvError::Lagged(missed)) => on(Heard::Missed(missed)),
                    Err(broadcast::error::RecvError::Closed) => return,
                }
            }
        });
    }
}

/// What a listener of [`LiveBus::listen`] hears.
pub enum Heard<T> {
    News(T),
    /// This many messages went by while the listener lagged.
    Missed(u64),
}

fn local_channel(capacity: usize) -> broadcast::Sender<Message> {
    // A broadcast channel of capacity 0 panics; one message is the least that works.
    broadcast::channel(capacity.max(1)).0
}

/// A dedicated pub/sub connection, subscribed to `channel`.
async fn subscribe(client: &redis::Client, channel: &str) -> Result<PubSub, SharedStateError> {
    let mut subscription = bounded(client.get_async_pubsub()).await?;
    bounded(subscription.subscribe(channel)).await?;
    Ok(subscription)
}

/// Relays `subscription` into `local` for the life of the process, subscribing again
/// whenever the connection is lost.
async fn forward(
    client: redis::Client,
    channel: String,
    mut subscription: PubSub,
    local: broadcast::Sender<Message>,
) {
    loop {
        let lost = relay(subscription, &local).await;
        tracing::warn!(error = %lost, "live updates lost their Redis subscription; subscribing again");
        subscription = resubscribe(&client, &channel).await;
        tracing::info!("live updates are subscribed to Redis again");
    }
}

/// Forwards messages until the connection fails, and answers why it did.
async fn relay(subscription: PubSub, local: &broadcast::Sender<Message>) -> SharedStateError {
    let (mut sink, mut messages) = subscription.split();
    let mut pings = tokio::time::interval_at(Instant::now() + PING_EVERY, PING_EVERY);
    pings.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            message = messages.next() => {
                let Some(message) = message else {
                    return redis::RedisError::from((
                        redis::ErrorKind::IoError,
                        "the subscription's connection closed",
                    ))
                    .into();
                };
                match message.get_payload::<String>() {
                    Ok(text) => {
                        // Fails only when nobody on this node listens.
                        let _ = local.send(Message::from(text));
                    }
                    Err(error) => tracing::warn!(%error, "skipped a live update that is not text"),
                }
            }
            _ = pings.tick() => {
                if let Err(error) = bounded(sink.ping::<redis::Value>()).await {
                    return error;
                }
            }
        }
    }
}

/// Subscribes again, waiting longer after each failure so that an outage is not hammered.
async fn resubscribe(client: &redis::Client, channel: &str) -> PubSub {
    let mut wait = FIRST_RETRY;
    loop {
        tokio::time::sleep(wait).await;
        match subscribe(client, channel).await {
            Ok(subscription) => return subscription,
            Err(error) => {
                wait = (wait * 2).min(LAST_RETRY);
                tracing::warn!(%error, retry_in_ms = wait.as_millis(), "live updates cannot subscribe to Redis");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use tokio::net::{TcpListener, TcpStream};
    use tokio::sync::broadcast::error::RecvError;
    use tokio::time::timeout;

    use super::*;

    const PATIENCE: Duration = Duration::from_secs(5);

    async fn next(listener: &mut broadcast::Receiver<Message>) -> String {
        timeout(PATIENCE, listener.recv())
            .await
            .expect("no news in time")
            .expect("the bus failed")
            .to_string()
    }

    #[tokio::test]
    async fn every_listener_hears_what_is_published_after_it_subscribed() {
        let bus = LiveBus::memory(8);
        bus.publish("unheard").await.unwrap();
        let (mut one, mut two) = (bus.subscribe(), bus.subscribe());
        bus.publish("a").await.unwrap();
        bus.publish("b").await.unwrap();
        assert_eq!(next(&mut one).await, "a");
        assert_eq!(next(&mut one).await, "b");
        assert_eq!(next(&mut two).await, "a");
    }

    #[tokio::test]
    async fn a_listener_that_falls_behind_the_capacity_is_told_it_lagged() {
        let bus = LiveBus::memory(2);
        let mut slow = bus.subscribe();
        for message in ["a", "b", "c", "d", "e"] {
            bus.publish(message).await.unwrap();
        }
        assert!(matches!(slow.recv().await, Err(RecvError::Lagged(3))));
    }

    fn redis_url() -> Option<String> {
        let url = std::env::var("LIAISON_TEST_REDIS_URL").ok();
        if url.is_none() {
            eprintln!("redis run skipped: LIAISON_TEST_REDIS_URL is not set");
        }
        url
    }

    fn fresh_prefix() -> String {
        format!("test:{}:", uuid::Uuid::new_v4().simple())
    }

    #[tokio::test]
    async fn through_redis_every_node_hears_every_node_and_only_its_own_channel() {
        let Some(url) = redis_url() else { return };
        let prefix = fresh_prefix();
        let one = LiveBus::redis_channel(&url, &prefix, 8).await.unwrap();
        let two = LiveBus::redis_channel(&url, &prefix, 8).await.unwrap();
        let elsewhere = LiveBus::redis_channel(&url, &fresh_prefix(), 8)
            .await
            .unwrap();
        let (mut on_one, mut on_two) = (one.subscribe(), two.subscribe());
        let mut on_elsewhere = elsewhere.subscribe();

        one.publish("from one").await.unwrap();
        assert_eq!(
            next(&mut on_one).await,
            "from one",
            "its own news, via Redis"
        );
        assert_eq!(next(&mut on_two).await, "from one");
        elsewhere.publish("from elsewhere").await.unwrap();
        assert_eq!(
            next(&mut on_elsewhere).await,
            "from elsewhere",
            "another prefix hears nothing of this one"
        );
    }

    /// A TCP proxy to Redis that the test can take down (dropping every connection and
    /// refusing new ones, as an outage would) and bring back.
    struct Proxy {
        url: String,
        cut: broadcast::Sender<()>,
        down: Arc<AtomicBool>,
    }

    impl Proxy {
        fn fail(&self) {
            self.down.store(true, Ordering::SeqCst);
            let _ = self.cut.send(());
        }

        fn recover(&self) {
            self.down.store(false, Ordering::SeqCst);
        }
    }

    async fn proxy(redis_url: &str) -> Proxy {
        let mut url = url::Url::parse(redis_url).unwrap();
        let upstream = format!("{}:{}", url.host_str().unwrap(), url.port().unwrap_or(6379));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        url.set_port(Some(listener.local_addr().unwrap().port()))
            .unwrap();
        let (cut, _) = broadcast::channel(1);
        let down = Arc::new(AtomicBool::new(false));
        let (cuts, is_down) = (cut.clone(), down.clone());
        tokio::spawn(async move {
            while let Ok((mut inbound, _)) = listener.accept().await {
                if is_down.load(Ordering::SeqCst) {
                    continue;
                }
                let mut cut = cuts.subscribe();
                let upstream = upstream.clone();
                tokio::spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        _ = cut.recv() => {}
                    }
                });
            }
        });
        Proxy {
            url: url.to_string(),
            cut,
            down,
        }
    }

    #[tokio::test]
    #[tracing_test::traced_test]
    async fn a_redis_outage_fails_publishing_fast_and_the_bus_recovers_by_itself() {
        let Some(url) = redis_url() else { return };
        let prefix = fresh_prefix();
        let proxy = proxy(&url).await;
        let publisher = LiveBus::redis_channel(&url, &prefix, 8).await.unwrap();
        let cut_off = LiveBus::redis_channel(&proxy.url, &prefix, 8)
            .await
            .unwrap();
        let mut listener = cut_off.subscribe();
        publisher.publish("before").await.unwrap();
        assert_eq!(next(&mut listener).await, "before");

        proxy.fail();
        // Each attempt is bounded, so this loop ends as soon as the cut reaches the socket.
        timeout(PATIENCE, async {
            while cut_off.publish("during").await.is_ok() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("publishing during the outage did not fail");
        // Long enough for a few attempts to subscribe again to fail.
        tokio::time::sleep(Duration::from_secs(1)).await;
        assert!(logs_contain("cannot subscribe to Redis"));

        proxy.recover();
        // What is published before the subscription is back is lost: publish until heard.
        let heard = timeout(PATIENCE, async {
            loop {
                publisher.publish("after").await.unwrap();
                if let Ok(Ok(message)) = timeout(Duration::from_millis(100), listener.recv()).await
                {
                    break message;
                }
            }
        })
        .await
        .expect("the subscription did not come back");
        assert_eq!(&*heard, "after");
        assert!(logs_contain("lost their Redis subscription"));
        assert!(logs_contain("subscribed to Redis again"));
        timeout(PATIENCE, async {
            while cut_off.publish("again").await.is_err() {
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
        .await
        .expect("publishing did not recover");
    }
}
