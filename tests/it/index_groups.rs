//! A group's rows kept side by side in the index (issue 24: the first frame of
//! `convene run --group X` after a reboot reads a few pages): the commitments by their session's
//! group, the follow-ups by the group of the session that made the commitment. They stay right as
//! logs arrive (before or after the sessions they follow up), change group and go: what a new
//! session of the group carries is, at every step, what replaying the logs gives.

use crate::support;

use std::path::Path;

use convene::review::actions::ActionFilter;
use convene::review::open_commitments;
use support::fixtures::{FIXTURES, S1, S2, S3, data_with};
use support::oracle::{actions, digests, scan};

const Y9: &str = "Year 9 team";
const Y10: &str = "Year 10 team";

/// Commitments as (session, id).
type Keys = Vec<(String, String)>;

/// The commitments a new session of `group` carries, as (session, id), from the index.
fn carried(data: &Path, group: &str) -> Keys {
    open_commitments(data, group).into_iter().map(|c| (c.session, c.id)).collect()
}

/// The same, from replaying every log (no index).
fn replayed(data: &Path, group: &str) -> Keys {
    let s = scan(data).expect("scan");
    let filter = ActionFilter { group: Some(group.into()), open: true, ..Default::default() };
    let today = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
    actions(digests(&s), &filter, today).into_iter().map(|a| (a.session, a.id)).collect()
}

fn pairs(items: &[(&str, &str)]) -> Keys {
    items.iter().map(|(s, c)| ((*s).to_string(), (*c).to_string())).collect()
}

/// Checks both groups against the replay, and returns what each carries.
fn both(data: &Path) -> (Keys, Keys) {
    let (y9, y10) = (carried(data, Y9), carried(data, Y10));
    assert_eq!(y9, replayed(data, Y9), "{Y9}");
    assert_eq!(y10, replayed(data, Y10), "{Y10}");
    (y9, y10)
}

/// Writes a fixture log into the sessions folder as a sync tool delivers it (written beside,
/// then renamed in: a new file), with its group renamed to `group`.
fn deliver(data: &Path, id: &str, group: &str) {
    let text =
        std::fs::read_to_string(Path::new(FIXTURES).join(format!("{id}.jsonl"))).expect("fixture");
    let text =
        text.replacen("\"group_name\":\"Year 9 team\"", &format!("\"group_name\":\"{group}\""), 1);
    let tmp = data.join(format!(".{id}.arriving"));
    std::fs::write(&tmp, text).expect("write");
    std::fs::rename(&tmp, data.join("sessions").join(format!("{id}.jsonl"))).expect("rename");
}

fn remove(data: &Path, id: &str) {
    std::fs::remove_file(data.join("sessions").join(format!("{id}.jsonl"))).expect("remove");
}

#[test]
fn a_groups_carried_commitments_stay_right_as_logs_arrive_change_group_and_go() {
    // S2 carried S1's c1 forward and S3 marked it done, but S1's log is not here yet (a sync
    // tool delivers logs in any order): S2's own commitment, partly done, is carried.
    let data = data_with(&[S2, S3]);
    let d = data.path();
    assert_eq!(both(d), (pairs(&[(S2, "c1")]), vec![]));

    // S1 arrives: its c1 was done in S3, indexed before it; only c2 is carried.
    deliver(d, S1, Y9);
    assert_eq!(both(d), (pairs(&[(S1, "c2"), (S2, "c1")]), vec![]));

    // S1's log changes: it now names another group. Its commitments go with it, and so do the
    // follow-ups of them recorded in the first group's sessions.
    deliver(d, S1, Y10);
    assert_eq!(both(d), (pairs(&[(S2, "c1")]), pairs(&[(S1, "c2")])));

    // S3 goes: nothing marks S1's c1 done any more (S2 carried it forward, which leaves it open).
    remove(d, S3);
    assert_eq!(both(d), (pairs(&[(S2, "c1")]), pairs(&[(S1, "c1"), (S1, "c2")])));

    // S1 goes, then comes back in its own group; S3 comes back last.
    remove(d, S1);
    assert_eq!(both(d), (pairs(&[(S2, "c1")]), vec![]));
    deliver(d, S1, Y9);
    assert_eq!(both(d), (pairs(&[(S1, "c1"), (S1, "c2"), (S2, "c1")]), vec![]));
    deliver(d, S3, Y9);
    assert_eq!(both(d), (pairs(&[(S1, "c2"), (S2, "c1")]), vec![]));
}
