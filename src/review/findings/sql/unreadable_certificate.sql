-- x509Certificates values of identities in their newest snapshot that could not be read
-- as a certificate, so their expiry is unknown. Identities marked inactive or deleted are
-- left out.
SELECT c.identity_key,
       'x509Certificates[' || c.position || ']',
       'certificate value is unreadable, so its expiry is unknown: ' || coalesce(c.parse_error, 'no reason recorded'),
       to_json([json_object('table', 'certificates', 'key', c.identity_key || ' x509Certificates[' || c.position || ']',
           'fields', json_object('snapshot_id', c.snapshot_id, 'parse_error', c.parse_error,
               'primary', c.is_primary, 'display', c.display))])::VARCHAR
FROM certificates c
JOIN live_identities i ON i.snapshot_id = c.snapshot_id AND i.identity_key = c.identity_key
WHERE c.not_after IS NULL
  AND i.active IS DISTINCT FROM false
  AND i.deleted_in IS NULL
ORDER BY c.identity_key, c.position
