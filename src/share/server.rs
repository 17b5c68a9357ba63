//! The share's HTTP server: axum's router on hyper's HTTP/1 connections, one tokio task per
//! connection, on a current-thread runtime in the share's own thread.
//!
//! Limits, so that nothing a device on the network sends can exhaust the laptop: a cap on open
//! connections (more are closed at once), a small header buffer (a request whose head does not
//! fit is refused), a deadline for a request's head (a client that connects and sends nothing is
//! closed), one request per connection (no idle keep-alive), and a deadline for each write (a
//! client that reads nothing is closed; it holds at most one event in memory).

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::sse::{Event as SseEvent, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::time::Sleep;

/// The page and its two files, embedded in the binary.
const PAGE_HTML: &str = include_str!("page/index.html");
const PAGE_JS: &str = include_str!("page/app.js");
const PAGE_CSS: &str = include_str!("page/app.css");

/// What the server holds back from a misbehaving device.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Open connections at most; more are closed at once.
    pub connections: usize,
    /// Bytes of a request's head at most (hyper's buffer; 8 KiB is its smallest).
    pub header_bytes: usize,
    /// Time to send a request's head.
    pub head_timeout: Duration,
    /// Time a write may wait for a client that reads nothing.
    pub write_timeout: Duration,
    /// How often a stream sends the laptop's clock (and keeps the connection alive).
    pub clock_every: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            connections: 256,
            header_bytes: 16 * 1024,
            head_timeout: Duration::from_secs(10),
            write_timeout: Duration::from_secs(20),
            clock_every: Duration::from_secs(15),
        }
    }
}

/// What the server shares between its tasks and with the facilitator's screen.
pub(crate) struct Hub {
    token: String,
    /// The public events so far: (log sequence number, JSON).
    history: RwLock<Vec<(u64, Arc<str>)>>,
    /// The newest sequence number, to wake the streams.
    latest: watch::Sender<u64>,
    ended: AtomicBool,
    /// Open connections.
    connections: AtomicUsize,
    /// Open event streams: the devices connected.
    devices: Arc<AtomicUsize>,
    /// Devices that ever connected.
    ever: AtomicUsize,
    limits: Limits,
    /// Called whenever the number of devices changes (the facilitator's screen wakes for it).
    on_devices: std::sync::RwLock<Option<Notify>>,
}

/// What to call when the number of devices changes.
pub(crate) type Notify = Box<dyn Fn() + Send + Sync>;

impl Hub {
    pub(crate) fn new(token: String, limits: Limits, devices: Arc<AtomicUsize>) -> Self {
        let (latest, _) = watch::channel(0);
        Self {
            token,
            history: RwLock::new(Vec::new()),
            latest,
            ended: AtomicBool::new(false),
            connections: AtomicUsize::new(0),
            devices,
            ever: AtomicUsize::new(0),
            limits,
            on_devices: std::sync::RwLock::new(None),
        }
    }

    /// Calls `f` from now on whenever a device connects or leaves.
    pub(crate) fn on_devices_changed(&self, f: Notify) {
        if let Ok(mut n) = self.on_devices.write() {
            *n = Some(f);
        }
    }

    fn devices_changed(&self) {
        if let Ok(n) = self.on_devices.read()
            && let Some(f) = n.as_ref()
        {
            f();
        }
    }

    /// Adds a public event and wakes the streams.
    pub(crate) fn push(&self, seq: u64, json: String) {
        if let Ok(mut h) = self.history.write() {
            if h.last().is_some_and(|(s, _)| *s >= seq) {
                return;
            }
            h.push((seq, json.into()));
        }
        self.latest.send_replace(seq);
    }

    /// The session ended (or sharing stopped): streams close after their last event, and every
    /// request from now on gets 404.
    pub(crate) fn end(&self) {
        self.ended.store(true, Ordering::SeqCst);
        let seq = *self.latest.borrow();
        self.latest.send_replace(seq);
    }

    pub(crate) fn ended(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
    }

    /// Devices that ever opened the stream.
    pub(crate) fn ever_connected(&self) -> usize {
        self.ever.load(Ordering::SeqCst)
    }

    /// The first event after `after` (or the newest, for `None`).
    fn next_after(&self, after: Option<u64>) -> Option<(u64, Arc<str>)> {
        let h = self.history.read().ok()?;
        match after {
            None => h.last().cloned(),
            Some(a) => {
                let i = h.partition_point(|(s, _)| *s <= a);
                h.get(i).cloned()
            }
        }
    }

    fn token_ok(&self, given: &str) -> bool {
        // Compared in full whatever the first difference, so the time taken tells nothing.
        let (a, b) = (self.token.as_bytes(), given.as_bytes());
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }

    fn open(&self, token: &str) -> bool {
        !self.ended() && self.token_ok(token)
    }
}

/// Serves `listener` until the runtime stops.
pub(crate) async fn serve(listener: TcpListener, hub: Arc<Hub>) {
    let app = router(Arc::clone(&hub));
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            // Out of file handles, or a connection reset before it was taken: wait a little.
            tokio::time::sleep(Duration::from_millis(50)).await;
            continue;
        };
        if hub.connections.load(Ordering::SeqCst) >= hub.limits.connections {
            drop(stream);
            continue;
        }
        let guard = Counted::new(&hub);
        let _ = stream.set_nodelay(true);
        let io = TokioIo::new(Timed::new(stream, hub.limits.write_timeout));
        let service = TowerToHyperService::new(app.clone());
        let limits = hub.limits;
        tokio::spawn(async move {
            let _guard = guard;
            let mut http = hyper::server::conn::http1::Builder::new();
            http.timer(TokioTimer::new())
                .header_read_timeout(limits.head_timeout)
                .max_buf_size(limits.header_bytes.max(8192))
                .keep_alive(false);
            let _ = http.serve_connection(io, service).await;
        });
    }
}

