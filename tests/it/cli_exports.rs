//! Exports in the formats schools use: `report` and `actions` as CSV, commitments as an
//! iCalendar file, minutes as a printable HTML page. The real binary on copies of the fixture
//! sessions; outputs are compared with the files in `tests/golden/` (`UPDATE_GOLDEN=1` rewrites
//! them after a deliberate change: read the diff).

use crate::support;

use std::path::Path;
use std::process::Output;

use support::cli::{ok, stderr};
use support::fixtures::{ALL, S1, S2, data_with};

fn convene(data: &Path, args: &[&str]) -> Output {
    support::cli::run(data, args)
}

fn golden(name: &str, got: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden").join(name);
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(&path, got).expect("write golden");
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("{}: {e} (run with UPDATE_GOLDEN=1 to create it)", path.display())
    });
    assert!(want == got, "{} differs:\n--- want\n{want}\n--- got\n{got}", path.display());
}

fn records(text: &str) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(text.as_bytes()).records().map(|r| r.expect("a row")).collect()
}

#[test]
fn report_as_csv_has_a_row_per_protocol_stage_with_the_text_reports_figures() {
    let data = data_with(&ALL);
    let out = ok(&convene(data.path(), &["report", "--format", "csv"]));
    golden("report.csv", &out);
    let json: serde_json::Value =
        serde_json::from_str(&ok(&convene(data.path(), &["report", "--json"]))).expect("json");
    let stages: usize = json["protocols"]
        .as_array()
        .expect("protocols")
        .iter()
        .map(|p| p["stages"].as_array().expect("stages").len())
        .sum();
    let rows = records(&out);
    assert_eq!(rows.len(), stages, "one row per protocol stage");
    let tuning = &json["protocols"][0];
    let first = &rows[0];
    assert_eq!(&first[0], tuning["id"].as_str().expect("id"));
    assert_eq!(first[5].parse::<u64>().ok(), tuning["stages"][0]["runs"].as_u64());
    let planned_ms = tuning["stages"][0]["median_planned_ms"].as_u64().expect("ms");
    assert_eq!(first[6], (planned_ms / 1000).to_string(), "whole seconds in the fixtures");
    assert_eq!(planned_ms % 1000, 0);

    let bom = ok(&convene(data.path(), &["report", "--format", "csv", "--bom"]));
    assert_eq!(bom, format!("\u{feff}{out}"));
    // The same filters as the text report.
    let one =
        ok(&convene(data.path(), &["report", "--format", "csv", "--protocol", "grow-coaching"]));
    assert!(one.lines().skip(1).all(|l| l.starts_with("grow-coaching,")), "{one}");
    let bad = convene(data.path(), &["report", "--bom"]);
    assert_eq!(bad.status.code(), Some(2), "--bom is for CSV");
    assert!(stderr(&bad).contains("--bom is for CSV"), "{}", stderr(&bad));
}

#[test]
fn actions_as_csv_has_a_row_per_commitment_and_the_same_filters() {
    let data = data_with(&ALL);
    let out = ok(&convene(data.path(), &["actions", "--format", "csv"]));
    golden("actions.csv", &out);
    let header = out.lines().next().expect("header");
    assert_eq!(
        header,
        "session,commitment,protocol,group,owner,commitment_text,due,due_date,made,status,latest,overdue,follow_ups"
    );
    let json: serde_json::Value =
        serde_json::from_str(&ok(&convene(data.path(), &["actions", "--json"]))).expect("json");
    let all = json["commitments"].as_array().expect("commitments");
    let rows = records(&out);
    assert_eq!(rows.len(), all.len());
    for (row, c) in rows.iter().zip(all) {
        assert_eq!(&row[0], c["session"].as_str().expect("session"));
        assert_eq!(&row[4], c["owner"].as_str().expect("owner"));
        assert_eq!(&row[9], c["status"].as_str().expect("status"));
    }
    let open = records(&ok(&convene(data.path(), &["actions", "--format", "csv", "--open"])));
    assert!(open.iter().all(|r| &r[9] == "open") && open.len() < rows.len());
    let bom = ok(&convene(data.path(), &["actions", "--format", "csv", "--bom"]));
    assert_eq!(bom, format!("\u{feff}{out}"));
}

#[test]
fn commitments_as_icalendar_are_all_day_events_with_stable_uids() {
    let data = data_with(&ALL);
    let out = ok(&convene(data.path(), &["actions", "--format", "ics"]));
    golden("actions.ics", &out);
    assert!(out.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "{out}");
    assert!(out.ends_with("END:VCALENDAR\r\n"));
    // CRLF everywhere, no line over 75 octets.
    for line in out.split("\r\n") {
        assert!(!line.contains('\n') && !line.contains('\r'), "{line:?}");
        assert!(line.len() <= 75, "{} octets: {line:?}", line.len());
    }
    let unfolded = out.replace("\r\n ", "");
    let uids: Vec<&str> = unfolded.split("\r\n").filter(|l| l.starts_with("UID:")).collect();
    let with_due = serde_json::from_str::<serde_json::Value>(&ok(&convene(
        data.path(),
        &["actions", "--json"],
    )))
    .expect("json")["commitments"]
        .as_array()
        .expect("commitments")
        .iter()
        .filter(|c| c.get("due_date").is_some())
        .count();
    assert_eq!(uids.len(), with_due, "one event per commitment with a due date");
    let mut unique = uids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), uids.len(), "{uids:?}");
    assert!(uids.contains(&format!("UID:{S1}-c1@convene").as_str()), "{uids:?}");
    assert_eq!(
        unfolded.matches("BEGIN:VEVENT").count(),
        unfolded.matches("DTSTART;VALUE=DATE:").count()
    );
    // A second export is the same file: a calendar updates its events rather than adding more.
    assert_eq!(out, ok(&convene(data.path(), &["actions", "--format", "ics"])));
    // Only the open ones, to a file.
    let file = data.path().join("open.ics");
    let o = convene(
        data.path(),
        &["actions", "--open", "--format", "ics", "-o", file.to_str().expect("utf-8")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let written = std::fs::read_to_string(&file).expect("read");
    assert!(written.starts_with("BEGIN:VCALENDAR\r\n") && !written.contains("SUMMARY:done:"));
}

#[test]
fn minutes_as_a_printable_html_page() {
    let data = data_with(&ALL);
    let page = ok(&convene(data.path(), &["logs", "export", S1, "--format", "html"]));
    golden("20261102-090000-000.html", &page);
    assert!(page.contains("@media print") && page.contains("<h2>Private notes</h2>"));
    let red = ok(&convene(data.path(), &["logs", "export", S2, "--format", "html", "--redact"]));
    for name in ["Ann", "Ben", "Okafor"] {
        assert!(!red.contains(name), "{name} in the redacted page");
    }
    let file = data.path().join("minutes.html");
    let o = convene(
        data.path(),
        &["logs", "export", S1, "--format", "html", "-o", file.to_str().expect("utf-8")],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&file).expect("read"), page);
    let many = convene(data.path(), &["logs", "export", "--format", "html"]);
    assert_eq!(many.status.code(), Some(2), "many sessions are one CSV");
}
