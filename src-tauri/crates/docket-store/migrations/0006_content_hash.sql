-- Downloads are hashed with BLAKE3 now (see docket_core::content_hash). The hash names its algorithm, so the
-- SHA-256 hashes recorded before stay checkable: `blake3:<hex>` or `sha256:<hex>`.
ALTER TABLE transfers RENAME COLUMN sha256 TO content_hash;
UPDATE transfers SET content_hash = 'sha256:' || content_hash WHERE content_hash IS NOT NULL;
ALTER TABLE downloads RENAME COLUMN sha256 TO content_hash;
UPDATE downloads SET content_hash = 'sha256:' || content_hash;
