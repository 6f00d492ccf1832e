-- The identity that each event's actor resolves to, kept as a table. Resolving takes four
-- joins with `aliases`, two of them on rewritten ARNs, and every question about one
-- identity (a trace from it, its last activity, dormancy) would repeat them over every
-- event of the case. `Case::refresh_aliases` rebuilds the table whenever the aliases or
-- the events change. Events whose actor resolves to no identity have no row.
CREATE VIEW event_actor_resolution AS
SELECT e.event_key, e.ts,
       coalesce(a1.identity_key, a2.identity_key, a3.identity_key, a4.identity_key) AS identity_key,
       coalesce(a1.rule, a2.rule, a3.rule, a4.rule) AS matched_by
FROM events e
LEFT JOIN aliases a1 ON a1.alias = lower(e.actor_id)
LEFT JOIN aliases a2 ON a2.alias = lower(e.actor_alt_id)
LEFT JOIN aliases a3 ON a3.rule = 'arn'
    AND a3.alias = lower(regexp_replace(e.actor_id,
        '^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.*$', 'arn:\1:iam::\2:role/\3'))
    AND e.actor_id LIKE 'arn:%:sts::%:assumed-role/%'
LEFT JOIN aliases a4 ON a4.rule = 'roleSessionName'
    AND a4.alias = lower(regexp_extract(e.actor_id, '[^/]+$'))
    AND e.actor_id LIKE 'arn:%:sts::%:assumed-role/%';

CREATE TABLE event_actors AS
SELECT event_key, identity_key, matched_by, ts FROM event_actor_resolution
WHERE identity_key IS NOT NULL
ORDER BY event_key;

CREATE OR REPLACE VIEW event_identities AS
SELECT e.event_key, a.identity_key, a.matched_by
FROM events e LEFT JOIN event_actors a USING (event_key);
