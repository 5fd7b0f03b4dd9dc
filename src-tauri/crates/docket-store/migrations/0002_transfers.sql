-- The transfer queue: one row per requested download, and the byte ranges of its partial file that are known to
-- be on disk (each range is written in the same transaction that follows the fsync of its bytes).
CREATE TABLE transfers (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    remote        TEXT    NOT NULL,
    document      TEXT    NOT NULL,
    version       TEXT,
    dest_dir      TEXT    NOT NULL,
    -- The final name, fixed when the first byte is written (` (1)` already applied); NULL until then.
    file_name     TEXT,
    -- queued | preparing | waiting | downloading | paused | verifying | completed | failed | cancelled
    state         TEXT    NOT NULL DEFAULT 'queued',
    priority      INTEGER NOT NULL DEFAULT 0,
    position      INTEGER NOT NULL,
    bytes_total   INTEGER,
    bytes_done    INTEGER NOT NULL DEFAULT 0,
    attempts      INTEGER NOT NULL DEFAULT 0,
    refreshes     INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT,
    -- What the partial bytes came from (size, ETag/Last-Modified, or size|CRC32|date of a staged file): resume
    -- only onto the same content.
    validator     TEXT,
    -- A staged server-side file (infoRouter handler) not yet released; a restart releases it.
    staged_handle TEXT,
    sha256        TEXT,
    saved_path    TEXT,
    -- The process working on the row and until when its claim holds (unix ms); a dead process's claim lapses.
    owner         TEXT,
    lease_until   INTEGER,
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    finished_at   INTEGER
) STRICT;

CREATE INDEX transfers_by_order ON transfers (state, priority DESC, position);

CREATE TABLE transfer_ranges (
    transfer_id INTEGER NOT NULL REFERENCES transfers (id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    PRIMARY KEY (transfer_id, start)
) STRICT;
