-- 0005 timeline: what the timeline keeps of every capture (its digest: the
-- content hash after volatile parts are stripped, and the fields compared
-- between versions), clustered by canonical URL and run so that the
-- analysis streams one URL's versions after another in a single ordered
-- scan; and the URLs a run's sitemaps listed that no run had captured.
-- Derived data: `timeline.Indexer` rebuilds a run's rows from its captures.

CREATE TABLE timeline_versions (
    canonical_url TEXT NOT NULL,
    run_id        INTEGER NOT NULL REFERENCES runs (id),
    capture_id    INTEGER NOT NULL,  -- captures (id); no foreign key: derived rows are rebuilt, never the source of truth
    index_version TEXT NOT NULL,     -- timeline.IndexVersion that wrote the row
    -- The digest, one text of fields separated by U+001E (lists inside a
    -- field by U+001F), in the order of digestFields in timeline.go: one
    -- column read per row keeps the streamed scan of every version fast.
    digest        TEXT NOT NULL,
    PRIMARY KEY (canonical_url, run_id, capture_id)
) WITHOUT ROWID;
CREATE INDEX timeline_versions_run ON timeline_versions (run_id);

CREATE TABLE timeline_missing (
    run_id INTEGER NOT NULL REFERENCES runs (id),
    url    TEXT NOT NULL,
    via    TEXT NOT NULL DEFAULT '',
    kind   TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, url)
);
