-- The catalog: configured remotes (non-secret settings only; secrets live in the OS keyring), the cached
-- listings of their folders, document versions, and the files Docket downloaded. Forward-only.

CREATE TABLE remotes (
    name           TEXT    PRIMARY KEY NOT NULL,
    kind           TEXT    NOT NULL,
    url            TEXT    NOT NULL,
    -- JSON object of the non-secret settings.
    settings       TEXT    NOT NULL DEFAULT '{}',
    added_at       INTEGER NOT NULL,
    -- Set while the server cannot be reached (unix ms and the reason); NULL when it answered last time.
    offline_since  INTEGER,
    offline_reason TEXT,
    -- When the server last answered a listing (unix ms).
    last_contact   INTEGER
) STRICT;

-- One row per (remote, id): a folder or document as the server last described it.
CREATE TABLE entries (
    key          INTEGER PRIMARY KEY,
    remote       TEXT    NOT NULL REFERENCES remotes (name) ON DELETE CASCADE,
    id           TEXT    NOT NULL,
    parent       TEXT,
    name         TEXT    NOT NULL,
    kind         TEXT    NOT NULL CHECK (kind IN ('folder', 'document')),
    size         INTEGER,
    mime         TEXT,
    modified     TEXT,
    -- `modified` as a sortable `YYYY-MM-DDTHH:MM:SS` when it reads as an ISO date; NULL otherwise.
    modified_key TEXT,
    version      TEXT,
    -- Server fields worth keeping that have no column (JSON), or NULL.
    extra        TEXT,
    -- When the current values were fetched (unix ms).
    fetched_at   INTEGER NOT NULL,
    UNIQUE (remote, id)
) STRICT;

CREATE INDEX entries_by_remote_kind ON entries (remote, kind);
CREATE INDEX entries_by_modified ON entries (modified_key);
CREATE INDEX entries_by_size ON entries (size);

-- A fetched listing: what the server answered for one location (the root is '').
CREATE TABLE listings (
    key        INTEGER PRIMARY KEY,
    remote     TEXT    NOT NULL REFERENCES remotes (name) ON DELETE CASCADE,
    location   TEXT    NOT NULL,
    fetched_at INTEGER NOT NULL,
    UNIQUE (remote, location)
) STRICT;

-- Which entries a listing holds. An entry can sit in several listings (a document in a folder and in a filter).
CREATE TABLE listing_entries (
    listing INTEGER NOT NULL REFERENCES listings (key) ON DELETE CASCADE,
    entry   INTEGER NOT NULL REFERENCES entries (key) ON DELETE CASCADE,
    PRIMARY KEY (listing, entry)
) STRICT, WITHOUT ROWID;

CREATE INDEX listing_entries_by_entry ON listing_entries (entry);

-- Names, searchable by substring (trigram) and case- and accent-insensitively.
CREATE VIRTUAL TABLE entries_fts USING fts5 (
    name,
    content = 'entries',
    content_rowid = 'key',
    tokenize = 'trigram remove_diacritics 1'
);

CREATE TRIGGER entries_fts_insert AFTER INSERT ON entries BEGIN
    INSERT INTO entries_fts (rowid, name) VALUES (new.key, new.name);
END;

CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, name) VALUES ('delete', old.key, old.name);
END;

CREATE TRIGGER entries_fts_rename AFTER UPDATE OF name ON entries BEGIN
    INSERT INTO entries_fts (entries_fts, rowid, name) VALUES ('delete', old.key, old.name);
    INSERT INTO entries_fts (rowid, name) VALUES (new.key, new.name);
END;

-- A document's versions, newest first (`position` 0).
CREATE TABLE versions (
    remote     TEXT    NOT NULL REFERENCES remotes (name) ON DELETE CASCADE,
    doc_id     TEXT    NOT NULL,
    id         TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    size       INTEGER,
    modified   TEXT,
    checksum   TEXT,
    position   INTEGER NOT NULL,
    fetched_at INTEGER NOT NULL,
    PRIMARY KEY (remote, doc_id, id)
) STRICT;

-- A completed download and its local file; the download-folder watcher keeps `state` true.
CREATE TABLE downloads (
    key            INTEGER PRIMARY KEY,
    remote         TEXT    NOT NULL REFERENCES remotes (name) ON DELETE CASCADE,
    doc_id         TEXT    NOT NULL,
    version        TEXT,
    path           TEXT    NOT NULL UNIQUE,
    sha256         TEXT    NOT NULL,
    bytes          INTEGER NOT NULL,
    -- The file's modification time when Docket last knew its content (unix ns); a different one means a re-check.
    file_mtime_ns  INTEGER,
    completed_at   INTEGER NOT NULL,
    state          TEXT    NOT NULL DEFAULT 'present' CHECK (state IN ('present', 'missing', 'changed')),
    checked_at     INTEGER NOT NULL
) STRICT;

CREATE INDEX downloads_by_document ON downloads (remote, doc_id);
