-- Review campaigns, and what each decision was made on. Rows written before this
-- migration keep row_version 1, whose hash covers only the original columns.
CREATE TABLE campaigns (
    campaign_id VARCHAR PRIMARY KEY,
    name VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL,
    snapshot_id BIGINT NOT NULL,      -- the snapshot under review
    scope JSON NOT NULL,              -- {"resource_types": [...], "kinds": [...], "filter": text}
    reviewers JSON NOT NULL,          -- array of reviewer names
    due_date DATE NOT NULL
);

ALTER TABLE decisions ADD COLUMN row_version BIGINT DEFAULT 1;
UPDATE decisions SET row_version = 1 WHERE row_version IS NULL;
ALTER TABLE decisions ADD COLUMN campaign_id VARCHAR;
ALTER TABLE decisions ADD COLUMN snapshot_ids VARCHAR DEFAULT '[]';  -- JSON array of ids
UPDATE decisions SET snapshot_ids = '[]' WHERE snapshot_ids IS NULL;
ALTER TABLE decisions ADD COLUMN evidence_sha256 VARCHAR;
