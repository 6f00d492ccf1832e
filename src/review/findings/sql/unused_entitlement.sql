-- $1 as-of time, $2 days, $3 entitlement kinds (JSON array).
-- A grant counts as used when an event of its holder in the window names the grant's
-- value or display name, or for a group the group's externalId, in its action, targets
-- or links.
WITH held AS (
    SELECT i.identity_key, en.snapshot_id, en.kind, en.value, en.display, en.granted_via,
           g.external_id AS group_external_id
    FROM live_identities i
    JOIN entitlements en ON en.snapshot_id = i.snapshot_id AND en.identity_key = i.identity_key
    LEFT JOIN identities g ON en.kind = 'group' AND g.snapshot_id = en.snapshot_id
                          AND g.resource_type = 'Group' AND g.scim_id = en.value
    WHERE i.active IS DISTINCT FROM false AND i.deleted_in IS NULL AND i.kind <> 'group'
      AND list_contains(from_json($3::VARCHAR, '["VARCHAR"]'), en.kind)
),
window_events AS (
    SELECT ei.identity_key,
           lower(e.action || ' ' || e.targets::VARCHAR || ' ' || coalesce(e.links::VARCHAR, '')) AS mentions
    FROM event_identities ei JOIN events e USING (event_key)
    -- Only holders' events are ever compared, and lowering the text of every other
    -- event cost about 0.4 s per million events even when no grant was held.
    WHERE ei.identity_key IN (SELECT identity_key FROM held)
      AND e.ts <= $1::TIMESTAMP AND e.ts >= $1::TIMESTAMP - to_days($2::INTEGER)
)
SELECT h.identity_key,
       h.value,
       'no event of the holder in the window names ' || h.kind || ' ' || coalesce(h.display, h.value)
           || ' (' || (SELECT count(*) FROM window_events w WHERE w.identity_key = h.identity_key)
           || ' events of the holder in the window)',
       to_json([json_object('table', 'entitlements',
           'key', h.identity_key || ' ' || h.kind || ' ' || h.value, 'fields', json_object(
               'snapshot_id', h.snapshot_id, 'kind', h.kind, 'value', h.value,
               'display', h.display, 'granted_via', h.granted_via))])::VARCHAR
FROM held h
WHERE NOT EXISTS (
    SELECT 1 FROM window_events w
    WHERE w.identity_key = h.identity_key
      AND (contains(w.mentions, lower(h.value))
           OR (h.display IS NOT NULL AND contains(w.mentions, lower(h.display)))
           OR (h.group_external_id IS NOT NULL AND contains(w.mentions, lower(h.group_external_id))))
)
ORDER BY h.identity_key, h.kind, h.value
