-- The targets of events that deactivate, suspend or delete an identity, one row per
-- target id or alternate id, lower case for the join with `aliases`. A trace flags the
-- events that follow such an event; reading this short table spares it a scan of every
-- event's action and targets. Import fills it in the transaction that inserts the
-- events. The pattern is `trace::flags::DEPROVISIONING`, which a test keeps equal.
CREATE TABLE deprovisioning_targets (
    event_key BIGINT NOT NULL,
    ts TIMESTAMP NOT NULL,
    target VARCHAR NOT NULL
);
INSERT INTO deprovisioning_targets
SELECT event_key, ts, lower(target) FROM (
    SELECT event_key, ts,
           unnest(list_concat(json_extract_string(targets, '$[*].id'),
                              json_extract_string(targets, '$[*].alternate_id'))) AS target
    FROM events
    WHERE regexp_matches(lower(action), 'user\.lifecycle\.(deactivate|suspend|delete)|(deactivate|disable|suspend|delete|remove) ?(user|account|service ?account|service ?principal|agent|application)')
)
WHERE target IS NOT NULL
ORDER BY target;
