-- 0004 links: the cache of live link verdicts. One row per target URL
-- (without fragment); a scheduled check reuses a verdict until expires_at so
-- that it does not ask the same hosts again. Times as in 0001.

CREATE TABLE link_verdicts (
    url         TEXT PRIMARY KEY,
    verdict     TEXT NOT NULL,
    status      INTEGER NOT NULL DEFAULT 0,
    final_url   TEXT NOT NULL DEFAULT '',
    redirects   TEXT NOT NULL DEFAULT 'null', -- JSON []archive.Redirect
    method      TEXT NOT NULL DEFAULT '',
    attempts    INTEGER NOT NULL DEFAULT 0,
    detail      TEXT NOT NULL DEFAULT '',
    retry_after_ns INTEGER NOT NULL DEFAULT 0,
    title       TEXT NOT NULL DEFAULT '',
    ids         TEXT NOT NULL DEFAULT 'null', -- JSON []string, when the body was read
    has_ids     INTEGER NOT NULL DEFAULT 0 CHECK (has_ids IN (0, 1)),
    checked_at  TEXT NOT NULL,
    expires_at  TEXT NOT NULL
);
CREATE INDEX link_verdicts_expires ON link_verdicts (expires_at);
