-- Each identity's event count and last activity, kept as a table beside `event_actors`.
-- The identity list shows both for every identity, and aggregating `event_actors` took
-- most of the list's time on a case of millions of events, which is what a reopened TUI
-- waits for. `Case::refresh_aliases` rebuilds it with `event_actors`.
CREATE TABLE identity_activity AS
SELECT identity_key, count(*) AS event_count, max(ts) AS last_seen
FROM event_actors
GROUP BY identity_key;
