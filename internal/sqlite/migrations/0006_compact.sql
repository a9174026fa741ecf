-- 0006 compact: what a recrawl adds per page, cut from about 1.7 KB to a
-- few hundred bytes (see captures.go, headers.go and the bytes-per-revisit
-- figure of BenchmarkPutCaptureAndEnqueue).
--
--   * URLs are interned: urls holds each distinct URL once, and captures,
--     the frontier and aliases refer to it by integer id. A URL costs its
--     bytes once per archive instead of up to six times per capture (three
--     columns, two indexes, the frontier row and its key).
--   * A capture stores its canonical URL's id; the URL requested and the
--     final URL only when they differ (NULL: the same as the one before).
--   * Header sets are stored once: header_sets holds the fields that repeat
--     from capture to capture (User-Agent, Accept, Content-Type, Server, …)
--     and a capture refers to its request's and its response's set by id,
--     keeping inline only the fields that vary by nature (Date, ETag,
--     Last-Modified, If-None-Match, Content-Length, …), compactly encoded
--     (headers.go). Rows migrated from version 5 keep their JSON text.
--   * The body is referenced by its raw 32-byte SHA-256 and not indexed
--     (no query looks captures up by body); a revisit whose body is the
--     body of the capture it revisits stores an empty blob instead.
--   * The protocol and remote address of a response are stored once per
--     pair in peers and referenced by id.
--   * Fetch times are integer nanoseconds since 1970 UTC.
--   * NULL stands for the common value of a column: no redirects, GET, no
--     error, not discovered from a page.
--
-- The tables of 0001 become views of the same name and columns (but for
-- the headers, which only the Store decodes), so that ad hoc SQL and
-- readers of the old schema keep working; writes go to the tables.
-- URLs and header sets are never deleted: ids are stable.

PRAGMA defer_foreign_keys = ON;

CREATE TABLE urls (
    id  INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE
);

CREATE TABLE header_sets (
    id   INTEGER PRIMARY KEY,
    data BLOB NOT NULL UNIQUE            -- encodeHeaderSet (headers.go)
);

CREATE TABLE peers (
    id          INTEGER PRIMARY KEY,
    proto       TEXT NOT NULL,
    remote_addr TEXT NOT NULL,
    UNIQUE (proto, remote_addr)
);

CREATE TABLE crawl_captures (
    id              INTEGER PRIMARY KEY,
    run_id          INTEGER NOT NULL REFERENCES runs (id),
    canonical_id    INTEGER NOT NULL,    -- urls (id)
    url_id          INTEGER,             -- urls (id) of the URL requested; NULL: the canonical URL
    final_id        INTEGER,             -- urls (id) of the final URL; NULL: the URL requested
    redirects       TEXT,                -- JSON []archive.Redirect; NULL: none (nil)
    method          TEXT,                -- NULL: GET
    request_set     INTEGER,             -- header_sets (id); NULL with request_own NULL: no headers (nil)
    request_own     BLOB,                -- the varying fields (encodeOwnFields); TEXT: the whole header as JSON (rows of version 5)
    status          INTEGER NOT NULL DEFAULT 0,
    peer_id         INTEGER,             -- peers (id): protocol and remote address; NULL: both ""
    header_set      INTEGER,             -- as request_set, for the response
    header_own      BLOB,                -- as request_own, for the response
    content_type    TEXT NOT NULL DEFAULT '',
    fetched_at      INTEGER NOT NULL,    -- nanoseconds since 1970 UTC; TEXT as in 0001 outside 1678–2261
    duration_ns     INTEGER NOT NULL DEFAULT 0,
    content_length  INTEGER NOT NULL DEFAULT -1,
    size            INTEGER NOT NULL DEFAULT 0,
    truncated       INTEGER NOT NULL DEFAULT 0 CHECK (truncated IN (0, 1)),
    body            BLOB,                -- SHA-256 of the body (bodies.sha256 as 32 bytes); empty: the body of revisit_of; NULL: no body
    depth           INTEGER NOT NULL DEFAULT 0,
    from_id         INTEGER,             -- urls (id) of discovered_from; NULL: ""
    verdict         TEXT NOT NULL CHECK (verdict IN ('ok', 'revisit', 'refused', 'error')),
    revisit_of      INTEGER REFERENCES crawl_captures (id),
    error           TEXT                 -- NULL: ""
);

