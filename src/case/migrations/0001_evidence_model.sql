-- Times are TIMESTAMP values in UTC; the text each source gave is kept beside them.

CREATE TABLE snapshots (
    snapshot_id BIGINT PRIMARY KEY,
    taken_at TIMESTAMP,
    taken_at_basis VARCHAR NOT NULL,  -- 'option', 'meta.lastModified' or 'file mtime'
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE sources (
    source_id BIGINT PRIMARY KEY,
    kind VARCHAR NOT NULL,            -- 'scim' or 'audit'
    format VARCHAR NOT NULL,
    container VARCHAR NOT NULL,       -- how the records were wrapped: array, ndjson, ...
    path VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL,
    bytes BIGINT NOT NULL,
    imported_at TIMESTAMP NOT NULL,
    snapshot_id BIGINT,
    records_read BIGINT NOT NULL,
    imported BIGINT NOT NULL,
    duplicates BIGINT NOT NULL,
    rejected BIGINT NOT NULL,
    collisions BIGINT NOT NULL,
    notes VARCHAR[] NOT NULL
);

CREATE TABLE identities (
    snapshot_id BIGINT NOT NULL,
    source_id BIGINT NOT NULL,
    record_pos BIGINT NOT NULL,
    identity_key VARCHAR NOT NULL,    -- 'ResourceType/id'
    resource_type VARCHAR NOT NULL,
    scim_id VARCHAR NOT NULL,
    external_id VARCHAR,
    user_name VARCHAR,
    display_name VARCHAR,
    kind VARCHAR NOT NULL,            -- human, service, agent, group, other
    user_type VARCHAR,
    active BOOLEAN,
    owner VARCHAR,
    created TIMESTAMP,
    last_modified TIMESTAMP,
    version VARCHAR,
    schemas JSON NOT NULL,            -- array of schema URNs
    emails JSON NOT NULL,             -- array of email values
    raw JSON NOT NULL,
    PRIMARY KEY (snapshot_id, identity_key)
);

CREATE TABLE identity_relations (
    snapshot_id BIGINT NOT NULL,
    identity_key VARCHAR NOT NULL,
    relation VARCHAR NOT NULL,        -- manager, owner, parent
    related_value VARCHAR NOT NULL
);

CREATE TABLE memberships (
    snapshot_id BIGINT NOT NULL,
    group_key VARCHAR NOT NULL,
    member_value VARCHAR NOT NULL,
    member_type VARCHAR,
    member_display VARCHAR
);

CREATE TABLE entitlements (
    snapshot_id BIGINT NOT NULL,
    identity_key VARCHAR NOT NULL,
    kind VARCHAR NOT NULL,            -- group, role, entitlement
    value VARCHAR NOT NULL,
    display VARCHAR,
    granted_via VARCHAR NOT NULL
);

CREATE TABLE events (
    event_key BIGINT PRIMARY KEY,
    source_id BIGINT NOT NULL,
    record_pos BIGINT NOT NULL,
    event_id VARCHAR,                 -- the source's natural key
    content_sha256 VARCHAR NOT NULL,  -- over the record with its keys sorted
    ts TIMESTAMP NOT NULL,
    ts_original VARCHAR NOT NULL,
    ts_note VARCHAR,
    source_format VARCHAR NOT NULL,
    category VARCHAR,
    action VARCHAR NOT NULL,
    outcome VARCHAR NOT NULL,         -- success, failure, denied, unknown
    reason VARCHAR,
    actor_id VARCHAR,
    actor_alt_id VARCHAR,             -- login name, UPN or application id
    actor_type VARCHAR,
    actor_display VARCHAR,
    session_id VARCHAR,
    correlation_id VARCHAR,
    request_id VARCHAR,
    client_ip VARCHAR,
    targets JSON NOT NULL,
    raw JSON NOT NULL
);

-- Two events with one natural key but different content: both are kept.
CREATE TABLE event_collisions (
    source_format VARCHAR NOT NULL,
    event_id VARCHAR NOT NULL,
    event_key BIGINT NOT NULL,
    earlier_event_key BIGINT NOT NULL
);

CREATE TABLE quarantine (
    source_id BIGINT NOT NULL,
    record_pos BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    raw VARCHAR NOT NULL
);

-- Identifiers seen in audit logs, mapped to the identity they name. Rebuilt after each
-- import from the newest snapshot of every identity.
CREATE TABLE aliases (
    alias VARCHAR PRIMARY KEY,        -- lower case
    identity_key VARCHAR NOT NULL,
    rule VARCHAR NOT NULL             -- id, externalId, userName, email
);

CREATE TABLE decisions (
    seq BIGINT PRIMARY KEY,
    decided_at TIMESTAMP NOT NULL,
    identity_key VARCHAR NOT NULL,
    entitlement VARCHAR,
    verdict VARCHAR NOT NULL,
    reviewer VARCHAR NOT NULL,
    justification VARCHAR NOT NULL,
    prev_sha256 VARCHAR NOT NULL,
    sha256 VARCHAR NOT NULL
);

-- The count and hash of the newest decision, written with every decision, so deleting
-- rows from the end of the chain is detected too.
CREATE TABLE ledger_head (
    decisions BIGINT NOT NULL,
    sha256 VARCHAR NOT NULL
);

CREATE VIEW current_identities AS
SELECT i.*
FROM identities i JOIN snapshots s USING (snapshot_id)
QUALIFY row_number() OVER (
    PARTITION BY i.identity_key ORDER BY s.taken_at DESC NULLS LAST, s.snapshot_id DESC
) = 1;

-- The SCIM identity each event's actor resolves to: by the actor id first, then by the
-- alternate id (login name, UPN or application id).
CREATE VIEW event_identities AS
SELECT e.event_key,
       coalesce(a1.identity_key, a2.identity_key) AS identity_key,
       coalesce(a1.rule, a2.rule) AS matched_by
FROM events e
LEFT JOIN aliases a1 ON a1.alias = lower(e.actor_id)
LEFT JOIN aliases a2 ON a2.alias = lower(e.actor_alt_id);
