-- Lookups that hold in bounded memory. DuckDB keeps an ART index in memory while the case
-- is open and writes it whole at each checkpoint, so the index on
-- `event_identifiers.value` (six strings per event) and the primary key of `events` grew
-- past a 1 GiB memory limit at about five million events and slowed every import. Both go.
--
-- `events` keeps its keys in ascending order, because import appends them so, and DuckDB's
-- zone maps on `event_key` then find a key's row group without an index.
--
-- `event_identifiers` is stored sorted by an MD5 hash of the value (MD5 for its fixed
-- definition, not for security), so the zone maps on `value_hash` find a value's rows in
-- one row group per sorted run. Import appends the identifiers of its new events as one
-- sorted run and records it in `identifier_runs`; when the runs grow many, the table is
-- sorted again as one run (`Case::index_identifiers`).
ALTER TABLE events RENAME TO events_keyed;
CREATE TABLE events (
    event_key BIGINT NOT NULL,
    source_id BIGINT NOT NULL,
    record_pos BIGINT NOT NULL,
    event_id VARCHAR,
    content_sha256 VARCHAR NOT NULL,
    ts TIMESTAMP NOT NULL,
    ts_original VARCHAR NOT NULL,
    ts_note VARCHAR,
    source_format VARCHAR NOT NULL,
    category VARCHAR,
    action VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,
    reason VARCHAR,
    actor_id VARCHAR,
    actor_alt_id VARCHAR,
    actor_type VARCHAR,
    actor_display VARCHAR,
    session_id VARCHAR,
    correlation_id VARCHAR,
    request_id VARCHAR,
    client_ip VARCHAR,
    targets JSON NOT NULL,
    raw JSON NOT NULL,
    links JSON DEFAULT '[]',
    ts_end TIMESTAMP
);
INSERT INTO events SELECT * FROM events_keyed ORDER BY event_key;
DROP TABLE events_keyed;

DROP INDEX event_identifiers_value;
DROP TABLE event_identifiers;
CREATE TABLE event_identifiers (
    value_hash UBIGINT NOT NULL,
    value VARCHAR NOT NULL,
    kind VARCHAR,
    role VARCHAR,
    event_key BIGINT NOT NULL
);
CREATE TABLE identifier_runs (
    run BIGINT NOT NULL,
    -- Every event up to this key has its identifiers in the table.
    last_event_key BIGINT NOT NULL,
    identifiers BIGINT NOT NULL
);
