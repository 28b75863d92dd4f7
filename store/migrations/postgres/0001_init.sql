-- Initial schema. All times are Unix milliseconds UTC (BIGINT); NULL means
-- unknown. JSON is kept as TEXT: it is only ever read back whole, and the
-- columns that reports filter on are normalised into their own tables.

CREATE TABLE sources (
    id                   TEXT             NOT NULL PRIMARY KEY,
    name                 TEXT             NOT NULL DEFAULT '',
    kind                 TEXT             NOT NULL DEFAULT '',
    url                  TEXT             NOT NULL DEFAULT '',
    region               TEXT             NOT NULL DEFAULT '',
    weight               DOUBLE PRECISION NOT NULL DEFAULT 1,
    interval_ms          BIGINT           NOT NULL DEFAULT 0,
    active               BOOLEAN          NOT NULL DEFAULT TRUE,
    -- health: NULL health_saved_at means the source was never polled
    health_saved_at      BIGINT,
    last_attempt_at      BIGINT,
    last_success_at      BIGINT,
    last_error_at        BIGINT,
    last_error           TEXT             NOT NULL DEFAULT '',
    consecutive_failures INTEGER          NOT NULL DEFAULT 0,
    items_seen           BIGINT           NOT NULL DEFAULT 0,
    next_poll_at         BIGINT,
    etag                 TEXT             NOT NULL DEFAULT '',
    last_modified        TEXT             NOT NULL DEFAULT ''
);

-- items.item_at is the earliest known time of the item (published, else
-- fetched, else stored). It is copied into item_topics and item_regions so
-- that per-topic and per-region daily counts are index-only scans.
CREATE TABLE items (
    id           TEXT             NOT NULL PRIMARY KEY,
    source_id    TEXT             NOT NULL,
    guid         TEXT             NOT NULL DEFAULT '',
    url          TEXT             NOT NULL DEFAULT '',
    title        TEXT             NOT NULL DEFAULT '',
    content      TEXT             NOT NULL DEFAULT '',
    author       TEXT             NOT NULL DEFAULT '',
    published_at BIGINT,
    fetched_at   BIGINT,
    stored_at    BIGINT           NOT NULL,
    item_at      BIGINT           NOT NULL,
    negativity   DOUBLE PRECISION NOT NULL DEFAULT 0,
    sentiment    TEXT             NOT NULL DEFAULT '',
    severity     SMALLINT         NOT NULL DEFAULT 0,
    story_id     TEXT             NOT NULL DEFAULT '',
    analysis     TEXT             NOT NULL
);

CREATE INDEX items_item_at ON items (item_at);
CREATE INDEX items_source_item_at ON items (source_id, item_at);
CREATE INDEX items_story ON items (story_id, item_at) WHERE story_id <> '';

CREATE TABLE item_topics (
    item_id  TEXT             NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    topic_id TEXT             NOT NULL,
    score    DOUBLE PRECISION NOT NULL DEFAULT 0,
    terms    TEXT             NOT NULL DEFAULT '[]',
    item_at  BIGINT           NOT NULL,
    PRIMARY KEY (item_id, topic_id)
);

-- One topic over time (topic pages) and all topics in one period (the
-- weekly report): both are range scans of a covering index.
CREATE INDEX item_topics_topic_item_at ON item_topics (topic_id, item_at);
CREATE INDEX item_topics_item_at_topic ON item_topics (item_at, topic_id);

CREATE TABLE item_regions (
    item_id TEXT   NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    region  TEXT   NOT NULL,
    item_at BIGINT NOT NULL,
    PRIMARY KEY (item_id, region)
);

CREATE INDEX item_regions_region_item_at ON item_regions (region, item_at);

CREATE TABLE cases (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    item_id    TEXT     NOT NULL REFERENCES items (id),
    story_id   TEXT     NOT NULL DEFAULT '',
    department TEXT     NOT NULL,
    lead       BOOLEAN  NOT NULL DEFAULT FALSE,
    state      TEXT     NOT NULL,
    severity   SMALLINT NOT NULL DEFAULT 0,
    topics     TEXT     NOT NULL DEFAULT '[]',
    opened_at  BIGINT   NOT NULL,
    updated_at BIGINT   NOT NULL,
    UNIQUE (item_id, department)
);

CREATE INDEX cases_department_state ON cases (department, state, opened_at);
CREATE INDEX cases_state_opened_at ON cases (state, opened_at);
CREATE INDEX cases_opened_at ON cases (opened_at);
CREATE INDEX cases_story ON cases (story_id) WHERE story_id <> '';

CREATE TABLE deliveries (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    case_id         BIGINT  NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    receiver        TEXT    NOT NULL,
    payload         TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending'
                    CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    created_at      BIGINT  NOT NULL,
    next_attempt_at BIGINT  NOT NULL,
    delivered_at    BIGINT,
    failed_at       BIGINT,
    last_error      TEXT    NOT NULL DEFAULT '',
    -- dedupe_key tells the messages of one case to one receiver apart
    -- ('' for the first alert; e.g. 'update:3', 'reminder:first_info:50'),
    -- so a redelivered message queues nothing twice.
    dedupe_key      TEXT    NOT NULL DEFAULT '',
    UNIQUE (case_id, receiver, dedupe_key)
);

CREATE INDEX deliveries_state_next_attempt ON deliveries (state, next_attempt_at);
