-- Which file a transfer's partial is (device and inode on Unix, as `dev:ino`), recorded right after Docket created
-- it: a partial is reopened only when the file at its name is still that very file, so a symlink or another file
-- put there is never written through or adopted by name alone.
ALTER TABLE transfers ADD COLUMN partial_identity TEXT;
