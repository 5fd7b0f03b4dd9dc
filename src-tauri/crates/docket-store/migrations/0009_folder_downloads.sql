-- A document of a folder download has its place decided when the folder is planned: its file name (the listing's
-- name, made safe and unique in its folder), the content of the earlier copy it may replace (a synced document
-- that changed on the server), the name that earlier copy is kept under when versions are kept, and what the
-- server said of the document (version, size, modified) so the next sync knows whether it changed.
ALTER TABLE transfers ADD COLUMN fixed_name TEXT;
ALTER TABLE transfers ADD COLUMN replaces_hash TEXT;
ALTER TABLE transfers ADD COLUMN keep_replaced_as TEXT;
ALTER TABLE transfers ADD COLUMN source_signature TEXT;
ALTER TABLE downloads ADD COLUMN source_signature TEXT;

-- A folder (or a whole remote) taken home into `dest_root`: the folders found so far and whether each was listed,
-- and the documents found, so a walk interrupted by a kill goes on from the folders not listed yet.
CREATE TABLE folder_batches (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    remote      TEXT    NOT NULL,
    -- The folder's location id; '' for the whole remote.
    folder      TEXT    NOT NULL,
    dest_root   TEXT    NOT NULL,
    -- 'sync' for a sync that downloads; 'check' for a dry run (a check for changes), which never disturbs the walk
    -- of a sync of the same folder.
    purpose     TEXT    NOT NULL DEFAULT 'sync' CHECK (purpose IN ('sync', 'check')),
    -- Every folder listed: the documents below are all known.
    walked      INTEGER NOT NULL DEFAULT 0,
    -- The batch ran to its end; the next sync walks the server again.
    finished_at INTEGER,
    created_at  INTEGER NOT NULL,
    UNIQUE (remote, folder, dest_root, purpose)
) STRICT;

-- Folders a person keeps in sync from the window: checked for changes now and then, synced on request.
CREATE TABLE synced_folders (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    remote          TEXT    NOT NULL REFERENCES remotes (name) ON DELETE CASCADE,
    -- The folder's location id; '' for the whole remote.
    folder          TEXT    NOT NULL,
    name            TEXT    NOT NULL,
    dest_root       TEXT    NOT NULL,
    -- When it was last synced and last checked (unix ms), and what the last check found: documents new on the
    -- server and documents changed there since the last sync (their paths below dest_root, JSON arrays).
    synced_at       INTEGER,
    checked_at      INTEGER,
    new_paths       TEXT    NOT NULL DEFAULT '[]',
    changed_paths   TEXT    NOT NULL DEFAULT '[]',
    UNIQUE (remote, folder, dest_root)
) STRICT;

CREATE TABLE batch_folders (
    batch    INTEGER NOT NULL REFERENCES folder_batches (id) ON DELETE CASCADE,
    location TEXT    NOT NULL,
    -- Below the batch's root, `/`-separated, names already made safe; '' for the root.
    rel_dir  TEXT    NOT NULL,
    listed   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (batch, location)
) STRICT;

CREATE TABLE batch_documents (
    batch    INTEGER NOT NULL REFERENCES folder_batches (id) ON DELETE CASCADE,
    doc_id   TEXT    NOT NULL,
    rel_dir  TEXT    NOT NULL,
    -- Its local file name: the server's name made safe and unique in its folder when the folder was listed.
    name     TEXT    NOT NULL,
    version  TEXT,
    size     INTEGER,
    modified TEXT,
    PRIMARY KEY (batch, doc_id)
) STRICT;
