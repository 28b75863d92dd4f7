-- Stories: an article and its reprints and near-copies across sources.
-- A story's id is derived from its first article's id, so a redelivered
-- article starts the same story. Counts are kept on the story row so the
-- spread of a story is one read; members record each article once
-- (item_id is the key), which makes assignment idempotent.

CREATE TABLE stories (
    id         TEXT    NOT NULL PRIMARY KEY,
    item_id    TEXT    NOT NULL,             -- the representative (first) article
    title      TEXT    NOT NULL DEFAULT '',
    url        TEXT    NOT NULL DEFAULT '',
    first_seen BIGINT  NOT NULL,
    last_seen  BIGINT  NOT NULL,
    articles   INTEGER NOT NULL DEFAULT 0,
    sources    INTEGER NOT NULL DEFAULT 0
);

CREATE INDEX stories_last_seen ON stories (last_seen);
CREATE INDEX stories_first_seen ON stories (first_seen);

CREATE TABLE story_members (
    item_id   TEXT   NOT NULL PRIMARY KEY,
    story_id  TEXT   NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    source_id TEXT   NOT NULL,
    title     TEXT   NOT NULL DEFAULT '',
    url       TEXT   NOT NULL DEFAULT '',
    item_at   BIGINT NOT NULL,
    -- the MinHash signature (opaque to the store); empty: too short to compare
    signature BYTEA  NOT NULL
);

CREATE INDEX story_members_story_item_at ON story_members (story_id, item_at);
CREATE INDEX story_members_story_source ON story_members (story_id, source_id);
CREATE INDEX story_members_item_at ON story_members (item_at);

-- The near-duplicate index: the band hashes of each member's signature.
-- Similar articles share a band with high probability, so candidates are a
-- primary-key range scan per band, newest first: a lookup reads a bounded
-- number of recent members per band, however large a story grows.
CREATE TABLE story_bands (
    band    SMALLINT NOT NULL,
    hash    BIGINT   NOT NULL,
    item_at BIGINT   NOT NULL,
    item_id TEXT     NOT NULL REFERENCES story_members (item_id) ON DELETE CASCADE,
    PRIMARY KEY (band, hash, item_at, item_id)
);

-- Spikes already announced, so a restart does not announce them again.
CREATE TABLE surges (
    id          TEXT             NOT NULL PRIMARY KEY,
    scope       TEXT             NOT NULL,
    key         TEXT             NOT NULL,
    window_kind TEXT             NOT NULL,
    start_at    BIGINT           NOT NULL,
    count       INTEGER          NOT NULL,
    threshold   DOUBLE PRECISION NOT NULL,
    detected_at BIGINT           NOT NULL
);

CREATE INDEX surges_start_at ON surges (start_at);
