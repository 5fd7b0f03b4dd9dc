-- Ranges of a partial file that were written (handed to the OS) but not necessarily fsynced yet, recorded often
-- and cheaply. Each is tagged with the boot it was written in: after a crash of the process the OS page cache
-- still holds them (same boot, trust them); after a reboot or power loss only `transfer_ranges` (fsynced) is.
CREATE TABLE transfer_written (
    transfer_id INTEGER NOT NULL REFERENCES transfers (id) ON DELETE CASCADE,
    start       INTEGER NOT NULL,
    "end"       INTEGER NOT NULL,
    boot_id     TEXT    NOT NULL,
    PRIMARY KEY (transfer_id, start)
) STRICT;