CREATE TABLE crawl_frontier (
    seq         INTEGER PRIMARY KEY,     -- order of discovery
    run_id      INTEGER NOT NULL REFERENCES runs (id),
    url_id      INTEGER NOT NULL,        -- urls (id) of the canonical URL
    state       TEXT NOT NULL CHECK (state IN ('queued', 'claimed', 'done', 'skipped')),
    reason      TEXT NOT NULL DEFAULT '',
    depth       INTEGER NOT NULL DEFAULT 0,
    from_id     INTEGER,                 -- urls (id) of discovered_from; NULL: ""
    attempts    INTEGER NOT NULL DEFAULT 0,
    not_before  TEXT NOT NULL DEFAULT '',
    UNIQUE (run_id, url_id)
);

CREATE TABLE crawl_aliases (
    run_id       INTEGER NOT NULL REFERENCES runs (id),
    alias_id     INTEGER NOT NULL,       -- urls (id)
    canonical_id INTEGER NOT NULL,       -- urls (id)
    reason       TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (run_id, alias_id)
) WITHOUT ROWID;

-- The rows of version 5.
INSERT OR IGNORE INTO urls (url)
    SELECT canonical_url FROM captures
    UNION SELECT url FROM captures
    UNION SELECT final_url FROM captures WHERE final_url <> url
    UNION SELECT discovered_from FROM captures WHERE discovered_from <> ''
    UNION SELECT url FROM frontier
    UNION SELECT discovered_from FROM frontier WHERE discovered_from <> ''
    UNION SELECT alias FROM aliases
    UNION SELECT canonical FROM aliases;

INSERT OR IGNORE INTO peers (proto, remote_addr)
    SELECT DISTINCT proto, remote_addr FROM captures WHERE proto <> '' OR remote_addr <> '';

INSERT INTO crawl_captures (id, run_id, canonical_id, url_id, final_id, redirects, method,
        request_set, request_own, status, peer_id, header_set, header_own, content_type,
        fetched_at, duration_ns, content_length, size, truncated, body, depth,
        from_id, verdict, revisit_of, error)
    SELECT c.id, c.run_id,
        (SELECT id FROM urls WHERE url = c.canonical_url),
        CASE WHEN c.url = c.canonical_url THEN NULL ELSE (SELECT id FROM urls WHERE url = c.url) END,
        CASE WHEN c.final_url = c.url THEN NULL ELSE (SELECT id FROM urls WHERE url = c.final_url) END,
        nullif(c.redirects, 'null'), nullif(c.method, 'GET'),
        NULL, nullif(c.request_headers, 'null'),
        c.status,
        (SELECT id FROM peers p WHERE p.proto = c.proto AND p.remote_addr = c.remote_addr),
        NULL, nullif(c.headers, 'null'),
        c.content_type,
        CASE WHEN length(c.fetched_at) = 30 AND substr(c.fetched_at, 1, 4) BETWEEN '1678' AND '2261'
            THEN unixepoch(substr(c.fetched_at, 1, 19)) * 1000000000 + CAST(substr(c.fetched_at, 21, 9) AS INTEGER)
            ELSE c.fetched_at END,
        c.duration_ns, c.content_length, c.size, c.truncated,
        CASE WHEN c.revisit_of IS NOT NULL AND c.body_sha256 = (SELECT r.body_sha256 FROM captures r WHERE r.id = c.revisit_of)
            THEN x'' ELSE unhex(c.body_sha256) END,
        c.depth,
        CASE WHEN c.discovered_from = '' THEN NULL ELSE (SELECT id FROM urls WHERE url = c.discovered_from) END,
        c.verdict, c.revisit_of, nullif(c.error, '')
    FROM captures c ORDER BY c.id;

INSERT INTO crawl_frontier (seq, run_id, url_id, state, reason, depth, from_id, attempts, not_before)
    SELECT f.rowid, f.run_id, (SELECT id FROM urls WHERE url = f.url), f.state, f.reason, f.depth,
        CASE WHEN f.discovered_from = '' THEN NULL ELSE (SELECT id FROM urls WHERE url = f.discovered_from) END,
        f.attempts, f.not_before
    FROM frontier f ORDER BY f.rowid;

INSERT INTO crawl_aliases (run_id, alias_id, canonical_id, reason)
    SELECT a.run_id, (SELECT id FROM urls WHERE url = a.alias), (SELECT id FROM urls WHERE url = a.canonical), a.reason
    FROM aliases a;

