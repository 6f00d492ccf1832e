-- Sorts `event_identifiers` by role within each value hash, as import now writes its runs.
-- A trace asks for a value in one role (an issued credential for one that was presented),
-- and an application id that a million sign-ins present otherwise filled a dozen row groups
-- that every such lookup read in full; sorted by role, zone maps on `role` skip them.
CREATE TEMP TABLE identifiers_sorted AS
SELECT * FROM event_identifiers ORDER BY value_hash, role, event_key;
DELETE FROM event_identifiers;
INSERT INTO event_identifiers SELECT * FROM identifiers_sorted;
DROP TABLE identifiers_sorted;
