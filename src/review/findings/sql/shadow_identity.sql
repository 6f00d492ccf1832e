-- $1 as-of time, $2 actor ids to ignore (JSON array).
SELECT e.actor_id,
       NULL,
       count(*) || CASE WHEN count(*) = 1 THEN ' event' ELSE ' events' END || ' from ' || strftime(min(e.ts), '%Y-%m-%dT%H:%M:%SZ') || ' to '
           || strftime(max(e.ts), '%Y-%m-%dT%H:%M:%SZ') || ' by an actor no SCIM identity matches'
           || coalesce(' (' || any_value(coalesce(e.actor_display, e.actor_alt_id)) || ')', ''),
       to_json(list(json_object('table', 'events', 'key', e.event_key::VARCHAR, 'fields', json_object(
               'ts', strftime(e.ts, '%Y-%m-%dT%H:%M:%S.%fZ'), 'action', e.action,
               'outcome', e.outcome, 'actor_id', e.actor_id, 'actor_alt_id', e.actor_alt_id,
               'source', src.path, 'source_sha256', src.sha256, 'record_pos', e.record_pos))
           ORDER BY e.ts, e.event_key))::VARCHAR
FROM events e
JOIN event_identities ei USING (event_key)
JOIN sources src ON src.source_id = e.source_id
WHERE ei.identity_key IS NULL AND e.actor_id IS NOT NULL AND e.ts <= $1::TIMESTAMP
  AND NOT list_contains(list_transform(from_json($2::VARCHAR, '["VARCHAR"]'), lambda a: lower(a)),
                        lower(e.actor_id))
GROUP BY e.actor_id
ORDER BY e.actor_id