DROP TABLE captures;
DROP TABLE frontier;
DROP TABLE aliases;

-- LatestCapture, History, FindCapture, EverCaptured: by canonical URL,
-- newest first (the index ends with the id).
CREATE INDEX crawl_captures_canonical ON crawl_captures (canonical_id);
-- EachCapture, EachPage, counts: a run's captures in id order.
CREATE INDEX crawl_captures_run ON crawl_captures (run_id);
-- FindCapture by the URL requested or the final URL: only the rows where
-- they differ from the canonical URL are indexed.
CREATE INDEX crawl_captures_url ON crawl_captures (url_id) WHERE url_id IS NOT NULL;
CREATE INDEX crawl_captures_final ON crawl_captures (final_id) WHERE final_id IS NOT NULL;
-- Claiming: the queued entries of a run, shallowest first, then in order of
-- discovery (the index ends with seq); releasing the claimed ones. Only
-- entries in these two states are indexed: an entry leaves the indexes
-- when it is done or skipped, so that they stay a few pages that every
-- write transaction of a crawl touches, and a finished run leaves nothing
-- in them. (Counting a run's entries by state or reason reads its rows.)
CREATE INDEX crawl_frontier_queued ON crawl_frontier (run_id, depth) WHERE state = 'queued';
CREATE INDEX crawl_frontier_claimed ON crawl_frontier (run_id) WHERE state = 'claimed';
CREATE INDEX crawl_aliases_canonical ON crawl_aliases (canonical_id);
CREATE INDEX crawl_aliases_alias ON crawl_aliases (alias_id);

-- The tables of 0001 as views. Times are the fixed-width text of 0001.
CREATE VIEW captures AS
    SELECT c.id AS id, c.run_id AS run_id,
        coalesce(u.url, cu.url) AS url,
        cu.url AS canonical_url,
        coalesce(f.url, u.url, cu.url) AS final_url,
        coalesce(c.redirects, 'null') AS redirects,
        coalesce(c.method, 'GET') AS method,
        c.status AS status, coalesce(p.proto, '') AS proto, c.content_type AS content_type,
        coalesce(p.remote_addr, '') AS remote_addr,
        CASE typeof(c.fetched_at) WHEN 'integer' THEN
            strftime('%Y-%m-%dT%H:%M:%S', (c.fetched_at - ((c.fetched_at % 1000000000) + 1000000000) % 1000000000) / 1000000000, 'unixepoch')
            || printf('.%09dZ', ((c.fetched_at % 1000000000) + 1000000000) % 1000000000)
        ELSE c.fetched_at END AS fetched_at,
        c.duration_ns AS duration_ns, c.content_length AS content_length, c.size AS size,
        c.truncated AS truncated,
        CASE WHEN c.body IS NULL THEN NULL WHEN length(c.body) = 0 THEN lower(hex(rb.body))
            ELSE lower(hex(c.body)) END AS body_sha256,
        c.depth AS depth, coalesce(d.url, '') AS discovered_from,
        c.verdict AS verdict, c.revisit_of AS revisit_of, coalesce(c.error, '') AS error
    FROM crawl_captures c
    JOIN urls cu ON cu.id = c.canonical_id
    LEFT JOIN urls u ON u.id = c.url_id
    LEFT JOIN urls f ON f.id = c.final_id
    LEFT JOIN urls d ON d.id = c.from_id
    LEFT JOIN peers p ON p.id = c.peer_id
    LEFT JOIN crawl_captures rb ON rb.id = c.revisit_of;

CREATE VIEW frontier AS
    SELECT f.seq AS seq, f.run_id AS run_id, u.url AS url, f.state AS state, f.reason AS reason,
        f.depth AS depth, coalesce(d.url, '') AS discovered_from, f.attempts AS attempts,
        f.not_before AS not_before
    FROM crawl_frontier f
    JOIN urls u ON u.id = f.url_id
    LEFT JOIN urls d ON d.id = f.from_id;

CREATE VIEW aliases AS
    SELECT a.run_id AS run_id, al.url AS alias, ca.url AS canonical, a.reason AS reason
    FROM crawl_aliases a
    JOIN urls al ON al.id = a.alias_id
    JOIN urls ca ON ca.id = a.canonical_id;
