//! The index's tables. Bump [`SCHEMA`] whenever a table or the meaning of a column changes: an
//! index of another version is rebuilt, never read.
//!
//! The tables that big queries scan are kept narrow, and what is only shown is kept apart:
//! `files` holds what the update compares and the filters test (about 100 bytes a log), while
//! the names (by number in `texts`) and figures of the list are in `details`, the person
//! filter's lists of files in `person_files` and the browser's search words in `terms`. A session's stage runs are packed into one row of
//! `runs` ([`super::pack`]), keyed by protocol first, so the report reads a protocol's runs
//! together without sorting; they carry their file's `shown` and start time so it need not look
//! files up.
//!
//! What a new session of a group reads on its first frame (`convene run --group X`: the group's
//! open commitments and their follow-ups, its earlier sessions) is kept together, so that after
//! a reboot it costs few reads of the disk: the follow-ups are indexed by the group of the
//! session that made the commitment first (`made_gid`, a number from `groups`), the group's
//! sessions that never started are in `unstarted`, and its sessions are in `files_group`. Its
//! commitments are read by session (a page or two each): keyed by group first, `actions`, which
//! reads every commitment in the order they were made, took a third more CPU at 100,000 logs.
//!
//! Commitments and follow-ups are packed like runs ([`super::pack`]), a file to a row (a
//! file and a session it follows up, for follow-ups), keeping nothing the file's row gives (its
//! session) and each repeated text once (`texts`: owners and due dates):
//! at 100,000 logs (245,298 commitments, 72,441 follow-ups) their 62 MB of rows and indexes
//! became 19.7 MB (docs/benchmarks.md).

/// The schema version, kept in `meta` under `schema`.
pub(crate) const SCHEMA: u32 = 25;

/// Every table and index. One row of `files` per log file in the sessions folder or one of its
/// month folders (copies included); the other tables hang off a file by `fid`. Only rows whose file is `shown` (the
/// copy that stands for its session) are ever queried.
pub(crate) const CREATE: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

