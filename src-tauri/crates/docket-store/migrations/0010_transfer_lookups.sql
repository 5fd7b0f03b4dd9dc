-- A second request for a document finds the unfinished transfer it continues by remote and document: without an
-- index, each lookup read the whole queue, and a sync queueing 10,000 documents read it 10,000 times.
CREATE INDEX transfers_by_document ON transfers (remote, document);
-- New transfers go after the last position: read from an index rather than from every row.
CREATE INDEX transfers_by_position ON transfers (position);
