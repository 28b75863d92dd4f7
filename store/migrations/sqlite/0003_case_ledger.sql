-- Case side of alerting: one case per story and department, the response
-- ledger (台账: deadlines, audit trail), silences.
--
-- The cases table keeps UNIQUE (item_id, department): item_id is now the
-- story's first item for the department, which is unique per department
-- anyway, so the table needs no rebuild (a rebuild would cascade-delete the
-- deliveries). story_key ('story:<id>', or 'item:<id>' for an item without
-- a story) is unique with the department. Cases opened before this
-- migration, one per item, keep one case each: the first of a story takes
-- the story's key, the others their item's.

ALTER TABLE cases ADD COLUMN story_key          TEXT    NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN department_name    TEXT    NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN title              TEXT    NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN url                TEXT    NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN regions            TEXT    NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN articles           INTEGER NOT NULL DEFAULT 1;
ALTER TABLE cases ADD COLUMN sources            TEXT    NOT NULL DEFAULT '[]';
ALTER TABLE cases ADD COLUMN first_published_at INTEGER;
ALTER TABLE cases ADD COLUMN detected_at        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN clock_start        INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN signed_at          INTEGER;
ALTER TABLE cases ADD COLUMN responded_at       INTEGER;
ALTER TABLE cases ADD COLUMN press_at           INTEGER;
ALTER TABLE cases ADD COLUMN closed_at          INTEGER;
ALTER TABLE cases ADD COLUMN response_url       TEXT    NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN response_text      TEXT    NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN reason             TEXT    NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN escalated_at       INTEGER;
ALTER TABLE cases ADD COLUMN group_key          TEXT    NOT NULL DEFAULT '';
ALTER TABLE cases ADD COLUMN group_wait_ms      INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN group_interval_ms  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN repeat_interval_ms INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN last_notified_at   INTEGER;
ALTER TABLE cases ADD COLUMN notified_severity  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN notified_articles  INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN notified_sources   INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN updates            INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN repeats            INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN update_due_at      INTEGER;
ALTER TABLE cases ADD COLUMN next_repeat_at     INTEGER;

UPDATE cases SET story_key = 'item:' || item_id;
UPDATE cases SET story_key = 'story:' || story_id
WHERE story_id <> '' AND id = (SELECT MIN(c2.id) FROM cases c2
                               WHERE c2.story_id = cases.story_id AND c2.department = cases.department);
UPDATE cases SET
    title = COALESCE((SELECT i.title FROM items i WHERE i.id = cases.item_id), ''),
    url = COALESCE((SELECT i.url FROM items i WHERE i.id = cases.item_id), ''),
    sources = COALESCE((SELECT json_array(i.source_id) FROM items i WHERE i.id = cases.item_id), '[]'),
    detected_at = opened_at, clock_start = opened_at, last_notified_at = opened_at,
    notified_severity = severity, notified_articles = 1, notified_sources = 1;

CREATE UNIQUE INDEX cases_story_department ON cases (story_key, department);
CREATE INDEX cases_update_due ON cases (update_due_at) WHERE update_due_at IS NOT NULL;
CREATE INDEX cases_next_repeat ON cases (next_repeat_at) WHERE next_repeat_at IS NOT NULL;

-- The items attached to each case (the story's articles that reached the
-- department): attaching an item twice is what a redelivered message
-- would do, and is refused by the key.
CREATE TABLE case_items (
    case_id  INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    item_id  TEXT    NOT NULL REFERENCES items (id),
    added_at INTEGER NOT NULL,
    PRIMARY KEY (case_id, item_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX case_items_item ON case_items (item_id);

INSERT INTO case_items (case_id, item_id, added_at) SELECT id, item_id, opened_at FROM cases;

-- notified is the highest share of the deadline's time (percent) acted
-- on; next_check_at is when the clock looks again (NULL: never).
CREATE TABLE case_deadlines (
    case_id       INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    kind          TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    due_at        INTEGER NOT NULL,
    met_at        INTEGER,
    notified      INTEGER NOT NULL DEFAULT 0,
    next_check_at INTEGER,
    PRIMARY KEY (case_id, kind)
) STRICT, WITHOUT ROWID;

CREATE INDEX case_deadlines_next_check ON case_deadlines (next_check_at) WHERE next_check_at IS NOT NULL;

-- The audit trail: who did what to a case, when, and from where.
CREATE TABLE case_events (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    case_id     INTEGER NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    actor       TEXT    NOT NULL,
    action      TEXT    NOT NULL,
    from_state  TEXT    NOT NULL DEFAULT '',
    to_state    TEXT    NOT NULL DEFAULT '',
    detail      TEXT    NOT NULL DEFAULT '',
    remote_addr TEXT    NOT NULL DEFAULT ''
) STRICT;

CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE silences (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id   TEXT    NOT NULL DEFAULT '',
    topic      TEXT    NOT NULL DEFAULT '',
    source_id  TEXT    NOT NULL DEFAULT '',
    starts_at  INTEGER NOT NULL,
    ends_at    INTEGER NOT NULL,
    reason     TEXT    NOT NULL,
    author     TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    CHECK (story_id <> '' OR topic <> '' OR source_id <> ''),
    CHECK (ends_at > starts_at)
) STRICT;

CREATE INDEX silences_ends_at ON silences (ends_at);
