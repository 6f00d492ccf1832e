-- $1 as-of time, $2 days, $3 identity kinds (JSON array).
--
-- Without any event in the window the case contains no audit data to judge activity by (a
-- snapshot imported on its own), so the check reports nothing.
WITH last_event AS (
    SELECT ei.identity_key, arg_max(e.event_key, e.ts) AS event_key, max(e.ts) AS last_ts
    FROM event_identities ei JOIN events e USING (event_key)
    WHERE ei.identity_key IS NOT NULL AND e.ts <= $1::TIMESTAMP
    GROUP BY ei.identity_key
)
SELECT i.identity_key,
       NULL,
       CASE WHEN l.last_ts IS NULL THEN 'no event by this identity up to the as-of time'
            ELSE 'last event ' || strftime(l.last_ts, '%Y-%m-%dT%H:%M:%SZ') || ', '
                 || date_diff('day', l.last_ts, $1::TIMESTAMP) || ' days before the as-of time'
       END,
       to_json(list_concat(
           [json_object('table', 'identities', 'key', i.identity_key, 'fields', json_object(
               'snapshot_id', i.snapshot_id, 'user_name', i.user_name, 'kind', i.kind,
               'active', i.active, 'created', strftime(i.created, '%Y-%m-%dT%H:%M:%SZ')))],
           CASE WHEN e.event_key IS NULL THEN [] ELSE
           [json_object('table', 'events', 'key', e.event_key::VARCHAR, 'fields', json_object(
               'ts', strftime(e.ts, '%Y-%m-%dT%H:%M:%S.%fZ'), 'action', e.action,
               'outcome', e.outcome, 'actor_id', e.actor_id, 'source', src.path,
               'source_sha256', src.sha256, 'record_pos', e.record_pos))] END
       ))::VARCHAR
FROM live_identities i
LEFT JOIN last_event l USING (identity_key)
LEFT JOIN events e ON e.event_key = l.event_key
LEFT JOIN sources src ON src.source_id = e.source_id
WHERE list_contains(from_json($3::VARCHAR, '["VARCHAR"]'), i.kind)
  AND i.active IS DISTINCT FROM false
  AND i.deleted_in IS NULL
  -- A resource without schemas, meta or userName may be a group, which never acts.
  AND i.resource_type <> 'Unknown'
  AND (l.last_ts IS NULL OR l.last_ts < $1::TIMESTAMP - to_days($2::INTEGER))
  AND (i.created IS NULL OR i.created < $1::TIMESTAMP - to_days($2::INTEGER))
  AND EXISTS (SELECT 1 FROM events w
              WHERE w.ts <= $1::TIMESTAMP AND w.ts >= $1::TIMESTAMP - to_days($2::INTEGER))
ORDER BY i.identity_key
