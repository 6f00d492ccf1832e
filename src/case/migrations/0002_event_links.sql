-- Identifiers that join events across sources beyond their correlation, session and
-- request ids: a JSON array of {"kind", "value", "role"} objects, role being one of
-- own, parent, issued, presented, delegate, impersonated.
ALTER TABLE events ADD COLUMN links JSON DEFAULT '[]';
UPDATE events SET links = '[]' WHERE links IS NULL;
