//! Sharing a running session with the devices in the room: every participant's own screen,
//! read-only, on the room's network (`convene run … --share`, `convene share [ID]`).
//!
//! The share follows the session's log as the projector mirror does ([`crate::log::follow`]) and
//! never writes it: whatever happens here (no network, a port taken, a device misbehaving) the
//! session, its log and its timing are untouched. Each public log event becomes one server-sent
//! event whose id is the event's sequence number ([`view::project`] says what a page may know);
//! a page that lost its connection sends `Last-Event-ID` and gets what it missed. Events carry
//! the stage's deadline and the laptop's clock; each page counts down by itself.
//!
//! The server ([`server`]) is axum on a current-thread tokio runtime in the share's own thread.
//! It binds only to the laptop's private addresses (IPv4 private ranges and link-local, IPv6
//! unique-local, loopback) unless `--share-addr` names one, and answers only under a random
//! token of 128 bits, new for each sharing, that stops working when the session ends.

pub(crate) mod qr;
pub(crate) mod server;
pub mod view;

use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

pub use server::Limits;
pub use view::Names;

use crate::clock::SystemClock;
use crate::log::follow::Follower;
use crate::log::reader::read_log;
use crate::session::{Event, SessionState, Status, apply};
use server::Hub;

/// The port tried first; the next ones after it when it is taken.
pub(crate) const DEFAULT_PORT: u16 = 7341;
/// How many ports from the first are tried.
const PORTS_TRIED: u16 = 20;
/// How often the share looks at the log for new events (a stat when nothing changed).
const LOOK_MS: u64 = 50;
/// When nobody has connected this long after sharing began, the facilitator is told why that
/// usually is.
pub(crate) const NOBODY_HINT_AFTER: Duration = Duration::from_secs(60);

/// How to share (handed from one convene program to the other as JSON: [`crate::tui::handoff`];
/// the limits are always the defaults there).
#[derive(Debug, Clone, Default, serde::Serialize, serde::Deserialize)]
pub struct ShareOptions {
    /// `--share-addr`: the one address to listen on (any address, private or not).
    pub addr: Option<IpAddr>,
    /// The first port to try (default [`DEFAULT_PORT`]).
    pub port: Option<u16>,
    pub names: Names,
    #[serde(skip)]
    pub limits: Limits,
}

/// Why sharing could not start. The session itself runs as always.
#[derive(Debug, thiserror::Error)]
pub enum ShareError {
    #[error(
        "not sharing: this computer is on no network (join the room's Wi-Fi, or turn on its \
         hotspot, then press the share key); the session runs as always"
    )]
    NoNetwork,
    #[error("not sharing: no free port from {first} to {last}; the session runs as always")]
    NoPort { first: u16, last: u16 },
    #[error("not sharing: cannot listen on {addr}: {reason}; the session runs as always")]
    Bind { addr: String, reason: String },
    #[error("not sharing: {0}")]
    Log(String),
    #[error("not sharing: that session has ended")]
    Ended,
    #[error("not sharing: {0}; the session runs as always")]
    Start(String),
}

