-- Events an analyst marked, each with an optional note. A bookmark is never edited: a new
-- note on the same event is a new row, so the history of notes stays in the case.
CREATE TABLE bookmarks (
    bookmark_id BIGINT PRIMARY KEY,
    event_key BIGINT NOT NULL,
    note VARCHAR,
    author VARCHAR NOT NULL,
    created_at TIMESTAMP NOT NULL      -- UTC
);
