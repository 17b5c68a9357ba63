//! The index's tables. Bump [`SCHEMA`] whenever a table or the meaning of a column changes: an
//! index of another version is rebuilt, never read.

/// The schema version, kept in `meta` under `schema`.
pub const SCHEMA: u32 = 1;

/// Every table and index. One row of `files` per log file in the sessions folder (copies
/// included); the other tables hang off a file by `fid`. Only rows whose file is `shown` (the
/// copy that stands for its session) are ever queried.
pub const CREATE: &str = "
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;

CREATE TABLE files(
    fid INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    size INTEGER NOT NULL,
    mtime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    -- The session: the id in the header, or (unreadable) the id the name begins with.
    key TEXT NOT NULL,
    readable INTEGER NOT NULL,
    -- Unfinished or unreadable: it may still grow, so it is checked on every update.
    live INTEGER NOT NULL,
    -- How complete a copy it is: events read, ended, problems, its own name.
    events INTEGER NOT NULL,
    ended INTEGER NOT NULL,
    problem_count INTEGER NOT NULL,
    own_name INTEGER NOT NULL,
    -- The copy listed for its session.
    shown INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    sort_ms INTEGER NOT NULL,
    haystack TEXT NOT NULL,
    created TEXT,
    start TEXT,
    end_at TEXT,
    day TEXT,
    protocol_id TEXT,
    protocol_key TEXT,
    protocol_name TEXT,
    group_name TEXT,
    group_key TEXT,
    facilitator TEXT,
    participants TEXT,
    status TEXT,
    planned_ms INTEGER,
    actual_ms INTEGER,
    overrun_ms INTEGER,
    notes INTEGER,
    private_notes INTEGER,
    commitment_count INTEGER,
    problems TEXT
);
CREATE INDEX files_order ON files(shown, sort_ms DESC, key DESC);
CREATE INDEX files_key ON files(key);
CREATE INDEX files_live ON files(live) WHERE live = 1;
CREATE INDEX files_group ON files(group_key);

-- Whole names and single words of participants and the facilitator, lowercased.
CREATE TABLE people(word TEXT NOT NULL, fid INTEGER NOT NULL, PRIMARY KEY(word, fid)) WITHOUT ROWID;
CREATE INDEX people_fid ON people(fid);

CREATE TABLE runs(
    fid INTEGER NOT NULL,
    pos INTEGER NOT NULL,
    protocol_id TEXT NOT NULL,
    stage TEXT NOT NULL,
    name TEXT NOT NULL,
    round INTEGER,
    planned_ms INTEGER NOT NULL,
    actual_ms INTEGER NOT NULL,
    extended_ms INTEGER NOT NULL,
    extensions INTEGER NOT NULL,
    refusals INTEGER NOT NULL,
    pauses INTEGER NOT NULL,
    paused_ms INTEGER NOT NULL,
    shortenings INTEGER NOT NULL,
    shortened_ms INTEGER NOT NULL,
    left_how TEXT,
    without_record INTEGER NOT NULL,
    expects TEXT,
    finished INTEGER NOT NULL,
    PRIMARY KEY(fid, pos)
) WITHOUT ROWID;
CREATE INDEX runs_stage ON runs(protocol_id, stage);

CREATE TABLE commitments(
    fid INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    session TEXT NOT NULL,
    cid TEXT NOT NULL,
    cnum INTEGER,
    owner TEXT NOT NULL,
    text TEXT NOT NULL,
    due TEXT,
    made TEXT NOT NULL,
    made_ms INTEGER NOT NULL,
    PRIMARY KEY(fid, cid)
) WITHOUT ROWID;
CREATE INDEX commitments_made ON commitments(made_ms);

-- Follow-ups: `made_in` is the session that made the commitment, `recorded_in` the one that
-- followed it up; `about` is the session named in the event (NULL for its own commitments).
CREATE TABLE updates(
    fid INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    made_in TEXT NOT NULL,
    cid TEXT NOT NULL,
    about TEXT,
    recorded_in TEXT NOT NULL,
    status TEXT NOT NULL,
    note TEXT,
    wall TEXT NOT NULL,
    wall_ms INTEGER NOT NULL,
    PRIMARY KEY(fid, seq)
) WITHOUT ROWID;
CREATE INDEX updates_target ON updates(made_in, cid);
";
