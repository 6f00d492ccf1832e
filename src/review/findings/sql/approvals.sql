-- $1 true for approved identities that changed since the approval, false for those
-- unchanged. The reviewer saw the identity in the newest snapshot imported before the
-- decision; it is compared with its newest snapshot now on `active`, grants and relations,
-- and a newer snapshot that deleted it is a change.
-- $2, when not NULL, is the as-of time: decisions after it are left out.
WITH approved AS (
    SELECT * FROM (
        SELECT seq, decided_at, identity_key, entitlement, verdict, reviewer, sha256,
               row_number() OVER (PARTITION BY identity_key, coalesce(entitlement, '')
                                  ORDER BY seq DESC) AS newest
        FROM decisions WHERE $2::TIMESTAMP IS NULL OR decided_at <= $2::TIMESTAMP
    ) WHERE newest = 1 AND verdict = 'approve'
),
grants AS (
    SELECT snapshot_id, identity_key,
           string_agg(kind || ':' || value, ', ' ORDER BY kind, value) AS grants
    FROM entitlements GROUP BY ALL
),
relations AS (
    SELECT snapshot_id, identity_key,
           string_agg(relation || ':' || related_value, ', ' ORDER BY relation, related_value) AS relations
    FROM identity_relations GROUP BY ALL
),
states AS (
    SELECT i.snapshot_id, i.identity_key, s.taken_at, s.created_at,
           coalesce(i.active::VARCHAR, 'unset') AS active,
           coalesce(g.grants, '') AS grants, coalesce(r.relations, '') AS relations
    FROM identities i
    JOIN snapshots s USING (snapshot_id)
    LEFT JOIN grants g USING (snapshot_id, identity_key)
    LEFT JOIN relations r USING (snapshot_id, identity_key)
),
seen AS (
    SELECT a.*, st.snapshot_id AS seen_snapshot, st.active AS seen_active,
           st.grants AS seen_grants, st.relations AS seen_relations
    FROM approved a
    JOIN states st ON st.identity_key = a.identity_key AND st.created_at <= a.decided_at
    QUALIFY row_number() OVER (PARTITION BY a.seq
                               ORDER BY st.taken_at DESC NULLS LAST, st.snapshot_id DESC) = 1
),
compared AS (
    SELECT se.*, st.snapshot_id AS now_snapshot, st.active AS now_active,
           st.grants AS now_grants, st.relations AS now_relations,
           list_filter([
               CASE WHEN c.deleted_in IS NOT NULL
                    THEN 'deleted in snapshot ' || c.deleted_in END,
               CASE WHEN se.seen_active <> st.active
                    THEN 'active ' || se.seen_active || ' -> ' || st.active END,
               CASE WHEN se.seen_grants <> st.grants
                    THEN 'grants [' || se.seen_grants || '] -> [' || st.grants || ']' END,
               CASE WHEN se.seen_relations <> st.relations
                    THEN 'relations [' || se.seen_relations || '] -> [' || st.relations || ']' END
           ], lambda c: c IS NOT NULL) AS changes
    FROM seen se
    JOIN live_identities c ON c.identity_key = se.identity_key
    JOIN states st ON st.snapshot_id = c.snapshot_id AND st.identity_key = c.identity_key
)
SELECT identity_key,
       entitlement,
       CASE WHEN len(changes) = 0
            THEN 'approved by ' || reviewer || ' at ' || strftime(decided_at, '%Y-%m-%dT%H:%M:%SZ')
                 || ' against snapshot ' || seen_snapshot || ', unchanged in snapshot ' || now_snapshot
            ELSE 'approved by ' || reviewer || ' at ' || strftime(decided_at, '%Y-%m-%dT%H:%M:%SZ')
                 || ' against snapshot ' || seen_snapshot || ', changed in snapshot ' || now_snapshot
                 || ': ' || array_to_string(changes, '; ')
       END,
       to_json([
           json_object('table', 'decisions', 'key', seq::VARCHAR, 'fields', json_object(
               'decided_at', strftime(decided_at, '%Y-%m-%dT%H:%M:%S.%fZ'), 'verdict', verdict,
               'reviewer', reviewer, 'entitlement', entitlement, 'sha256', sha256)),
           json_object('table', 'identities', 'key', identity_key, 'fields', json_object(
               'seen_snapshot', seen_snapshot, 'now_snapshot', now_snapshot,
               'seen_active', seen_active, 'now_active', now_active,
               'seen_grants', seen_grants, 'now_grants', now_grants,
               'seen_relations', seen_relations, 'now_relations', now_relations))
       ])::VARCHAR
FROM compared
WHERE (len(changes) > 0) = $1::BOOLEAN
ORDER BY identity_key, entitlement NULLS FIRST
