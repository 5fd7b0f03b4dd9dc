-- The partial file a transfer owns, recorded before the file is created: a kill at any instant leaves either no
-- file or one its transfer knows. Unfinished rows from before keep the name their partial had then.
ALTER TABLE transfers ADD COLUMN partial_name TEXT;
UPDATE transfers SET partial_name = file_name || '.docket-part'
    WHERE file_name IS NOT NULL AND state NOT IN ('completed', 'cancelled');

-- This data dir's own id: its secrets are filed under it in the OS keyring, so two data dirs never share one.
INSERT OR IGNORE INTO meta (key, value) VALUES ('data_dir_id', lower(hex(randomblob(16))));
