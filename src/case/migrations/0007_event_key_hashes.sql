-- A 64-bit hash of each event's source format and natural key (the source's event id,
-- else the content hash). An import looks up its staged events here, scanning one integer
-- column, instead of comparing two text columns of every event in the case; only events
-- whose hash matches are compared in full. MD5 is used for its fixed definition, so the
-- hashes stay valid across DuckDB versions, not for security.
CREATE TABLE event_key_hashes (
    key_hash UBIGINT NOT NULL,
    event_key BIGINT NOT NULL
);
INSERT INTO event_key_hashes
SELECT md5_number_lower(source_format || chr(31) || coalesce(event_id, content_sha256)), event_key
FROM events;
