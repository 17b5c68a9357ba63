//! Synthetic session logs for trying out and measuring the review commands.
//!
//! ```text
//! cargo run --release --example gen_logs -- --count 10000 --out /tmp/convene-data [--seed 7]
//! CONVENE_DATA_DIR=/tmp/convene-data convene logs list
//! ```
//!
//! `--out` is a new (or empty) data folder: logs go to `DIR/sessions/YYYY-MM/`, as convene
//! writes them; with `--flat`, to `DIR/sessions/` itself, as convene wrote them before month
//! folders (to measure that layout). It prints how many logs and commitments it wrote. How the
//! sessions are made: [`generate`].

mod generate;

use std::path::PathBuf;
use std::process::ExitCode;

use generate::Options;

fn args() -> Result<Options, String> {
    let mut count = None;
    let mut out = None;
    let mut seed = 1;
    let mut flat = false;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--count" => count = Some(value()?.parse().map_err(|_| "--count: a number")?),
            "--out" => out = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|_| "--seed: a number")?,
            "--flat" => flat = true,
            _ => return Err(format!("unknown argument {a}")),
        }
    }
    match (count, out) {
        (Some(count), Some(out)) => Ok(Options { count, out, seed, flat }),
        _ => Err("usage: gen_logs --count N --out DIR [--seed S] [--flat]".into()),
    }
}

fn main() -> ExitCode {
    let summary = args().and_then(|o| generate::generate(&o).map_err(|e| format!("gen_logs: {e}")));
    match summary {
        Ok(s) => {
            println!(
                "wrote {} logs with {} commitments to {}: {:?}",
                s.logs,
                s.commitments,
                s.sessions.display(),
                s.outcomes
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
