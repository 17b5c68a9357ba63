//! A headless Chromium driven over the `DevTools` protocol, for the shared page's tests and
//! benchmarks (Debian's `chromium`, installed by .ci/run when missing).

#![allow(clippy::disallowed_methods)]

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Command as Process;
use std::time::{Duration, Instant};

/// Generous: the machine may be loaded.
const WAIT: Duration = Duration::from_secs(20);

/// Debian's `chromium` (installed by .ci/run), if here.
pub fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Process::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
}

/// A headless Chromium driven over the `DevTools` protocol (its own profile, stopped on drop).
pub struct Browser {
    child: std::process::Child,
    port: u16,
    _profile: tempfile::TempDir,
}

/// One page of the browser: its `DevTools` socket.
pub struct Page {
    ws: tungstenite::WebSocket<TcpStream>,
    next: u64,
}

impl Browser {
    pub fn launch(browser: &str) -> Self {
        let profile = tempfile::tempdir().expect("a profile folder");
        // The browser is a participant's device, with a clock of its own: when CI moves the
        // laptop's clock years away (libfaketime, through LD_PRELOAD), the device keeps the real
        // time, which is the clock offset the page must correct for anyway. Chromium itself does
        // not start under libfaketime.
        let child = Process::new(browser)
            .env_remove("LD_PRELOAD")
            .env_remove("FAKETIME")
            .args(["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"])
            .args(["--disable-background-networking", "--disable-extensions"])
            .arg("--remote-debugging-address=127.0.0.1")
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg("about:blank")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("chromium runs");
        let file = profile.path().join("DevToolsActivePort");
        let t = Instant::now();
        let port = loop {
            if let Some(p) = std::fs::read_to_string(&file)
                .ok()
                .and_then(|s| s.lines().next().and_then(|l| l.trim().parse().ok()))
            {
                break p;
            }
            assert!(t.elapsed() < WAIT, "chromium's DevTools port never appeared");
            std::thread::sleep(Duration::from_millis(50));
        };
        Self { child, port, _profile: profile }
    }

