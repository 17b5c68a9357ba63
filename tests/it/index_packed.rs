//! Commitments and follow-ups packed a session to a row in the review index (issue 24, schema
//! 19): what the index gives back, whatever the texts hold and however the sessions' times
//! overlap, is what replaying the logs gives.

use crate::support;

use std::path::Path;

use convene::review::Index;
use convene::review::actions::ActionFilter;
use convene::review::open_commitments;
use support::fixtures::{S1, S2, S3, data_with};
use support::oracle::{actions, digests, resolve, scan};

/// Every kind of character a commitment or a note may hold, as JSON writes it: quotes, a bar,
/// a backslash, a tab, a newline, control characters, a combining mark, right-to-left text, an
/// emoji sequence, a byte order mark and the largest scalar.
const ODD: &str = r#"\"'|\\\t\n\r\u0000\u007f\u001b[31m e\u0301 \u202eabc \ud83d\udc69\u200d\ud83d\udc67 \ufeff\udbff\udfff"#;

/// Adds `events` (JSON objects without `seq`) to a session's log before its last event, and
/// numbers every event again.
fn add_events(data: &Path, id: &str, events: &[String]) {
    let path = data.join("sessions").join(format!("{id}.jsonl"));
    let text = std::fs::read_to_string(&path).expect("log");
    let mut lines: Vec<String> = text.lines().map(String::from).collect();
    let last = lines.pop().expect("an event");
    lines.extend(events.iter().cloned());
    lines.push(last);
    let mut seq = 0;
    let numbered: Vec<String> = lines
        .into_iter()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_str(&l).expect("json line");
            if let Some(o) = v.as_object_mut().filter(|o| o.contains_key("seq")) {
                seq += 1;
                o.insert("seq".into(), seq.into());
            }
            v.to_string()
        })
        .collect();
    std::fs::write(&path, numbered.join("\n") + "\n").expect("write");
}

