-- Weekly reports: the archive of finished reports, the runs of the schedule,
-- and an index for the report's negative counts.

-- The negative items of a period, with their ids to join their topics: a
-- partial index holds only the negative items, so counting them per topic
-- visits them alone.
CREATE INDEX items_negative_item_at ON items (item_at, id) WHERE sentiment = 'negative';

-- One row per rendering of a report. token is the unguessable part of the
-- report's link (/reports/TOKEN.html): one token per period and scope,
-- shared by its formats. scope '' is the city-wide report.
CREATE TABLE reports (
    period     TEXT   NOT NULL,
    scope      TEXT   NOT NULL DEFAULT '',
    format     TEXT   NOT NULL CHECK (format IN ('html', 'md', 'json', 'pdf')),
    token      TEXT   NOT NULL,
    title      TEXT   NOT NULL DEFAULT '',
    content    BYTEA  NOT NULL,
    bytes      BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (period, scope, format)
);

CREATE UNIQUE INDEX reports_token_format ON reports (token, format);

-- One row per scheduled report: claimed before it is built, so that two
-- instances (or a restart) never build and send the same week twice.
-- state: running (claimed_at is the lease), done, failed, or skipped (the
-- week was due before the schedule first ran).
CREATE TABLE report_runs (
    period      TEXT   NOT NULL,
    scope       TEXT   NOT NULL DEFAULT '',
    state       TEXT   NOT NULL CHECK (state IN ('running', 'done', 'failed', 'skipped')),
    claimed_at  BIGINT NOT NULL,
    finished_at BIGINT,
    last_error  TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (period, scope)
);
