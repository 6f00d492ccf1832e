-- $1 as-of time, $2 days, $3 credential kinds (JSON array), $4 value prefixes of
-- short-lived credentials to leave out (JSON array).
--
-- A credential is a link of one of the kinds, issued or presented by an event. It is stale
-- when first seen more than `days` before the as-of time, unless the actor that issued it
-- later issued another credential of the same kind (a rotation).
WITH seen AS (
    -- Import keeps each event's links with a value as rows of `event_identifiers`, so the
    -- check reads those instead of parsing the links JSON of every event, which took
    -- nearly all of its time.
    SELECT i.kind, i.value, i.role, e.event_key, e.ts, e.action, e.outcome,
           e.actor_id, e.record_pos, src.path, src.sha256
    FROM event_identifiers i
    JOIN events e ON e.event_key = i.event_key
    JOIN sources src ON src.source_id = e.source_id
    WHERE e.ts <= $1::TIMESTAMP
      AND list_contains(from_json($3::VARCHAR, '["VARCHAR"]'), i.kind)
      AND i.role IN ('issued', 'presented')
      AND NOT EXISTS (SELECT 1 FROM (SELECT unnest(from_json($4::VARCHAR, '["VARCHAR"]')) AS prefix)
                      WHERE starts_with(i.value, prefix))
),
credentials AS (
    SELECT kind, value, min(ts) AS first_seen,
           arg_min(actor_id, ts) FILTER (WHERE role = 'issued') AS issuer,
           list(json_object('table', 'events', 'key', event_key::VARCHAR, 'fields', json_object(
               'ts', strftime(ts, '%Y-%m-%dT%H:%M:%S.%fZ'), 'action', action, 'outcome', outcome,
               'actor_id', actor_id, 'credential_role', role, 'source', path,
               'source_sha256', sha256, 'record_pos', record_pos))
               ORDER BY ts, event_key) AS evidence
    FROM seen
    GROUP BY kind, value
)
SELECT c.value,
       NULL,
       c.kind || ' first seen ' || strftime(c.first_seen, '%Y-%m-%dT%H:%M:%SZ') || ', '
           || date_diff('day', c.first_seen, $1::TIMESTAMP) || ' days before the as-of time, '
           || 'with no rotation by its issuer in the events',
       to_json(c.evidence)::VARCHAR
FROM credentials c
WHERE c.first_seen < $1::TIMESTAMP - to_days($2::INTEGER)
  AND NOT EXISTS (
      SELECT 1 FROM seen s
      WHERE c.issuer IS NOT NULL AND s.actor_id = c.issuer AND s.kind = c.kind
        AND s.role = 'issued' AND s.value <> c.value AND s.ts > c.first_seen)
ORDER BY c.value
