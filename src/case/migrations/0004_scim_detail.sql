-- SCIM detail: extension attributes, certificates, identifiers that audit logs use,
-- nested group membership with cycles, and analyst-supplied alias mappings.

ALTER TABLE identities ADD COLUMN primary_email VARCHAR;
ALTER TABLE identities ADD COLUMN employee_number VARCHAR;
ALTER TABLE identities ADD COLUMN department VARCHAR;
-- Extension containers keyed by schema URN, unknown extensions included.
ALTER TABLE identities ADD COLUMN extensions JSON DEFAULT '{}';
UPDATE identities SET extensions = '{}' WHERE extensions IS NULL;
-- An agent's `protocols` (MCP, A2A, OpenAPI, ...), a JSON array of text.
ALTER TABLE identities ADD COLUMN protocols JSON DEFAULT '[]';
UPDATE identities SET protocols = '[]' WHERE protocols IS NULL;

ALTER TABLE memberships ADD COLUMN member_ref VARCHAR;

-- One row per x509Certificates value. not_after is NULL when the DER could not be read,
-- and parse_error says why.
CREATE TABLE certificates (
    snapshot_id BIGINT NOT NULL,
    identity_key VARCHAR NOT NULL,
    position BIGINT NOT NULL,
    is_primary BOOLEAN NOT NULL,
    display VARCHAR,
    subject VARCHAR,
    not_before TIMESTAMP,
    not_after TIMESTAMP,
    parse_error VARCHAR
);

-- Identifiers a resource carries besides id, externalId, userName and emails:
-- kind is clientId, subject, arn or roleSessionName.
CREATE TABLE identity_identifiers (
    snapshot_id BIGINT NOT NULL,
    identity_key VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,
    value VARCHAR NOT NULL
);

-- Membership through nested groups: member_key is in group_key by way of path, a JSON
-- array of group keys from the group that lists the member up to group_key. depth 1 is
-- direct membership.
CREATE TABLE effective_memberships (
    snapshot_id BIGINT NOT NULL,
    member_key VARCHAR NOT NULL,
    group_key VARCHAR NOT NULL,
    depth BIGINT NOT NULL,
    path JSON NOT NULL
);

-- Cycles among group memberships: a JSON array of group keys, each a member of the next
-- and the last a member of the first, starting at the smallest key.
CREATE TABLE group_cycles (
    snapshot_id BIGINT NOT NULL,
    cycle JSON NOT NULL
);

-- Identifiers an analyst mapped to an identity in a mapping file.
CREATE TABLE alias_mappings (
    alias VARCHAR PRIMARY KEY,        -- lower case
    identity_key VARCHAR NOT NULL,
    note VARCHAR,
    mapping_file VARCHAR NOT NULL
);

-- Every grant an identity holds in a snapshot, with how: its own roles and
-- entitlements, each group it is in directly or through nesting, and the roles and
-- entitlements of those groups. path is a JSON array of group keys ('[]' for its own).
CREATE VIEW effective_entitlements AS
SELECT snapshot_id, identity_key, kind, value, display, granted_via, '[]'::JSON AS path
FROM entitlements
WHERE granted_via NOT LIKE 'member of %'
UNION ALL
SELECT em.snapshot_id, em.member_key, 'group', g.scim_id, g.display_name,
       'member of ' || em.group_key, em.path
FROM effective_memberships em
JOIN identities g ON g.snapshot_id = em.snapshot_id AND g.identity_key = em.group_key
UNION ALL
SELECT em.snapshot_id, em.member_key, e.kind, e.value, e.display,
       'through ' || em.group_key, em.path
FROM effective_memberships em
JOIN entitlements e ON e.snapshot_id = em.snapshot_id AND e.identity_key = em.group_key
WHERE e.granted_via NOT LIKE 'member of %';

-- Adds two more ways to resolve an actor: an assumed-role session ARN resolves to the
-- identity that carries the role's IAM ARN, or its role session name.
CREATE OR REPLACE VIEW event_identities AS
SELECT e.event_key,
       coalesce(a1.identity_key, a2.identity_key, a3.identity_key, a4.identity_key) AS identity_key,
       coalesce(a1.rule, a2.rule, a3.rule, a4.rule) AS matched_by
FROM events e
LEFT JOIN aliases a1 ON a1.alias = lower(e.actor_id)
LEFT JOIN aliases a2 ON a2.alias = lower(e.actor_alt_id)
LEFT JOIN aliases a3 ON a3.rule = 'arn'
    AND a3.alias = lower(regexp_replace(e.actor_id,
        '^arn:([^:]+):sts::([0-9]+):assumed-role/([^/]+)/.*$', 'arn:\1:iam::\2:role/\3'))
    AND e.actor_id LIKE 'arn:%:sts::%:assumed-role/%'
LEFT JOIN aliases a4 ON a4.rule = 'roleSessionName'
    AND a4.alias = lower(regexp_extract(e.actor_id, '[^/]+$'))
    AND e.actor_id LIKE 'arn:%:sts::%:assumed-role/%';
