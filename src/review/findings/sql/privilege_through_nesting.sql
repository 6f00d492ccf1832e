-- Group memberships that an identity holds only through groups nested in groups, each
-- with the shortest path. The walk stops at 16 levels and never enters a group twice.
WITH RECURSIVE direct AS (
    SELECT i.identity_key, i.snapshot_id, en.value AS group_id,
           coalesce(en.display, en.value) AS group_name
    FROM current_identities i
    JOIN entitlements en ON en.snapshot_id = i.snapshot_id AND en.identity_key = i.identity_key
    WHERE en.kind = 'group' AND i.kind <> 'group'
),
nested AS (
    SELECT g.snapshot_id, g.scim_id AS child, coalesce(g.display_name, g.scim_id) AS child_name,
           en.value AS parent, coalesce(en.display, en.value) AS parent_name
    FROM identities g
    JOIN entitlements en ON en.snapshot_id = g.snapshot_id AND en.identity_key = g.identity_key
    WHERE g.resource_type = 'Group' AND en.kind = 'group'
),
reach(identity_key, snapshot_id, group_id, group_ids, path, evidence) AS (
    SELECT identity_key, snapshot_id, group_id, [group_id], [group_name], []::JSON[]
    FROM direct
    UNION ALL
    SELECT r.identity_key, r.snapshot_id, n.parent, list_append(r.group_ids, n.parent),
           list_append(r.path, n.parent_name),
           list_append(r.evidence, json_object('table', 'memberships',
               'key', 'Group/' || n.parent || ' member ' || n.child, 'fields', json_object(
                   'snapshot_id', n.snapshot_id, 'group', n.parent_name, 'member', n.child_name)))
    FROM reach r JOIN nested n ON n.snapshot_id = r.snapshot_id AND n.child = r.group_id
    WHERE len(r.group_ids) < 16 AND NOT list_contains(r.group_ids, n.parent)
)
SELECT r.identity_key,
       r.group_id,
       'member of ' || list_last(r.path) || ' through ' || array_to_string(r.path, ' > '),
       to_json(list_concat(
           [json_object('table', 'entitlements', 'key', r.identity_key || ' group ' || r.group_ids[1],
               'fields', json_object('snapshot_id', r.snapshot_id, 'kind', 'group',
                   'value', r.group_ids[1], 'display', r.path[1]))],
           r.evidence))::VARCHAR
FROM reach r
WHERE len(r.group_ids) > 1
  AND NOT EXISTS (SELECT 1 FROM direct d
                  WHERE d.identity_key = r.identity_key AND d.group_id = r.group_id)
QUALIFY row_number() OVER (PARTITION BY r.identity_key, r.group_id ORDER BY len(r.group_ids), r.path) = 1
ORDER BY r.identity_key, r.group_id
