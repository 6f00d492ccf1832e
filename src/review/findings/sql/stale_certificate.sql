-- $1 as-of time, $2 days before notAfter that count as expiring (0: expired only).
--
-- x509 certificates of identities in their newest snapshot that have expired by the as-of
-- time or expire within the window. Identities marked inactive, and those a newer snapshot
-- deleted, are left out, because they cannot sign in with them.
SELECT c.identity_key,
       'x509Certificates[' || c.position || ']',
       'certificate ' || coalesce(c.subject, c.display, 'without a subject')
           || CASE WHEN c.not_after <= $1::TIMESTAMP THEN ' expired '
                   ELSE ' expires ' END
           || strftime(c.not_after, '%Y-%m-%dT%H:%M:%SZ')
           || CASE WHEN c.not_after <= $1::TIMESTAMP
                   THEN ', ' || date_diff('day', c.not_after, $1::TIMESTAMP) || ' days before the as-of time'
                   ELSE ', within ' || date_diff('day', $1::TIMESTAMP, c.not_after) || ' days of the as-of time' END,
       to_json([json_object('table', 'certificates', 'key', c.identity_key || ' x509Certificates[' || c.position || ']',
           'fields', json_object('snapshot_id', c.snapshot_id, 'subject', c.subject,
               'not_before', strftime(c.not_before, '%Y-%m-%dT%H:%M:%SZ'),
               'not_after', strftime(c.not_after, '%Y-%m-%dT%H:%M:%SZ'),
               'primary', c.is_primary, 'display', c.display))])::VARCHAR
FROM certificates c
JOIN live_identities i ON i.snapshot_id = c.snapshot_id AND i.identity_key = c.identity_key
WHERE c.not_after IS NOT NULL
  AND c.not_after <= $1::TIMESTAMP + to_days($2::INTEGER)
  AND i.active IS DISTINCT FROM false
  AND i.deleted_in IS NULL
ORDER BY c.identity_key, c.position
