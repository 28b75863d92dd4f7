-- Initial schema. All times are Unix milliseconds UTC (INTEGER); NULL means
-- unknown. Tables are STRICT so a wrongly typed value fails loudly instead of
-- being stored with another affinity. Booleans are INTEGER 0/1.

CREATE TABLE sources (
    id                   TEXT    NOT NULL PRIMARY KEY,
    name                 TEXT    NOT NULL DEFAULT '',
    kind                 TEXT    NOT NULL DEFAULT '',
    url                  TEXT    NOT NULL DEFAULT '',
    region               TEXT    NOT NULL DEFAULT '',
    weight               REAL    NOT NULL DEFAULT 1,
    interval_ms          INTEGER NOT NULL DEFAULT 0,
    active               INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    -- health: NULL health_saved_at means the source was never polled
    health_saved_at      INTEGER,
    last_attempt_at      INTEGER,
    last_success_at      INTEGER,
    last_error_at        INTEGER,
    last_error           TEXT    NOT NULL DEFAULT '',
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    items_seen           INTEGER NOT NULL DEFAULT 0,
    next_poll_at         INTEGER,
    etag                 TEXT    NOT NULL DEFAULT '',
    last_modified        TEXT    NOT NULL DEFAULT ''
) STRICT;

-- items.item_at is the earliest known time of the item (published, else
-- fetched, else stored). It is copied into item_topics and item_regions so
-- that per-topic and per-region daily counts are index-only scans.
CREATE TABLE items (
    id           TEXT    NOT NULL PRIMARY KEY,
    source_id    TEXT    NOT NULL,
    guid         TEXT    NOT NULL DEFAULT '',
    url          TEXT    NOT NULL DEFAULT '',
    title        TEXT    NOT NULL DEFAULT '',
    content      TEXT    NOT NULL DEFAULT '',
    author       TEXT    NOT NULL DEFAULT '',
    published_at INTEGER,
    fetched_at   INTEGER,
    stored_at    INTEGER NOT NULL,
    item_at      INTEGER NOT NULL,
    negativity   REAL    NOT NULL DEFAULT 0,
    sentiment    TEXT    NOT NULL DEFAULT '',
    severity     INTEGER NOT NULL DEFAULT 0,
    story_id     TEXT    NOT NULL DEFAULT '',
    analysis     TEXT    NOT NULL
) STRICT;

CREATE INDEX items_item_at ON items (item_at);
CREATE INDEX items_source_item_at ON items (source_id, item_at);
CREATE INDEX items_story ON items (story_id, item_at) WHERE story_id <> '';

CREATE TABLE item_topics (
    item_id  TEXT    NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    topic_id TEXT    NOT NULL,
    score    REAL    NOT NULL DEFAULT 0,
    terms    TEXT    NOT NULL DEFAULT '[]',
    item_at  INTEGER NOT NULL,
    PRIMARY KEY (item_id, topic_id)
) STRICT, WITHOUT ROWID;

-- One topic over time (topic pages) and all topics in one period (the
-- weekly report): both are range scans of a covering index.
CREATE INDEX item_topics_topic_item_at ON item_topics (topic_id, item_at);
CREATE INDEX item_topics_item_at_topic ON item_topics (item_at, topic_id);

CREATE TABLE item_regions (
    item_id TEXT    NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    region  TEXT    NOT NULL,
    item_at INTEGER NOT NULL,
    PRIMARY KEY (item_id, region)
) STRICT, WITHOUT ROWID;

CREATE INDEX item_regions_region_item_at ON item_regions (region, item_at);

-- AUTOINCREMENT: a case id is printed in messages and signed links, so it
-- must never be reused, even after the newest case is deleted.
CREATE TABLE cases (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    item_id    TEXT    NOT NULL REFERENCES items (id),
    story_id   TEXT    NOT NULL DEFAULT '',
    department TEXT    NOT NULL,
    lead       INTEGER NOT NULL DEFAULT 0 CHECK (lead IN (0, 1)),
    state      TEXT    NOT NULL,
    severity   INTEGER NOT NULL DEFAULT 0,
    topics     TEXT    NOT NULL DEFAULT '[]',
    opened_at  INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (item_id, department)
) STRICT;

CREATE INDEX cases_department_state ON cases (department, state, opened_at);
CREATE INDEX cases_state_opened_at ON cases (state, opened_at);
CREATE INDEX cases_opened_at ON cases (opened_at);
CREATE INDEX cases_story ON cases (story_id) WHERE story_id <> '';

CREATE TABLE deliveries (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id         INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    receiver        TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    delivered_at    INTEGER,
    failed_at       INTEGER,
    last_error      TEXT    NOT NULL DEFAULT '',
    -- dedupe_key tells the messages of one case to one receiver apart
    -- ('' for the first alert; e.g. 'update:3', 'reminder:first_info:50'),
    -- so a redelivered message queues nothing twice.
    dedupe_key      TEXT    NOT NULL DEFAULT '',
    UNIQUE (case_id, receiver, dedupe_key)
) STRICT;

CREATE INDEX deliveries_state_next_attempt ON deliveries (state, next_attempt_at);
