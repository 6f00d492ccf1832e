-- `event_actors` again, sorted by an MD5 hash of the identity key (MD5 for its fixed
-- definition, not for security), so that DuckDB's zone maps find one identity's events in a
-- few row groups. `event_actors` stays in event key order for the reads by event. Questions
-- about one identity (a trace from it, its activity, its sessions, inferred links) read this
-- table; scanning `event_actors` for one identity key took seconds on ten million events.
-- `Case::refresh_aliases` rebuilds it with `event_actors`.
CREATE TABLE identity_events AS
SELECT md5_number_lower(identity_key) AS identity_hash, identity_key, event_key, matched_by, ts
FROM event_actors
ORDER BY identity_hash, ts, event_key;