fn added(wall: &str, id: &str, owner: &str, text: &str, due: Option<&str>) -> String {
    let due = due.map(|d| format!(r#","due":"{d}""#)).unwrap_or_default();
    format!(
        r#"{{"seq":0,"at":900000,"wall":"{wall}","type":"commitment-added","id":"{id}","pos":3,"owner":"{owner}","text":"{text}"{due},"round":0}}"#
    )
}

fn updated(
    wall: &str,
    session: Option<&str>,
    id: &str,
    status: &str,
    note: Option<&str>,
) -> String {
    let session = session.map(|s| format!(r#","session":"{s}""#)).unwrap_or_default();
    let note = note.map(|n| format!(r#","note":"{n}""#)).unwrap_or_default();
    format!(
        r#"{{"seq":0,"at":900000,"wall":"{wall}","type":"commitment-updated"{session},"id":"{id}","status":"{status}"{note}}}"#
    )
}

/// Checks the index's digests, `actions` with several filters and a group's carried
/// commitments against replaying the logs.
fn check(data: &Path) {
    let s = scan(data).expect("scan");
    for e in &s.entries {
        let direct = convene::log::reader::read_log(&e.path)
            .map(|log| convene::review::Digest::of_log(&log))
            .map_err(|err| err.0);
        assert_eq!(e.digest, direct, "{}", e.id);
    }
    let index = Index::open(data).expect("index");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    for filter in [
        ActionFilter::default(),
        ActionFilter { open: true, ..Default::default() },
        ActionFilter { person: Some("lee".into()), ..Default::default() },
        ActionFilter { group: Some("year 9 TEAM".into()), ..Default::default() },
    ] {
        let want = actions(digests(&s), &filter, today);
        let mut got = Vec::new();
        index
            .for_each_action(&filter, today, |a| {
                got.push(a);
                true
            })
            .expect("actions");
        assert_eq!(got, want, "{filter:?}");
    }
    let filter =
        ActionFilter { group: Some("Year 9 team".into()), open: true, ..Default::default() };
    let want: Vec<(String, String)> =
        actions(digests(&s), &filter, today).into_iter().map(|a| (a.session, a.id)).collect();
    let carried: Vec<(String, String)> =
        open_commitments(data, "Year 9 team").into_iter().map(|c| (c.session, c.id)).collect();
    assert_eq!(carried, want);
}

/// A commitment whose id, owner, text and due date hold every odd character, and a follow-up
/// whose note does, read back from the index exactly as the log wrote them; `actions` lists
/// them as replaying the logs does.
#[test]
fn a_commitment_with_every_odd_character_reads_back_as_written() {
    let data = data_with(&[S1, S2, S3]);
    let d = data.path();
    add_events(
        d,
        S2,
        &[
            added("2026-11-09T09:16:00.000+05:45", ODD, ODD, ODD, Some(ODD)),
            added("2026-11-09T09:16:30.123-03:30", "c2", "Ann  Lee", "", Some("")),
            updated("2026-11-09T09:17:00.000+00:00", None, ODD, "not-yet", Some(ODD)),
        ],
    );
    add_events(d, S3, &[updated("2026-11-16T09:20:00.000+00:00", Some(S2), ODD, "done", Some(""))]);
    check(d);
    let s = scan(d).expect("scan");
    let digest = resolve(&s, S2).expect("S2").digest.clone().expect("readable");
    let odd = digest.commitments.iter().find(|c| c.text.contains('\u{202e}')).expect("odd");
    assert_eq!(odd.owner, odd.text);
    assert_eq!(odd.id, odd.text);
    assert_eq!(odd.due.as_deref(), Some(odd.text.as_str()));
    assert!(odd.text.contains("\u{0}\u{7f}\u{1b}[31m") && odd.text.contains('\u{10ffff}'));
    assert_eq!(odd.made.to_rfc3339(), "2026-11-09T09:16:00+05:45");
    assert_eq!(digest.updates.last().and_then(|u| u.note.as_deref()), Some(odd.text.as_str()));
}

/// A session whose commitments were made hours apart (a laptop's clock put right in the
/// middle) is read as one row, yet `actions` lists its commitments among the other sessions'
/// in the order they were made; follow-ups recorded at the same moment come in the order of
/// the sessions that recorded them.
#[test]
fn commitments_of_sessions_overlapping_in_time_come_in_the_order_they_were_made() {
    let data = data_with(&[S1, S2, S3]);
    let d = data.path();
    // S1's third, fourth and fifth commitments come after S2's and S3's; c4 and c10 were made at
    // the same moment (in two time zones), so the number in the id orders them.
    add_events(
        d,
        S1,
        &[
            added("2026-11-12T10:00:00.000+00:00", "c3", "Ann Lee", "Late", None),
            added("2026-11-17T08:00:00.000+01:00", "c10", "Ann Lee", "Later", Some("2 weeks")),
            added("2026-11-17T07:00:00.000+00:00", "c4", "Cat Diaz", "Same moment", None),
        ],
    );
    // S2 and S3 both follow S1's c3 up at the same moment: S3's comes last, so it is the latest.
    add_events(d, S2, &[updated("2026-11-20T09:00:00.000+00:00", Some(S1), "c3", "done", None)]);
    add_events(d, S3, &[updated("2026-11-20T09:00:00.000+00:00", Some(S1), "c3", "not-yet", None)]);
    check(d);
    let index = Index::open(d).expect("index");
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    let mut got = Vec::new();
    index
        .for_each_action(&ActionFilter::default(), today, |a| {
            got.push(format!("{} {} {}", &a.session[4..8], a.id, a.status));
            true
        })
        .expect("actions");
    assert_eq!(
        got,
        [
            "1102 c1 done",
            "1102 c2 open",
            "1109 c1 open",
            "1102 c3 open",
            "1102 c4 open",
            "1102 c10 open",
        ]
    );
}
