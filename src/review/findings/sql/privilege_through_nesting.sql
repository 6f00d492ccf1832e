-- Groups, and roles or entitlements that groups carry, that an identity holds only through
-- groups nested in groups, each with its shortest path. Paths come from
-- `effective_memberships`, which is expanded once per import and stops at group cycles,
-- so a cycle neither ends the walk early nor hides a grant. The summary of a path that
-- passes a group on a cycle names the cycle.
WITH reached AS (
    SELECT em.snapshot_id, em.member_key AS identity_key, 'group' AS kind,
           g.scim_id AS entitlement, coalesce(g.display_name, g.scim_id) AS display,
           from_json(em.path, '["VARCHAR"]') AS path, NULL::JSON AS grant_evidence
    FROM effective_memberships em
    JOIN live_identities i ON i.snapshot_id = em.snapshot_id AND i.identity_key = em.member_key
    JOIN identities g ON g.snapshot_id = em.snapshot_id AND g.identity_key = em.group_key
    WHERE i.kind <> 'group' AND i.deleted_in IS NULL AND em.depth > 1
    UNION ALL
    SELECT ee.snapshot_id, ee.identity_key, ee.kind, ee.value, coalesce(ee.display, ee.value),
           from_json(ee.path, '["VARCHAR"]'),
           json_object('table', 'entitlements', 'key', list_last(from_json(ee.path, '["VARCHAR"]'))
               || ' ' || ee.kind || ' ' || ee.value, 'fields', json_object(
                   'snapshot_id', ee.snapshot_id, 'kind', ee.kind, 'value', ee.value,
                   'display', ee.display))
    FROM effective_entitlements ee
    JOIN live_identities i ON i.snapshot_id = ee.snapshot_id AND i.identity_key = ee.identity_key
    WHERE i.kind <> 'group' AND i.deleted_in IS NULL AND ee.kind IN ('role', 'entitlement')
      AND json_array_length(ee.path) > 1
      -- Held in its own attributes or through a group it is a direct member of.
      AND NOT EXISTS (SELECT 1 FROM effective_entitlements d
                      WHERE d.snapshot_id = ee.snapshot_id AND d.identity_key = ee.identity_key
                        AND d.kind = ee.kind AND d.value = ee.value
                        AND json_array_length(d.path) <= 1)
),
shortest AS (
    SELECT * FROM reached
    QUALIFY row_number() OVER (PARTITION BY identity_key, entitlement
                               ORDER BY kind = 'group' DESC, len(path), path) = 1
),
hops AS (
    SELECT s.identity_key, s.entitlement, h.pos,
           coalesce(g.display_name, g.scim_id, s.path[h.pos]) AS group_name,
           json_object('table', 'memberships',
               'key', s.path[h.pos] || ' member ' || CASE WHEN h.pos = 1 THEN s.identity_key
                                                         ELSE s.path[h.pos - 1] END,
               'fields', json_object('snapshot_id', s.snapshot_id, 'group', s.path[h.pos],
                   'member', CASE WHEN h.pos = 1 THEN s.identity_key ELSE s.path[h.pos - 1] END))
               AS evidence
    FROM shortest s,
         unnest(generate_series(1, len(s.path))) AS h(pos)
    LEFT JOIN identities g ON g.snapshot_id = s.snapshot_id AND g.identity_key = s.path[h.pos]
),
cycles AS (
    SELECT s.identity_key, s.entitlement,
           string_agg(array_to_string(from_json(c.cycle, '["VARCHAR"]'), ' > '), '; ') AS text,
           list(json_object('table', 'group_cycles', 'key', c.cycle::VARCHAR, 'fields',
               json_object('snapshot_id', c.snapshot_id, 'cycle', c.cycle))) AS evidence
    FROM shortest s
    JOIN group_cycles c ON c.snapshot_id = s.snapshot_id
     AND list_has_any(from_json(c.cycle, '["VARCHAR"]'), s.path)
    GROUP BY s.identity_key, s.entitlement
)
SELECT s.identity_key,
       s.entitlement,
       CASE WHEN s.kind = 'group' THEN 'member of ' || s.display
            ELSE s.kind || ' ' || s.display || ' of ' || list_last(list(h.group_name ORDER BY h.pos))
       END
           || ' through ' || array_to_string(list(h.group_name ORDER BY h.pos), ' > ')
           || coalesce('; the path passes the group cycle ' || any_value(c.text), ''),
       to_json(list_concat(
           list(h.evidence ORDER BY h.pos),
           coalesce(any_value(c.evidence), []::JSON[]),
           CASE WHEN any_value(s.grant_evidence) IS NULL THEN []::JSON[]
                ELSE [any_value(s.grant_evidence)] END))::VARCHAR
FROM shortest s
JOIN hops h USING (identity_key, entitlement)
LEFT JOIN cycles c USING (identity_key, entitlement)
GROUP BY s.identity_key, s.entitlement, s.kind, s.display
ORDER BY s.identity_key, s.entitlement