/// A running share. Dropping it stops sharing.
pub struct Share {
    /// The addresses devices open, best first (`http://192.168.1.20:7341/<token>/`).
    pub urls: Vec<String>,
    pub port: u16,
    pub names: Names,
    /// The first address's QR code, as lines of half blocks ([`qr::lines`]), made once when
    /// sharing starts (`None` for an address too long for a code).
    pub qr: Option<Vec<String>>,
    /// Since sharing began (for the nobody-connected hint).
    started: SystemClock,
    hub: Arc<Hub>,
    devices: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Share {
    /// Starts sharing the session whose log is at `log`: binds, then serves and follows the log
    /// in its own thread.
    pub fn start(log: &Path, opts: &ShareOptions) -> Result<Self, ShareError> {
        let read = read_log(log).map_err(|e| ShareError::Log(e.to_string()))?;
        let addrs = match opts.addr {
            Some(a) => vec![a],
            None => private_addresses()?,
        };
        let (listeners, port) = bind(&addrs, opts.port.unwrap_or(DEFAULT_PORT))?;
        let token = new_token().map_err(|e| ShareError::Start(e.to_string()))?;
        let urls = addrs.iter().map(|a| url(*a, port, &token)).collect::<Vec<_>>();
        let devices = Arc::new(AtomicUsize::new(0));
        let hub = Arc::new(Hub::new(token, opts.limits, Arc::clone(&devices)));
        let stop = Arc::new(AtomicBool::new(false));
        let mut state = SessionState::new(read.header.setup.clone());
        let created = read.header.created.timestamp_millis();
        hub.push(0, json(&view::project(&state, "snapshot", 0, created, opts.names)));
        let mut follower = Follower::new(log, 0);
        let ended = catch_up(&mut follower, &mut state, &hub, opts.names);
        if ended {
            return Err(ShareError::Ended);
        }
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| ShareError::Start(e.to_string()))?;
        let (h, st, names) = (Arc::clone(&hub), Arc::clone(&stop), opts.names);
        let thread = std::thread::Builder::new()
            .name("convene-share".into())
            .spawn(move || {
                runtime.block_on(async move {
                    for l in listeners {
                        if let Ok(l) = tokio::net::TcpListener::from_std(l) {
                            tokio::spawn(server::serve(l, Arc::clone(&h)));
                        }
                    }
                    while !st.load(Ordering::SeqCst) && !h.ended() {
                        tokio::time::sleep(Duration::from_millis(LOOK_MS)).await;
                        catch_up(&mut follower, &mut state, &h, names);
                    }
                    h.end();
                    // Let the streams send the end before the runtime stops.
                    tokio::time::sleep(Duration::from_millis(500)).await;
                });
            })
            .map_err(|e| ShareError::Start(e.to_string()))?;
        let qr = urls.first().and_then(|u| qr::lines(u));
        Ok(Self {
            qr,
            urls,
            port,
            names: opts.names,
            started: SystemClock::new(0),
            hub,
            devices,
            stop,
            thread: Some(thread),
        })
    }

    /// The address to show first: a private one before loopback.
    pub fn url(&self) -> &str {
        self.urls.first().map_or("", String::as_str)
    }

    /// Devices with the page open now.
    pub fn devices(&self) -> usize {
        self.devices.load(Ordering::SeqCst)
    }

    /// Calls `f` (from the share's thread) whenever a device connects or leaves: the live screen
    /// wakes its loop with it, so the footer's count is never stale while nothing else changes.
    pub fn on_devices_changed(&self, f: impl Fn() + Send + Sync + 'static) {
        self.hub.on_devices_changed(Box::new(f));
    }

    /// Whether the session ended (the share stops by itself then).
    pub fn ended(&self) -> bool {
        self.hub.ended()
    }

    /// Whether to show the "nobody connected" hint: a minute passed and no device ever came.
    pub(crate) fn nobody_came(&self) -> bool {
        let after = u64::try_from(NOBODY_HINT_AFTER.as_millis()).unwrap_or(u64::MAX);
        self.hub.ever_connected() == 0 && self.started.now().mono >= after
    }

    /// Waits until the session ends or `stop` is set.
    pub(crate) fn wait(&mut self) {
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }

    /// Stops sharing: the token stops working and the pages are told the session ended.
    pub(crate) fn stop(mut self) {
        // The token stops working now, not at the thread's next look.
        self.hub.end();
        self.stop.store(true, Ordering::SeqCst);
        self.wait();
    }
}

impl Drop for Share {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        self.wait();
    }
}

/// What `convene share` prints: the address, the QR code, and how to stop.
pub(crate) fn announce(share: &Share) -> String {
    let mut out = String::new();
    out.push_str("Sharing the session, read-only. On a phone or laptop in the room, open:\n\n");
    let _ = write!(out, "  {}\n\n", share.url());
    if let Some(lines) = &share.qr {
        for l in lines {
            let _ = writeln!(out, "  {l}");
        }
        out.push('\n');
    }
    for other in share.urls.iter().skip(1) {
        let _ = writeln!(out, "Also: {other}");
    }
    let _ = writeln!(
        out,
        "Names shown: {}. Sharing stops when the session ends (Ctrl-C stops it now).",
        share.names.word()
    );
    out
}

fn json(v: &view::PublicView) -> String {
    serde_json::to_string(v).unwrap_or_else(|_| "{}".into())
}

/// Applies the lines appended since the last look and publishes the public ones. Returns
/// whether the session has ended.
fn catch_up(follower: &mut Follower, state: &mut SessionState, hub: &Hub, names: Names) -> bool {
    for l in follower.read_new() {
        apply(state, &l.stamped);
        if view::is_public(&l.stamped.event) {
            let kind = view::kind_of(&l.stamped.event);
            let wall = l.stamped.wall.timestamp_millis();
            hub.push(l.seq, json(&view::project(state, &kind, l.stamped.at, wall, names)));
        }
        if matches!(l.stamped.event, Event::SessionEnded { .. }) {
            hub.end();
        }
    }
    matches!(state.status, Status::Ended(_))
}

