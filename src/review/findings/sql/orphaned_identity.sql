-- Wraps the query of `identities --no-active-owner` (case::OWNERLESS_QUERY, named
-- `ownerless` here) with a summary and the identity row as evidence.
SELECT o.identity_key,
       NULL,
       CASE o.reason WHEN 'no owner' THEN 'no owner or sponsor'
                     WHEN 'owner not found' THEN 'no owner or sponsor is a known identity: '
                     ELSE 'every owner or sponsor is inactive: ' END
           || coalesce(o.owners, ''),
       to_json(list_concat(
           [json_object('table', 'identities', 'key', o.identity_key, 'fields', json_object(
               'snapshot_id', o.snapshot_id, 'user_name', o.user_name, 'kind', o.kind,
               'active', o.active))],
           from_json(o.relations, '["JSON"]')))::VARCHAR
FROM ownerless o
ORDER BY o.identity_key
