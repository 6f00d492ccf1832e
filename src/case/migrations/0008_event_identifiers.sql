-- Every identifier an event carries, one row per (value, kind, role, event): its
-- correlation, session, request and event ids (role 'column', kind the column name) and
-- each of its links (kind and role as in the link). A trace finds its seed events and each
-- round of its closure by equality on `value` here, instead of parsing the links of every
-- event. Import fills the table in the transaction that inserts the events.
CREATE TABLE event_identifiers (
    value VARCHAR NOT NULL,
    kind VARCHAR,
    role VARCHAR,
    event_key BIGINT NOT NULL
);
INSERT INTO event_identifiers
SELECT * FROM (
    SELECT correlation_id AS value, 'correlation_id' AS kind, 'column' AS role, event_key FROM events
    WHERE correlation_id IS NOT NULL
    UNION ALL
    SELECT session_id, 'session_id', 'column', event_key FROM events
    WHERE session_id IS NOT NULL
    UNION ALL
    SELECT request_id, 'request_id', 'column', event_key FROM events
    WHERE request_id IS NOT NULL
    UNION ALL
    SELECT event_id, 'event_id', 'column', event_key FROM events
    WHERE event_id IS NOT NULL
    UNION ALL
    SELECT link->>'value', link->>'kind', link->>'role', event_key
    FROM (SELECT event_key, unnest(json_extract(links, '$[*]')) AS link FROM events)
    WHERE link->>'value' IS NOT NULL
)
ORDER BY event_key, value;
CREATE INDEX event_identifiers_value ON event_identifiers (value);