/// Counts an open connection while it lives.
struct Counted(Arc<Hub>);

impl Counted {
    fn new(hub: &Arc<Hub>) -> Self {
        hub.connections.fetch_add(1, Ordering::SeqCst);
        Self(Arc::clone(hub))
    }
}

impl Drop for Counted {
    fn drop(&mut self) {
        self.0.connections.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Counts a connected device while its stream lives.
struct Device(Arc<Hub>);

impl Drop for Device {
    fn drop(&mut self) {
        self.0.devices.fetch_sub(1, Ordering::SeqCst);
        self.0.devices_changed();
    }
}

fn router(hub: Arc<Hub>) -> Router {
    Router::new()
        .route("/{token}", get(page))
        .route("/{token}/", get(page))
        .route("/{token}/app.js", get(script))
        .route("/{token}/app.css", get(style))
        .route("/{token}/events", get(events))
        .fallback(not_found)
        .with_state(hub)
}

async fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found\n").into_response()
}

/// Headers on every answer: nothing from elsewhere, nothing kept.
fn guarded(mut r: Response, cache: &'static str) -> Response {
    let h = r.headers_mut();
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static("default-src 'self'"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    r
}

fn file(hub: &Hub, token: &str, kind: &'static str, body: &'static str) -> Response {
    if !hub.open(token) {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    guarded(([(header::CONTENT_TYPE, kind)], body).into_response(), "no-store")
}

async fn page(State(hub): State<Arc<Hub>>, Path(token): Path<String>) -> Response {
    file(&hub, &token, "text/html; charset=utf-8", PAGE_HTML)
}

async fn script(State(hub): State<Arc<Hub>>, Path(token): Path<String>) -> Response {
    file(&hub, &token, "text/javascript; charset=utf-8", PAGE_JS)
}

async fn style(State(hub): State<Arc<Hub>>, Path(token): Path<String>) -> Response {
    file(&hub, &token, "text/css; charset=utf-8", PAGE_CSS)
}

/// Where a stream is: the laptop's clock first, then each public event after the last one
/// sent, waiting for the next; the clock again when nothing happened for a while.
struct Cursor {
    hub: Arc<Hub>,
    rx: watch::Receiver<u64>,
    after: Option<u64>,
    clock_due: bool,
    _device: Device,
}

async fn events(
    State(hub): State<Arc<Hub>>,
    Path(token): Path<String>,
    headers: HeaderMap,
    uri: Uri,
) -> Response {
    if !hub.open(&token) {
        return (StatusCode::NOT_FOUND, "not found\n").into_response();
    }
    // A page that lost its connection says which event it saw last: the browser's
    // `Last-Event-ID`, or `?last=` from a page that opened a new stream itself.
    let from_query = uri.query().and_then(|q| {
        q.split('&').find_map(|kv| kv.strip_prefix("last=")).and_then(|v| v.parse::<u64>().ok())
    });
    let after = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .or(from_query);
    hub.devices.fetch_add(1, Ordering::SeqCst);
    hub.ever.fetch_add(1, Ordering::SeqCst);
    hub.devices_changed();
    let cursor = Cursor {
        rx: hub.latest.subscribe(),
        _device: Device(Arc::clone(&hub)),
        hub,
        after,
        clock_due: true,
    };
    let stream = futures_util::stream::unfold(cursor, |mut c| async move {
        loop {
            if c.clock_due {
                c.clock_due = false;
                let now = crate::clock::wall_now().timestamp_millis();
                let e = SseEvent::default().event("clock").data(format!("{{\"now\":{now}}}"));
                return Some((Ok::<_, std::convert::Infallible>(e), c));
            }
            c.rx.borrow_and_update();
            if let Some((seq, json)) = c.hub.next_after(c.after)
                && c.after.is_none_or(|a| seq > a)
            {
                c.after = Some(seq);
                let e = SseEvent::default().id(seq.to_string()).data(&*json);
                return Some((Ok(e), c));
            }
            if c.hub.ended() {
                return None;
            }
            let every = c.hub.limits.clock_every;
            match tokio::time::timeout(every, c.rx.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => return None,
                Err(_) => c.clock_due = true,
            }
        }
    });
    guarded(Sse::new(stream).into_response(), "no-cache, no-store")
}

/// A connection whose writes give up after a while: a client that reads nothing is closed.
struct Timed {
    inner: TcpStream,
    limit: Duration,
    stalled: Option<Pin<Box<Sleep>>>,
}

impl Timed {
    fn new(inner: TcpStream, limit: Duration) -> Self {
        Self { inner, limit, stalled: None }
    }

    /// A write is waiting: fail once it has waited longer than the limit.
    fn wait<T>(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        let limit = self.limit;
        let sleep = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(limit)));
        match sleep.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::ErrorKind::TimedOut.into())),
            Poll::Pending => Poll::Pending,
        }
    }

    fn done<T>(&mut self, r: Poll<io::Result<T>>, cx: &mut Context<'_>) -> Poll<io::Result<T>> {
        match r {
            Poll::Pending => self.wait(cx),
            ready @ Poll::Ready(_) => {
                self.stalled = None;
                ready
            }
        }
    }
}

impl AsyncRead for Timed {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl AsyncWrite for Timed {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.done(r, cx)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = &mut *self;
        let r = Pin::new(&mut this.inner).poll_flush(cx);
        this.done(r, cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
