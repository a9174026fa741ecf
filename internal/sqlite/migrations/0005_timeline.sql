-- 0005 timeline: what the timeline keeps of every capture (its digest: the
-- content hash after volatile parts are stripped, and the fields compared
-- between versions), clustered by canonical URL and run so that the
-- analysis streams one URL's versions after another in a single ordered
-- scan; and the URLs a run's sitemaps listed that no run had captured.
-- Derived data: `timeline.Indexer` rebuilds a run's rows from its captures.

CREATE TABLE timeline_versions (
    canonical_url    TEXT NOT NULL,
    run_id           INTEGER NOT NULL REFERENCES runs (id),
    capture_id       INTEGER NOT NULL,          -- captures (id); no foreign key: derived rows are rebuilt, never the source of truth
    index_version    TEXT NOT NULL,
    fetched_at       TEXT NOT NULL,
    status           INTEGER NOT NULL,          -- for a 304 revisit, the status it repeats
    final_url        TEXT NOT NULL DEFAULT '',  -- only when redirected
    verdict          TEXT NOT NULL,
    body_sha256      TEXT NOT NULL DEFAULT '',
    content_hash     TEXT NOT NULL DEFAULT '',
    kind             TEXT NOT NULL DEFAULT '',
    section          TEXT NOT NULL DEFAULT '',
    flags            INTEGER NOT NULL DEFAULT 0, -- bits: 1 redirected, 2 soft 404, 4 latest listed, 8 day captured, 16 listing complete, 32 indexed
    refs             INTEGER NOT NULL DEFAULT 0, -- timeline.Refs
    day              TEXT NOT NULL DEFAULT '',
    items            INTEGER NOT NULL DEFAULT 0,
    items_on_day     INTEGER NOT NULL DEFAULT 0,
    items_after      INTEGER NOT NULL DEFAULT 0,
    items_dated      INTEGER NOT NULL DEFAULT 0,
    headline         TEXT NOT NULL DEFAULT '',
    published        TEXT NOT NULL DEFAULT '',
    modified         TEXT NOT NULL DEFAULT '',
    authors          TEXT NOT NULL DEFAULT '',  -- joined with U+001F
    source           TEXT NOT NULL DEFAULT '',
    dateline         TEXT NOT NULL DEFAULT '',
    credits          TEXT NOT NULL DEFAULT '',  -- joined with U+001F
    breadcrumbs      TEXT NOT NULL DEFAULT '',  -- joined with U+001F
    correction       TEXT NOT NULL DEFAULT '',
    body_hash        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (canonical_url, run_id, capture_id)
) WITHOUT ROWID;
CREATE INDEX timeline_versions_capture ON timeline_versions (capture_id);
CREATE INDEX timeline_versions_run ON timeline_versions (run_id);

CREATE TABLE timeline_missing (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    url    TEXT NOT NULL,
    via    TEXT NOT NULL DEFAULT '',
    kind   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, url)
);
