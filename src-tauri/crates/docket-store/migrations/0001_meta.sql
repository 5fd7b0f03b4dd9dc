-- The database's own facts. Later migrations add the queue (0002) and the catalog (0003).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) STRICT;

INSERT INTO meta (key, value) VALUES ('created_by', 'docket');
