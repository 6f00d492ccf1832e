-- $1 identity kinds (JSON array), $2 relations that name an owner or sponsor (JSON array).
WITH links AS (
    SELECT r.identity_key, r.snapshot_id, r.relation, r.related_value,
           o.identity_key AS owner_key, o.active AS owner_active
    FROM current_identities i
    JOIN identity_relations r ON r.snapshot_id = i.snapshot_id AND r.identity_key = i.identity_key
    LEFT JOIN current_identities o ON o.scim_id = r.related_value AND o.resource_type <> 'Group'
    WHERE list_contains(from_json($2::VARCHAR, '["VARCHAR"]'), r.relation)
)
SELECT i.identity_key,
       NULL,
       CASE WHEN count(l.relation) = 0 THEN 'no owner or sponsor'
            ELSE 'every owner or sponsor is inactive or unknown: '
                 || string_agg(l.relation || ' ' || coalesce(l.owner_key, l.related_value || ' (unknown)'), ', '
                               ORDER BY l.relation, l.related_value)
       END,
       to_json(list_concat(
           [json_object('table', 'identities', 'key', i.identity_key, 'fields', json_object(
               'snapshot_id', i.snapshot_id, 'user_name', i.user_name, 'kind', i.kind,
               'active', i.active))],
           coalesce(list(json_object('table', 'identity_relations',
               'key', i.identity_key || ' ' || l.relation || ' ' || l.related_value,
               'fields', json_object('snapshot_id', l.snapshot_id, 'relation', l.relation,
                   'related_value', l.related_value, 'owner_key', l.owner_key,
                   'owner_active', l.owner_active))
               ORDER BY l.relation, l.related_value) FILTER (WHERE l.relation IS NOT NULL), [])
       ))::VARCHAR
FROM current_identities i
LEFT JOIN links l USING (identity_key)
WHERE list_contains(from_json($1::VARCHAR, '["VARCHAR"]'), i.kind)
  AND i.active IS DISTINCT FROM false
GROUP BY i.identity_key, i.snapshot_id, i.user_name, i.kind, i.active
HAVING count(l.relation) = 0
    OR bool_and(l.owner_key IS NULL OR l.owner_active IS NOT DISTINCT FROM false)
ORDER BY i.identity_key