/// A random token of 128 bits, as 32 hexadecimal digits.
fn new_token() -> Result<String, getrandom::Error> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes)?;
    let mut out = String::with_capacity(32);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    Ok(out)
}

fn url(addr: IpAddr, port: u16, token: &str) -> String {
    match addr {
        IpAddr::V4(a) => format!("http://{a}:{port}/{token}/"),
        IpAddr::V6(a) => format!("http://[{a}]:{port}/{token}/"),
    }
}

/// Whether devices in the room may reach `addr` without it reaching the internet: IPv4 private
/// ranges and link-local, IPv6 unique-local, loopback.
pub(crate) fn is_private(addr: IpAddr) -> bool {
    match addr {
        IpAddr::V4(a) => a.is_private() || a.is_link_local() || a.is_loopback(),
        IpAddr::V6(a) => a.is_loopback() || (a.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// The laptop's private addresses (IPv4 first), then loopback. No private address: no network.
fn private_addresses() -> Result<Vec<IpAddr>, ShareError> {
    let found = if_addrs::get_if_addrs().map_err(|_| ShareError::NoNetwork)?;
    let mut out: Vec<IpAddr> = found
        .iter()
        .filter(|i| !i.is_loopback())
        .map(if_addrs::Interface::ip)
        .filter(|a| is_private(*a))
        .collect();
    out.sort_by_key(|a| {
        (a.is_ipv6(), a.is_ipv4() && matches!(a, IpAddr::V4(v) if v.is_link_local()))
    });
    out.dedup();
    if out.is_empty() {
        return Err(ShareError::NoNetwork);
    }
    out.push(IpAddr::V4(Ipv4Addr::LOCALHOST));
    Ok(out)
}

/// Binds every address on one port: `first`, else the next free one.
fn bind(addrs: &[IpAddr], first: u16) -> Result<(Vec<std::net::TcpListener>, u16), ShareError> {
    let last = first.saturating_add(PORTS_TRIED - 1);
    'ports: for port in first..=last {
        let mut ls: Vec<std::net::TcpListener> = Vec::new();
        for a in addrs {
            // Port 0 (tests): the system's choice for the first address, the same for the rest.
            let port = match ls.first().map(std::net::TcpListener::local_addr) {
                Some(Ok(l)) => l.port(),
                _ => port,
            };
            match std::net::TcpListener::bind(SocketAddr::new(*a, port)) {
                Ok(l) => {
                    l.set_nonblocking(true).map_err(|e| ShareError::Bind {
                        addr: a.to_string(),
                        reason: e.to_string(),
                    })?;
                    ls.push(l);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => continue 'ports,
                Err(e) => {
                    return Err(ShareError::Bind { addr: a.to_string(), reason: e.to_string() });
                }
            }
        }
        let port = match ls.first().map(std::net::TcpListener::local_addr) {
            Some(Ok(l)) => l.port(),
            _ => port,
        };
        return Ok((ls, port));
    }
    Err(ShareError::NoPort { first, last })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_private_addresses_count_as_private() {
        for a in
            ["192.168.1.20", "10.0.0.5", "172.16.3.4", "169.254.1.1", "127.0.0.1", "::1", "fd12::1"]
        {
            assert!(is_private(a.parse().expect("address")), "{a}");
        }
        for a in ["8.8.8.8", "172.32.0.1", "2001:db8::1", "0.0.0.0", "::", "100.64.0.1"] {
            assert!(!is_private(a.parse().expect("address")), "{a}");
        }
    }

    #[test]
    fn a_token_is_128_random_bits_new_each_time() {
        let a = new_token().expect("token");
        let b = new_token().expect("token");
        assert_eq!(a.len(), 32);
        assert!(a.bytes().all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
    }

    #[test]
    fn a_taken_port_moves_sharing_to_the_next() {
        let lo = [IpAddr::V4(Ipv4Addr::LOCALHOST)];
        let (first, p1) = bind(&lo, 47_000).expect("a port");
        let (_second, p2) = bind(&lo, p1).expect("the next port");
        assert!(p2 > p1);
        drop(first);
    }
}