-- Each folder holding logs ('' for the sessions folder itself, `YYYY-MM` for a month folder,
-- or a sync tool's copy of one such as `2026-12 (1)`) as it was when the index last listed it:
-- how many logs, and a sum of a hash of each one's name and identity (its print); its stamp
-- (modification and status-change times, NULL on Windows) before that listing, and whether the
-- stamp can be trusted (see the module docs of the index). `count` is also checked against the
-- rows of `files` in the folder.
CREATE TABLE folders(
    folder TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    sum INTEGER NOT NULL,
    mtime_ns INTEGER,
    ctime_ns INTEGER,
    trusted INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE files(
    fid INTEGER PRIMARY KEY,
    -- The file's own name (`ID (1).jsonl`), or NULL when it is its session's, `KEY.jsonl`
    -- (nearly every file): the index names a file `FOLDER/NAME`, or `NAME` in the sessions
    -- folder itself (`store::NAME_SQL` puts it together). A name is looked up through
    -- `files_key` (a session's name) or `files_folder` (a name of its own: `store::FID_OF_NAME`).
    name TEXT,
    -- The folder it is in: '', `YYYY-MM`, or a copy of a month folder (`2026-12 (1)`).
    folder TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    -- The session: the id in the header, or (unreadable) the id the name begins with.
    key TEXT NOT NULL,
    readable INTEGER NOT NULL,
    -- Unfinished or unreadable: it may still grow, so it is checked on every update.
    live INTEGER NOT NULL,
    -- How complete a copy it is: events read, ended, problems (and whether it has its own
    -- name: `name` is NULL).
    events INTEGER NOT NULL,
    ended INTEGER NOT NULL,
    problem_count INTEGER NOT NULL,
    -- The copy listed for its session.
    shown INTEGER NOT NULL DEFAULT 0,
    sort_ms INTEGER NOT NULL,
    -- The offset from UTC its start was written with (seconds east): `sort_ms` is its start,
    -- and `sort_ms + 1000 * start_offset` its local time, whose day `--since` and `--until`
    -- test.
    start_offset INTEGER,
    -- What the filters test (NULL when unreadable): the protocol, and its key (the protocol
    -- folded as the filter folds it) when that differs from it (NULL: the same); the group, by
    -- number (`groups`; NULL for none); the status, as a number (`store::status_number`: 1
    -- completed, 2 ended early, 3 unfinished; until schema 21 its key, 0.8 MB at 100,000 logs).
    protocol_id TEXT,
    protocol_key TEXT,
    gid INTEGER,
    status INTEGER,
    -- The protocol by number (`protocols`; NULL when unreadable), for the indexes that hold it
    -- (`files_group`, and the key of `runs`): a number there rather than the id takes 2.6 MB
    -- off at 100,000 logs.
    pnum INTEGER
);
-- The shown sessions in date order (read backwards for newest first). Ascending, so that a
-- build, which adds sessions mostly in date order, fills its pages rather than splitting them.
-- Sessions that start at the same time are put in order of their key as they are read (a few
-- at a time): the key in the index took 3 MB at 100,000 logs, for a list of all of them 10 %
-- quicker.
CREATE INDEX files_order ON files(sort_ms) WHERE shown = 1;
CREATE INDEX files_key ON files(key);
-- The logs of one folder, which an update compares with its listing (reading their rows: a
-- folder's logs are stored together, a month's 1,000 to 3,000 rows a few dozen pages), and a
-- name of its own looked up. Until schema 21 it held every column the update compares
-- (`files_stat`: 5.9 MB at 100,000 logs, this one 1.5), for an update after a new log no
-- quicker (docs/benchmarks.md). The logs that can still grow are read apart.
CREATE INDEX files_folder ON files(folder, name);
CREATE INDEX files_live ON files(mtime_ns DESC, folder, name, key, size, ino) WHERE live = 1;
CREATE INDEX files_unreadable ON files(sort_ms) WHERE readable = 0;
-- A group's sessions, and of them those of one protocol in order (a course's numbering and the
-- session before this one: `Index::group_history`).
CREATE INDEX files_group ON files(gid, pnum, shown, sort_ms DESC, key DESC);

-- Group keys (the group folded as the filter folds it), each kept once, by number (`files.gid`;
-- `gid` 0 is no group, or a session the index does not hold).
CREATE TABLE groups(gid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);

-- Protocol ids (`files.protocol_id`), each kept once, by number (`files.pnum`, `runs.pnum`).
-- One left by sessions gone stays (a few rows).
CREATE TABLE protocols(pnum INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE);

-- A group's readable sessions in which no stage ran (set up, never started): a course numbers
-- only the sessions that started (`Index::group_history`). Few rows.
CREATE TABLE unstarted(gid INTEGER NOT NULL, fid INTEGER NOT NULL, PRIMARY KEY(gid, fid))
    WITHOUT ROWID;

-- How many rows of `files` each folder has, and how many of them are shown: kept by triggers
-- (so rows removed from outside, by any `SQLite` client, count too), so that an update checks
-- the index's rows against the recorded listings, and the browser counts the sessions, by
-- reading a few rows rather than an index of every file, scattered through the file (a read
-- from the disk per page after a reboot).
CREATE TABLE folder_rows(
    folder TEXT PRIMARY KEY,
    n INTEGER NOT NULL,
    shown INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER files_added AFTER INSERT ON files BEGIN
    INSERT INTO folder_rows(folder, n, shown) VALUES(new.folder, 1, new.shown)
    ON CONFLICT(folder) DO UPDATE SET n = n + 1, shown = shown + new.shown;
END;
CREATE TRIGGER files_removed AFTER DELETE ON files BEGIN
    UPDATE folder_rows SET n = n - 1, shown = shown - old.shown WHERE folder = old.folder;
END;
CREATE TRIGGER files_changed AFTER UPDATE OF folder, shown ON files BEGIN
    UPDATE folder_rows SET n = n - 1, shown = shown - old.shown WHERE folder = old.folder;
    INSERT INTO folder_rows(folder, n, shown) VALUES(new.folder, 1, new.shown)
    ON CONFLICT(folder) DO UPDATE SET n = n + 1, shown = shown + new.shown;
END;

-- What the list shows of a session (or why its log cannot be read). Its names are numbers in
-- `texts` (each name kept once), its times relative to the file's start: at 100,000 logs the
-- table was 16.8 MB with the names as text (docs/benchmarks.md).
CREATE TABLE details(
    fid INTEGER PRIMARY KEY,
    error TEXT,
    -- When it was created and ended (NULL: unfinished), each as its ms after the file's
    -- `sort_ms` (its start; negative: before it) and the offset from UTC it was written with
    -- (seconds east), NULL when it is the start's (`files.start_offset`), nearly always.
    created_rel_ms INTEGER,
    created_offset INTEGER,
    end_rel_ms INTEGER,
    end_offset INTEGER,
    -- Its protocol's name, its group (NULL: none) and its facilitator (NULL: none), by number in
    -- `texts`.
    protocol_tid INTEGER,
    group_tid INTEGER,
    facilitator_tid INTEGER,
    -- Its participants in order, by number in `texts`, packed as LEB128 numbers
    -- (`pack::pack_ids`); NULL when unreadable.
    participants BLOB,
    planned_ms INTEGER,
    actual_ms INTEGER,
    overrun_ms INTEGER,
    notes INTEGER,
    private_notes INTEGER,
    commitment_count INTEGER,
    -- Its unreadable lines (JSON: line and reason); NULL when there are none.
    problems TEXT,
    -- Copies of the log that fork (JSON: `at`, `files`); NULL when they don't.
    fork TEXT
);

-- Whole names and single words of the participants and the facilitator, lowercased
-- (`store::person_keys`), each kept once in `persons`; and for each, the files that name it
-- (`person_files`): ascending `fid`s in chunks of at most 128, keyed by the first, the gaps to
-- the next packed as LEB128 numbers ([`super::postings`]; about a byte a file, where a row a
-- person and file took 11). The person filter reads its key's chunks, so it reads only the
-- sessions of that person. A file is taken out of the lists of the keys its `details` give.
CREATE TABLE persons(pid INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE);
CREATE TABLE person_files(
    pid INTEGER NOT NULL,
    first INTEGER NOT NULL,
    fids BLOB NOT NULL,
    PRIMARY KEY(pid, first)
) WITHOUT ROWID;

-- What the browser's typed filter searches (date, protocol, group, names, status, id), kept
-- without a copy of each session's text: a word typed (never a space in it) is in a session's
-- text if it is in one of the text's words (`store::search_terms`: its text lowercased, cut at
-- white space), or in its id. Each word is kept once in `terms` with the list of files whose
-- text holds it (`term_files`, packed as `person_files` are); a session's id, unique to it, is
-- searched in `files_key` (`key LIKE`, which lowercases ASCII as the text is: an id with other
-- characters has its words in `terms` too). The filter reads the few thousand words, and the
-- lists of those that hold the word typed.
CREATE TABLE terms(tid INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);
CREATE TABLE term_files(
    tid INTEGER NOT NULL,
    first INTEGER NOT NULL,
    fids BLOB NOT NULL,
    PRIMARY KEY(tid, first)
) WITHOUT ROWID;

-- Stages as protocols name them, each kept once (runs refer to them by `sid`).
CREATE TABLE stages(
    sid INTEGER PRIMARY KEY,
    protocol_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    name TEXT NOT NULL,
    -- The label of the record the stage expects; '' for none.
    expects TEXT NOT NULL,
    UNIQUE(protocol_id, stage, name, expects)
);

-- A session's stage runs, one row a session that ran a stage (a million runs at 100,000 logs):
-- packed in running order (`pack::pack`), keyed by protocol (its number, `protocols`) first so
-- that the report reads a protocol's runs together, and carrying the file's `shown` and start
-- time so it need not look files up. A session's row is found by its file's `pnum` and `fid`.
CREATE TABLE runs(
    pnum INTEGER NOT NULL,
    fid INTEGER NOT NULL,
    shown INTEGER NOT NULL,
    sort_ms INTEGER NOT NULL,
    packed BLOB NOT NULL,
    PRIMARY KEY(pnum, fid)
) WITHOUT ROWID;

-- The hard stop of each session that had one (`--until`, or set on the start card): as the log
-- gives it, in Unix milliseconds, and when the session ended (NULL: unfinished). The report's
-- hard-stop figures are worked out from these rows.
CREATE TABLE stops(
    fid INTEGER PRIMARY KEY,
    hard_stop TEXT NOT NULL,
    stop_ms INTEGER NOT NULL,
    end_ms INTEGER
);

-- Texts that sessions and commitments refer to by number, each kept once: the names of
-- `details` (protocols, groups, facilitators, participants), and commitments' owners and due
-- dates (a person makes one most sessions; a handful of due dates recur). A text no row uses
-- any more is left (a few thousand names, most used again): kept until every file is
-- forgotten, as `groups` are.
CREATE TABLE texts(tid INTEGER PRIMARY KEY, text TEXT NOT NULL UNIQUE);

-- A session's commitments, one row a file that made any (`pack::pack_commitments`: id, owner
-- and due date by number in `texts`, text, time), keyed by file; the session is the file's
-- `key`. `made_ms` is when the earliest was made: `actions` reads the rows in its order
-- (`commitments_made`) and merges them into the order every commitment was made in, holding
-- only the sessions whose commitments overlap in time. `gid` is the group of its file
-- (`groups`; 0 for none): its follow-ups' `made_gid`. A group's are found from its sessions
-- (`files_group`).
CREATE TABLE commitments(
    fid INTEGER PRIMARY KEY,
    gid INTEGER NOT NULL,
    made_ms INTEGER NOT NULL,
    packed BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX commitments_made ON commitments(made_ms);

-- Follow-ups, one row for each file that recorded any and each session whose commitments they
-- follow up (`made_in`), packed in the file's order (`pack::pack_follow_ups`: place, id,
-- status, time, and whether the event named the session; their notes apart, in `notes`, which
-- `updates_target` does not hold). The session that recorded them is the file's `key`; a
-- commitment's follow-ups are put in order (by the recording session's place in its group,
-- time, and that session's id) as they are read. `made_gid` is the group of the shown copy of the session that made the commitments
-- (0: none, or not in the index), the `gid` of its commitments' row: kept so as copies are
-- shown, written and removed (`store::choose_shown`), so that the index on it holds a group's
-- follow-ups side by side.
CREATE TABLE updates(
    fid INTEGER NOT NULL,
    made_in TEXT NOT NULL,
    made_gid INTEGER NOT NULL,
    -- The file's `shown`.
    shown INTEGER NOT NULL,
    -- The recording session's place in its group (its setup's `sequence`; NULL in logs from
    -- before it): follow-ups are ordered by it, then by time, since laptops' clocks differ.
    recorded_seq INTEGER,
    packed BLOB NOT NULL,
    notes BLOB NOT NULL,
    PRIMARY KEY(fid, made_in)
) WITHOUT ROWID;
-- A group's follow-ups side by side, each with all it holds but its note: `convene run --group
-- X` reads them from here alone, and `actions` a session's (and the notes from the row). The
-- session's id is kept as text, not as a number in `texts`: a group's sessions are far apart
-- in `texts`, a page read each after a reboot.
CREATE INDEX updates_target ON updates(made_gid, made_in, shown, recorded_seq, packed);

-- The report over every session (`convene report` with no filter), protocol by protocol, as
-- the report figures it (`Index::report`): kept up to date by marking, in `report_dirty`, each
-- protocol whose sessions change (a log read, removed, or another copy shown), whose figures
-- the next report works out again from its runs alone and keeps. So a report reads a few
-- hundred rows, however many sessions there are.
CREATE TABLE report_dirty(protocol_id TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE report_protocols(
    protocol_id TEXT PRIMARY KEY,
    -- The name its newest session gives it.
    name TEXT NOT NULL,
    sessions INTEGER NOT NULL,
    runs_left_out INTEGER NOT NULL,
    -- Its ended sessions with a hard stop, how many ended past it, the median and the most by
    -- which they did (`report::StopStats`).
    with_stop INTEGER NOT NULL DEFAULT 0,
    past_stop INTEGER NOT NULL DEFAULT 0,
    median_past_stop_ms INTEGER NOT NULL DEFAULT 0,
    most_past_stop_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE TABLE report_stages(
    protocol_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    name TEXT NOT NULL,
    runs INTEGER NOT NULL,
    median_planned_ms INTEGER NOT NULL,
    median_actual_ms INTEGER NOT NULL,
    overran INTEGER NOT NULL,
    median_overrun_ms INTEGER NOT NULL,
    extensions INTEGER NOT NULL,
    extended_ms INTEGER NOT NULL,
    refusals INTEGER NOT NULL,
    shortenings INTEGER NOT NULL,
    shortened_ms INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    first_pos INTEGER NOT NULL,
    PRIMARY KEY(protocol_id, stage)
) WITHOUT ROWID;
";
