-- $1 as-of time, $2 true to keep only successful events that issue a credential,
-- $3 action substrings that mark an event as issuing one (JSON array).
--
-- A lapse starts when a snapshot shows the identity inactive (at its meta.lastModified,
-- else the snapshot's time) or when the next snapshot of its resource type lacks it (at
-- that snapshot's time). It ends when a later snapshot shows it active again (at its
-- meta.lastModified when that is after the start, else that snapshot's time).
WITH present AS (
    SELECT i.identity_key, i.resource_type, i.active, i.last_modified, i.snapshot_id, s.taken_at
    FROM identities i JOIN snapshots s USING (snapshot_id)
    WHERE s.taken_at IS NOT NULL
),
typed AS (
    SELECT DISTINCT resource_type, snapshot_id, taken_at FROM present
),
next_typed AS (
    SELECT p.identity_key, p.taken_at AS held_at, t.snapshot_id, t.taken_at
    FROM present p JOIN typed t ON t.resource_type = p.resource_type AND t.taken_at > p.taken_at
    QUALIFY row_number() OVER (PARTITION BY p.identity_key, p.snapshot_id ORDER BY t.taken_at, t.snapshot_id) = 1
),
lapses AS (
    SELECT identity_key, 'deactivated' AS lapse, coalesce(last_modified, taken_at) AS since,
           taken_at AS seen_at, snapshot_id
    FROM present WHERE active = false
    UNION ALL
    SELECT n.identity_key, 'deleted', n.taken_at, n.taken_at, n.snapshot_id
    FROM next_typed n
    WHERE NOT EXISTS (SELECT 1 FROM present p
                      WHERE p.identity_key = n.identity_key AND p.snapshot_id = n.snapshot_id)
),
bounded AS (
    SELECT l.*,
           (SELECT min(CASE WHEN r.last_modified > l.since THEN r.last_modified ELSE r.taken_at END)
            FROM present r
            WHERE r.identity_key = l.identity_key AND r.taken_at > l.seen_at
              AND r.active IS DISTINCT FROM false) AS until
    FROM lapses l
),
hits AS (
    SELECT ei.identity_key, e.event_key,
           arg_min(b.lapse, b.since) AS lapse, min(b.since) AS since
    FROM events e
    JOIN event_identities ei USING (event_key)
    JOIN bounded b ON b.identity_key = ei.identity_key
                  AND e.ts >= b.since AND (b.until IS NULL OR e.ts < b.until)
    WHERE e.ts <= $1::TIMESTAMP
      AND (NOT $2::BOOLEAN OR (e.outcome = 'success' AND (
          list_contains(list_transform(from_json(coalesce(e.links, '[]'), '[{"role":"VARCHAR"}]'),
                                       lambda l: l.role), 'issued')
          OR EXISTS (SELECT 1 FROM (SELECT unnest(from_json($3::VARCHAR, '["VARCHAR"]')) AS pattern)
                     WHERE contains(lower(e.action), lower(pattern))))))
    GROUP BY ei.identity_key, e.event_key
)
SELECT h.identity_key,
       NULL,
       count(*) || CASE WHEN count(*) = 1 THEN ' event' ELSE ' events' END || ' after the identity was ' || string_agg(DISTINCT h.lapse, ' and ')
           || ' at ' || strftime(min(h.since), '%Y-%m-%dT%H:%M:%SZ') || ', the last at '
           || strftime(max(e.ts), '%Y-%m-%dT%H:%M:%SZ'),
       to_json(list(json_object('table', 'events', 'key', e.event_key::VARCHAR, 'fields', json_object(
               'ts', strftime(e.ts, '%Y-%m-%dT%H:%M:%S.%fZ'), 'action', e.action,
               'outcome', e.outcome, 'actor_id', e.actor_id, 'lapse', h.lapse,
               'lapse_since', strftime(h.since, '%Y-%m-%dT%H:%M:%SZ'),
               'source', src.path, 'source_sha256', src.sha256, 'record_pos', e.record_pos))
           ORDER BY e.ts, e.event_key))::VARCHAR
FROM hits h
JOIN events e USING (event_key)
JOIN sources src ON src.source_id = e.source_id
GROUP BY h.identity_key
ORDER BY h.identity_key