    /// Opens `url` in a new tab.
    pub fn open(&self, url: &str) -> Page {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut s = TcpStream::connect_timeout(&addr, WAIT).expect("DevTools");
        s.set_read_timeout(Some(WAIT)).expect("timeout");
        let target = url.replace('%', "%25").replace('#', "%23").replace('&', "%26");
        write!(
            s,
            "PUT /json/new?{target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        )
        .expect("request");
        let mut answer = String::new();
        let _ = s.read_to_string(&mut answer);
        let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
        let json: serde_json::Value = serde_json::from_str(body).expect("DevTools answers JSON");
        let ws_url = json["webSocketDebuggerUrl"].as_str().expect("a page socket").to_string();
        let tcp = TcpStream::connect_timeout(&addr, WAIT).expect("DevTools");
        tcp.set_read_timeout(Some(WAIT)).expect("timeout");
        let (ws, _) = tungstenite::client(ws_url.as_str(), tcp).expect("DevTools socket");
        Page { ws, next: 1 }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Page {
    pub fn call(&mut self, method: &str, params: &serde_json::Value) -> serde_json::Value {
        let id = self.next;
        self.next += 1;
        let msg = serde_json::json!({ "id": id, "method": method, "params": params });
        self.ws.send(tungstenite::Message::text(msg.to_string())).expect("send");
        loop {
            let m = self.ws.read().expect("DevTools reply");
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(m.to_text().unwrap_or(""))
                && v["id"] == id
            {
                return v["result"].clone();
            }
        }
    }

    /// The text of the element with this id ("" when there is none).
    pub fn text(&mut self, id: &str) -> String {
        let expr = format!("(document.getElementById('{id}') || {{}}).textContent || ''");
        let r = self.call(
            "Runtime.evaluate",
            &serde_json::json!({ "expression": expr, "returnByValue": true }),
        );
        r["result"]["value"].as_str().unwrap_or_default().to_string()
    }

    /// Waits until the element's text satisfies `ok`; returns it.
    pub fn wait_text(&mut self, id: &str, ok: impl Fn(&str) -> bool) -> String {
        let t = Instant::now();
        loop {
            let text = self.text(id);
            if ok(&text) {
                return text;
            }
            assert!(t.elapsed() < WAIT, "#{id} stayed {text:?}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A PNG of the page, when `CONVENE_SHARE_SCREENSHOT` names a file (to look at it).
    pub fn screenshot(&mut self) {
        let Some(path) = std::env::var_os("CONVENE_SHARE_SCREENSHOT") else { return };
        let r = self.call("Page.captureScreenshot", &serde_json::json!({ "format": "png" }));
        std::fs::write(path, r["data"].as_str().unwrap_or_default()).expect("screenshot");
    }
}

/// A device clock for [`clock_errors`]: off by `shift_ms` from the start, running `rate` fast
/// (0.001: 0.1 % fast; negative: slow).
#[derive(Debug, Clone, Copy)]
pub struct DeviceClock {
    pub shift_ms: i64,
    pub rate: f64,
}

/// The page's own clock, set before any script of the page runs: `Date.now()` and `new Date()`
/// read the device clock; `window.__flips` records, on the real clock, each time the countdown's
/// text is set.
fn clock_script(c: DeviceClock) -> String {
    format!(
        r"(() => {{
  const Real = Date;
  const realNow = Real.now.bind(Real);
  const t0 = realNow();
  const fake = () => Math.round(realNow() + ({shift}) + (realNow() - t0) * ({rate}));
  class DeviceDate extends Real {{
    constructor(...a) {{ if (a.length === 0) super(fake()); else super(...a); }}
    static now() {{ return fake(); }}
  }}
  window.Date = DeviceDate;
  window.__flips = [];
  document.addEventListener('DOMContentLoaded', () => {{
    const c = document.getElementById('count');
    new MutationObserver(() => window.__flips.push([realNow(), c.textContent]))
      .observe(c, {{ childList: true, characterData: true, subtree: true }});
  }});
}})();",
        shift = c.shift_ms,
        rate = c.rate
    )
}

/// Opens `url` in a new tab of `browser` whose clock is `clock`, lets it count down for `run`,
/// and returns how late (positive, ms) or early each change of the shown second was against
/// the laptop's: the laptop shows `n` seconds from `deadline_ms - n * 1000` (its wall clock, ms
/// since 1970), the page from the moment it set the text. The first `settle` is left out (the
/// page loading).
pub fn clock_errors(
    browser: &Browser,
    url: &str,
    clock: DeviceClock,
    deadline_ms: i64,
    settle: Duration,
    run: Duration,
) -> Vec<i64> {
    let mut page = browser.open("about:blank");
    page.call("Page.enable", &serde_json::json!({}));
    page.call(
        "Page.addScriptToEvaluateOnNewDocument",
        &serde_json::json!({ "source": clock_script(clock) }),
    );
    // The browser's real clock against this process's (the laptop's): the same but for a
    // request's round trip, unless CI has moved this one years away (faketime, which the
    // browser does not run under). Flips are recorded on the browser's clock and read on ours.
    let before = chrono::Utc::now().timestamp_millis();
    let r = page.call(
        "Runtime.evaluate",
        &serde_json::json!({ "expression": "Date.now()", "returnByValue": true }),
    );
    let after = chrono::Utc::now().timestamp_millis();
    #[allow(clippy::cast_possible_truncation)] // milliseconds since 1970 fit an i64
    let browser_now = r["result"]["value"].as_f64().expect("the browser's clock") as i64;
    let skew = i64::midpoint(before, after) - browser_now;
    let started = chrono::Utc::now().timestamp_millis();
    page.call("Page.navigate", &serde_json::json!({ "url": url }));
    std::thread::sleep(settle + run);
    let r = page.call(
        "Runtime.evaluate",
        &serde_json::json!({ "expression": "JSON.stringify(window.__flips || [])",
                             "returnByValue": true }),
    );
    let flips: Vec<(i64, String)> =
        serde_json::from_str(r["result"]["value"].as_str().unwrap_or("[]")).unwrap_or_default();
    let from = started + i64::try_from(settle.as_millis()).unwrap_or(i64::MAX);
    let mut errors = Vec::new();
    let mut shown: Option<&str> = None;
    for (at, text) in &flips {
        if shown == Some(text.as_str()) {
            continue;
        }
        shown = Some(text.as_str());
        let Some((m, s)) = text.split_once(':') else { continue };
        let (Ok(m), Ok(s)) = (m.parse::<i64>(), s.parse::<i64>()) else { continue };
        let at = at + skew;
        if at >= from {
            errors.push(at - (deadline_ms - (m * 60 + s) * 1000));
        }
    }
    errors
}
