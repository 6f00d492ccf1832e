-- Wraps the query of `identities --unknown` (case::UNKNOWN_ACTORS_QUERY, named `unknown`
-- here) with a summary.
SELECT u.actor,
       NULL,
       u.events || CASE WHEN u.events = 1 THEN ' event' ELSE ' events' END || ' from '
           || strftime(u.first_seen, '%Y-%m-%dT%H:%M:%SZ') || ' to '
           || strftime(u.last_seen, '%Y-%m-%dT%H:%M:%SZ') || ' by an actor no SCIM identity matches'
           || coalesce(' (' || coalesce(u.display, u.alt_id) || ')', ''),
       u.evidence
FROM unknown u
ORDER BY u.actor
