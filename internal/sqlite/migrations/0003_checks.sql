-- 0003 checks: every `archiver check` run and its findings, so that a run
-- can say what is new, persisting and resolved since the previous one, and
-- the HTML report can draw the trend. Times are UTC text as in 0001.

CREATE TABLE check_runs (
    id           INTEGER PRIMARY KEY,
    crawl_run_id INTEGER NOT NULL,            -- runs (id): the crawl that was checked
    previous_id  INTEGER NOT NULL DEFAULT 0,  -- the check run states are relative to, 0 if none
    started_at   TEXT NOT NULL,
    finished_at  TEXT NOT NULL,
    rules_hash   TEXT NOT NULL,               -- SHA-256 of the rule files and overrides
    fail_on      TEXT NOT NULL,
    failed       INTEGER NOT NULL CHECK (failed IN (0, 1)),
    pages        INTEGER NOT NULL DEFAULT 0,
    errors       INTEGER NOT NULL DEFAULT 0,  -- open findings by severity
    warnings     INTEGER NOT NULL DEFAULT 0,
    notes        INTEGER NOT NULL DEFAULT 0,
    config       TEXT NOT NULL DEFAULT '',
    tool_version TEXT NOT NULL DEFAULT ''
);
CREATE INDEX check_runs_crawl ON check_runs (crawl_run_id);

-- The findings of each check run (resolved ones are not stored: they are
-- the previous run's findings that are absent here).
CREATE TABLE findings (
    check_run_id INTEGER NOT NULL REFERENCES check_runs (id) ON DELETE CASCADE,
    fingerprint  TEXT NOT NULL,
    rule_id      TEXT NOT NULL,
    severity     TEXT NOT NULL CHECK (severity IN ('error', 'warning', 'note')),
    url          TEXT NOT NULL,
    capture_id   INTEGER NOT NULL DEFAULT 0,
    state        TEXT NOT NULL CHECK (state IN ('new', 'persisting')),
    suppressed   TEXT NOT NULL DEFAULT '' CHECK (suppressed IN ('', 'baseline', 'waiver')),
    finding      TEXT NOT NULL,               -- JSON archive.Finding
    PRIMARY KEY (check_run_id, fingerprint)
);
CREATE INDEX findings_rule ON findings (rule_id);
CREATE INDEX findings_url ON findings (url);
