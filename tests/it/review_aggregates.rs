//! What the index keeps so that the review's big questions do not grow with the history
//! (issue 24): the report's figures per protocol, kept up to date as logs come, change and go;
//! the person filter's keys, looked up rather than searched for; and the list's first screen,
//! printed before the rest is read.

use std::path::{Path, PathBuf};

use convene::review::{Filter, Index};

use crate::gen_logs::generate::{Options, generate};
use crate::support::cli;

/// A data folder of `count` generated logs (seed `seed`) in `tmp`.
fn generated(tmp: &Path, count: usize, seed: u64) -> PathBuf {
    let data = tmp.join(format!("data-{seed}"));
    generate(&Options { count, out: data.clone(), seed, flat: false }).expect("generated");
    data
}

/// `report --json`, from the figures the index keeps (no filter).
fn kept(data: &Path) -> serde_json::Value {
    serde_json::from_str(&cli::ok(&cli::run(data, &["report", "--json"]))).expect("JSON")
}

/// The same report worked out from the runs: a filter every session passes.
fn worked_out(data: &Path) -> serde_json::Value {
    let out = cli::ok(&cli::run(data, &["report", "--json", "--since", "2000-01-01"]));
    serde_json::from_str(&out).expect("JSON")
}

fn logs(data: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for month in std::fs::read_dir(data.join("sessions")).expect("sessions").flatten() {
        for log in std::fs::read_dir(month.path()).expect("month").flatten() {
            out.push(log.path());
        }
    }
    out.sort();
    out
}

#[test]
fn the_kept_report_follows_logs_that_come_change_and_go() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = generated(tmp.path(), 120, 3);
    let first = kept(&data);
    assert_eq!(first["sessions"], 120);
    assert_eq!(first, worked_out(&data), "after the first build");
    assert_eq!(kept(&data), first, "read again from what was kept");

    // New logs arrive (another group's sessions, as a sync tool brings them).
    let other = generated(tmp.path(), 30, 4);
    for log in logs(&other) {
        let month = log.parent().and_then(Path::file_name).expect("month");
        let to = data.join("sessions").join(month);
        std::fs::create_dir_all(&to).expect("month folder");
        std::fs::rename(&log, to.join(log.file_name().expect("name"))).expect("moved");
    }
    let more = kept(&data);
    assert_eq!(more["sessions"], 150);
    assert_eq!(more, worked_out(&data), "after new logs");

    // Logs go, and one is cut short (its last stages no longer run).
    let all = logs(&data);
    for gone in all.iter().step_by(7) {
        std::fs::remove_file(gone).expect("removed");
    }
    let cut = &all[1];
    let text = std::fs::read_to_string(cut).expect("log");
    let lines: Vec<&str> = text.lines().collect();
    std::fs::write(cut, lines[..lines.len() / 2].join("\n") + "\n").expect("cut");
    let fewer = kept(&data);
    assert_eq!(fewer["sessions"], 150 - all.iter().step_by(7).count());
    assert_eq!(fewer, worked_out(&data), "after logs went and one was cut short");
    assert_ne!(fewer, more);

    // A copy of a session with more events than the one shown (a sync conflict): it is shown.
    let whole = std::fs::read_to_string(&all[2]).expect("log");
    let lines: Vec<&str> = whole.lines().collect();
    std::fs::write(&all[2], lines[..lines.len() / 2].join("\n") + "\n").expect("cut");
    let stem = all[2].file_stem().and_then(|s| s.to_str()).expect("stem");
    std::fs::write(all[2].with_file_name(format!("{stem} (1).jsonl")), &whole).expect("copy");
    assert_eq!(kept(&data), worked_out(&data), "after another copy is shown");
}

#[test]
fn the_report_reads_the_figures_the_index_keeps() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = generated(tmp.path(), 40, 5);
    let before = kept(&data);
    let stage = before["protocols"][0]["stages"][0]["stage"].as_str().expect("stage").to_string();
    // Change what is kept, as no log could: the report shows it, so it is what the report reads.
    convene::review::index::use_cache_dir(crate::support::fixtures::test_cache_dir());
    let path = convene::review::index::index_path(&data).expect("index path");
    let db = rusqlite::Connection::open(&path).expect("index");
    let changed = db
        .execute("UPDATE report_stages SET median_actual_ms = 4242000 WHERE stage = ?1", [&stage])
        .expect("update");
    assert!(changed > 0);
    drop(db);
    let after = kept(&data);
    assert_eq!(after["protocols"][0]["stages"][0]["median_actual_ms"], 4_242_000);
    // A filter works the figures out from the runs.
    assert_eq!(worked_out(&data), before);
}

