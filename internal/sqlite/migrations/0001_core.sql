-- 0001 core: runs, content-addressed bodies, captures, the crawl frontier
-- and URL aliases. Times are UTC text, fixed width
-- (2006-01-02T15:04:05.000000000Z), "" when unset; JSON columns hold the
-- encoding/json form of the Go value ("null" for nil).

CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    seeds       TEXT NOT NULL,              -- JSON array of strings
    config      TEXT NOT NULL DEFAULT '',   -- the configuration as given
    started_at  TEXT NOT NULL,
    finished_at TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL CHECK (status IN ('running', 'complete', 'interrupted', 'failed')),
    counts      TEXT NOT NULL DEFAULT '{}'  -- JSON archive.RunCounts, set by FinishRun
);

-- One row per distinct body, keyed by the SHA-256 of the raw bytes.
CREATE TABLE bodies (
    sha256      TEXT PRIMARY KEY,           -- lowercase hex of the raw bytes
    codec       TEXT NOT NULL CHECK (codec IN ('zstd', 'gzip', 'identity')),
    size        INTEGER NOT NULL,           -- raw length in bytes
    stored_size INTEGER NOT NULL,           -- length of data
    run_id      INTEGER NOT NULL REFERENCES runs (id), -- the run that first stored it
    data        BLOB NOT NULL
);
CREATE INDEX bodies_run ON bodies (run_id);

CREATE TABLE captures (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id),
    url             TEXT NOT NULL,           -- as requested
    canonical_url   TEXT NOT NULL,
    final_url       TEXT NOT NULL DEFAULT '',
    redirects       TEXT NOT NULL DEFAULT 'null', -- JSON []archive.Redirect
    method          TEXT NOT NULL DEFAULT 'GET',
    request_headers TEXT NOT NULL DEFAULT 'null', -- JSON http.Header, as sent
    status          INTEGER NOT NULL DEFAULT 0,   -- 0: no response
    proto           TEXT NOT NULL DEFAULT '',
    headers         TEXT NOT NULL DEFAULT 'null', -- JSON http.Header, as received
    content_type    TEXT NOT NULL DEFAULT '',     -- copy of the Content-Type header
    remote_addr     TEXT NOT NULL DEFAULT '',
    fetched_at      TEXT NOT NULL,
    duration_ns     INTEGER NOT NULL DEFAULT 0,
    content_length  INTEGER NOT NULL DEFAULT -1,
    size            INTEGER NOT NULL DEFAULT 0,
    truncated       INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
    body_sha256     TEXT REFERENCES bodies (sha256), -- NULL: no body (no response)
    depth           INTEGER NOT NULL DEFAULT 0,
    discovered_from TEXT NOT NULL DEFAULT '',
    verdict         TEXT NOT NULL CHECK (verdict IN ('ok', 'revisit', 'refused', 'error')),
    revisit_of      INTEGER REFERENCES captures (id),
    error           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX captures_run ON captures (run_id);
CREATE INDEX captures_canonical ON captures (canonical_url);
CREATE INDEX captures_url ON captures (url);
CREATE INDEX captures_body ON captures (body_sha256);

-- The frontier of each run. rowid gives the order of discovery.
CREATE TABLE frontier (
    run_id          INTEGER NOT NULL REFERENCES runs (id),
    url             TEXT NOT NULL,           -- canonical URL
    state           TEXT NOT NULL CHECK (state IN ('queued', 'claimed', 'done', 'skipped')),
    reason          TEXT NOT NULL DEFAULT '',
    depth           INTEGER NOT NULL DEFAULT 0,
    discovered_from TEXT NOT NULL DEFAULT '',
    attempts        INTEGER NOT NULL DEFAULT 0,
    not_before      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, url)
);
-- Claiming: the queued entries of a run, shallowest first, then in order of
-- discovery (the index ends with the rowid).
CREATE INDEX frontier_claim ON frontier (run_id, state, depth);

CREATE TABLE aliases (
    run_id    INTEGER NOT NULL REFERENCES runs (id),
    alias     TEXT NOT NULL,
    canonical TEXT NOT NULL,
    reason    TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, alias)
);
CREATE INDEX aliases_canonical ON aliases (canonical);
CREATE INDEX aliases_alias ON aliases (alias);
