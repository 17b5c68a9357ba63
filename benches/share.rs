//! `cargo bench --bench share`: sharing a session with 60 devices, measured in convene's own
//! process (the share's thread is the only one that works; the devices are reader threads that
//! sleep in `read`):
//! - how soon a stage change reaches all 60 devices (from the log line written to the event read
//!   by each device; p99 over every device and every change);
//! - the CPU the process uses with 60 devices connected and the session idle, against the same
//!   process before sharing (Linux: `/proc/self/stat`);
//! - the memory the share adds with 60 devices connected (Linux: `VmRSS`);
//! - the page's weight.
//!
//! `CONVENE_BENCH_QUICK=1`: 5 devices, 3 changes, one second idle (only to check that it runs).

#![allow(clippy::cast_precision_loss, clippy::disallowed_methods)]

mod common;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::{percentile, quick, size, triad_setup, wall};
use convene::log::writer::LogWriter;
use convene::log::{Header, session_id};
use convene::session::{Command, Now, SessionState, apply, decide};
use convene::share::{Share, ShareOptions};

fn now(ms: u64) -> Now {
    Now::new(ms, wall(ms))
}

/// User plus system CPU time of this process, in clock ticks (100 per second on Linux).
fn cpu_ticks() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let after = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = after.split_whitespace().collect();
    Some(f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?)
}

/// Resident memory of this process, in KiB.
fn rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// CPU used over `secs` seconds, as a percentage of one core.
fn cpu_over(secs: u64) -> Option<f64> {
    let before = cpu_ticks()?;
    std::thread::sleep(Duration::from_secs(secs));
    let used = cpu_ticks()? - before;
    Some(used as f64 / (secs as f64 * 100.0) * 100.0)
}

/// A device: reads the stream and reports each event id with the moment it arrived.
fn device(addr: SocketAddr, path: String, seen: mpsc::Sender<(u64, Instant)>) {
    std::thread::spawn(move || {
        let Ok(mut s) = TcpStream::connect(addr) else { return };
        let _ = write!(s, "GET {path}events HTTP/1.1\r\nHost: localhost\r\n\r\n");
        let mut buf = [0u8; 16 * 1024];
        let mut text = String::new();
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            let at = Instant::now();
            text.push_str(&String::from_utf8_lossy(&buf[..n]));
            while let Some(i) = text.find("\n\n") {
                let block: String = text.drain(..i + 2).collect();
                for l in block.lines() {
                    if let Some(id) = l.strip_prefix("id:").and_then(|v| v.trim().parse().ok()) {
                        let _ = seen.send((id, at));
                    }
                }
            }
        }
    });
}

fn main() {
    let devices = size(60, 5);
    let changes = size(40, 3);
    let idle = if quick() { 1 } else { 20 };
    let tmp = tempfile::tempdir().expect("tempdir");
    let setup = triad_setup();
    let header = Header::new(session_id(wall(0).to_utc()), wall(0), setup.clone());
    let mut w = LogWriter::create(tmp.path(), &header.session, &header);
    let mut st = SessionState::new(setup);
    let mut mono = 0;

    let unshared_cpu = cpu_over(idle);
    let rss_before = rss_kib();
    let opts = ShareOptions {
        addr: Some("127.0.0.1".parse().expect("address")),
        port: Some(0),
        ..ShareOptions::default()
    };
    let share = Share::start(&w.path, &opts).expect("sharing starts");
    let addr = SocketAddr::from(([127, 0, 0, 1], share.port));
    let path = share.url().split_once(&format!(":{}", share.port)).expect("port").1.to_string();
    let (tx, rx) = mpsc::channel();
    for _ in 0..devices {
        device(addr, path.clone(), tx.clone());
    }
    let t = Instant::now();
    while share.devices() < devices {
        assert!(t.elapsed() < Duration::from_secs(30), "devices connect");
        std::thread::sleep(Duration::from_millis(10));
    }
    while rx.try_recv().is_ok() {}

    let run = |cmd: Command, mono: u64, w: &mut LogWriter, st: &mut SessionState| {
        let mut last = 0;
        for e in decide(st, cmd, now(mono)).expect("accepted") {
            assert!(w.append(&e));
            apply(st, &e);
            last += 1;
        }
        last
    };
    run(Command::Start, mono, &mut w, &mut st);
    std::thread::sleep(Duration::from_millis(300));
    while rx.try_recv().is_ok() {}
    let mut seq = std::fs::read_to_string(&w.path).expect("log").lines().count() as u64 - 1;
    let mut latencies = Vec::new();
    for i in 0..changes {
        mono += 5_000;
        let written = Instant::now();
        // Back and forth between two stages: as many changes as wanted in a short session.
        let cmd = if i % 2 == 0 { Command::Next { force: true } } else { Command::Back };
        seq += run(cmd, mono, &mut w, &mut st);
        let mut got = 0;
        while got < devices {
            let (id, at) = rx.recv_timeout(Duration::from_secs(10)).expect("the change arrives");
            if id == seq {
                latencies.push(at.duration_since(written).as_secs_f64() * 1000.0);
                got += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let shared_cpu = cpu_over(idle);
    let rss_after = rss_kib();
    println!("devices: {devices}, stage changes: {changes}");
    println!(
        "stage change to every device: median {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        percentile(&mut latencies, 500),
        percentile(&mut latencies, 990),
        percentile(&mut latencies, 1000)
    );
    match (unshared_cpu, shared_cpu) {
        (Some(a), Some(b)) => println!(
            "CPU over {idle} s idle: {a:.2} % of a core unshared, {b:.2} % shared with {devices} devices (+{:.2} %)",
            b - a
        ),
        _ => println!("CPU: not measured here (Linux only)"),
    }
    if let (Some(a), Some(b)) = (rss_before, rss_after) {
        println!(
            "memory: {:.1} MiB before sharing, {:.1} MiB with {devices} devices (+{:.1} MiB, the devices' threads included)",
            a as f64 / 1024.0,
            b as f64 / 1024.0,
            (b as f64 - a as f64) / 1024.0
        );
    }
    let page: u64 = ["index.html", "app.js", "app.css"]
        .iter()
        .map(|f| {
            let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/share/page").join(f);
            std::fs::metadata(p).map_or(0, |m| m.len())
        })
        .sum();
    println!("page: {page} bytes ({:.1} KiB) in three files", page as f64 / 1024.0);
    drop(share);
}