/// `logs list --person NAME --json`: the ids listed.
fn ids_of(data: &Path, person: &str) -> Vec<String> {
    let out = cli::ok(&cli::run(data, &["logs", "list", "--json", "--person", person]));
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    v["sessions"].as_array().expect("sessions").iter().map(|s| s["id"].to_string()).collect()
}

#[test]
fn the_person_filter_finds_whole_names_and_words_and_forgets_logs_that_went() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = generated(tmp.path(), 60, 6);
    let listed = cli::ok(&cli::run(&data, &["logs", "list", "--json"]));
    let v: serde_json::Value = serde_json::from_str(&listed).expect("JSON");
    let sessions = v["sessions"].as_array().expect("sessions");
    let name = sessions[0]["participants"][0].as_str().expect("a name").to_string();
    let first = name.split_whitespace().next().expect("a first name").to_uppercase();
    let expected = |who: &str| -> Vec<String> {
        sessions
            .iter()
            .filter(|s| {
                s["participants"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain(s["facilitator"].as_str().map(|_| &s["facilitator"]))
                    .filter_map(serde_json::Value::as_str)
                    .any(|n| convene::review::filter::name_matches(n, who))
            })
            .map(|s| s["id"].to_string())
            .collect()
    };
    let whole = ids_of(&data, &name);
    assert!(!whole.is_empty());
    assert_eq!(whole, expected(&name));
    assert_eq!(ids_of(&data, &first), expected(&first), "a word of a name, any case");
    // The person's first session goes: it is listed no more.
    let gone = sessions
        .iter()
        .find(|s| whole.contains(&s["id"].to_string()))
        .and_then(|s| s["path"].as_str())
        .expect("a log of theirs");
    std::fs::remove_file(gone).expect("removed");
    assert_eq!(ids_of(&data, &name).len(), whole.len() - 1);
}

#[test]
fn a_long_list_on_a_terminal_prints_its_first_screen_before_the_rest() {
    convene::review::index::use_cache_dir(crate::support::fixtures::test_cache_dir());
    let tmp = tempfile::tempdir().expect("temp dir");
    let data = generated(tmp.path(), 50, 8);
    let index = Index::open(&data).expect("index");
    let mut pieces: Vec<String> = Vec::new();
    let filter = Filter::default();
    convene::review::list::table_paged(&index, &filter, Some(150), Some(12), |piece| {
        pieces.push(piece.to_string());
        true
    })
    .expect("listed");
    // A screen of 12 lines: the header and 10 sessions, then a line for the prompt.
    let screen: Vec<&str> = pieces[0].lines().collect();
    assert_eq!(screen.len(), 11, "{}", pieces[0]);
    assert!(screen[0].starts_with("WHEN"));
    let whole = pieces.concat();
    let mut unpaged = String::new();
    convene::review::list::table(&index, &filter, Some(150), |piece| {
        unpaged.push_str(piece);
        true
    })
    .expect("listed");
    // The same sessions in the same order, and the same closing count.
    let ids = |text: &str| -> Vec<String> {
        text.lines()
            .filter(|l| l.starts_with("20"))
            .filter_map(|l| l.split_whitespace().last().map(String::from))
            .collect()
    };
    assert_eq!(ids(&whole).len(), 50);
    assert_eq!(ids(&whole), ids(&unpaged));
    assert!(whole.ends_with("50 sessions\n"), "{whole}");
    // The rest lines up with the first screen: no ID starts left of the header's.
    let id_at = screen[0].find("ID").expect("ID column");
    for line in whole.lines().filter(|l| l.starts_with("20")) {
        let id = line.trim_end().rfind(' ').map_or(0, |i| i + 1);
        assert!(id >= id_at, "{line}\n{}", screen[0]);
    }
}
