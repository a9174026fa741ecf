-- 0002 pages: the structure extracted from each capture (internal/extract),
-- with the extractor version that produced it. Derived data: a newer
-- extractor re-derives it (archiver extract --rebuild, and at check time).
-- The page itself is JSON (archive.Page without its links, images and
-- credits, which have their own tables so that they can be queried).

CREATE TABLE pages (
    capture_id        INTEGER PRIMARY KEY,    -- captures (id); no foreign key: derived rows are rebuilt, never the source of truth
    extractor_version TEXT NOT NULL,
    url               TEXT NOT NULL,
    canonical_url     TEXT NOT NULL DEFAULT '',
    kind              TEXT NOT NULL DEFAULT '',
    lang              TEXT NOT NULL DEFAULT '',
    headline          TEXT NOT NULL DEFAULT '',
    published         TEXT NOT NULL DEFAULT '', -- YYYY-MM-DD as printed, "" if none
    modified          TEXT NOT NULL DEFAULT '',
    source            TEXT NOT NULL DEFAULT '', -- agency or issuing organisation
    authors           TEXT NOT NULL DEFAULT '', -- persons, "; "-joined
    word_count        INTEGER NOT NULL DEFAULT 0,
    page              TEXT NOT NULL              -- JSON archive.Page (links, images, credits stripped)
);
CREATE INDEX pages_version ON pages (extractor_version);
CREATE INDEX pages_url ON pages (url);

CREATE TABLE page_links (
    capture_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,               -- order on the page
    href       TEXT NOT NULL,                  -- the attribute as written
    url        TEXT NOT NULL DEFAULT '',       -- resolved, "" if invalid
    text       TEXT NOT NULL DEFAULT '',
    place      TEXT NOT NULL DEFAULT '',       -- menu, breadcrumb, body, footer, calendar, pagination, head, other
    attr       TEXT NOT NULL DEFAULT '',
    tag        TEXT NOT NULL DEFAULT '',
    rel        TEXT NOT NULL DEFAULT '',
    raw        TEXT NOT NULL DEFAULT '',
    issue      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (capture_id, seq)
);
CREATE INDEX page_links_url ON page_links (url);

CREATE TABLE page_images (
    capture_id    INTEGER NOT NULL,
    seq           INTEGER NOT NULL,
    src           TEXT NOT NULL,
    alt           TEXT NOT NULL DEFAULT '',
    caption       TEXT NOT NULL DEFAULT '',
    credit        TEXT NOT NULL DEFAULT '',
    credit_text   TEXT NOT NULL DEFAULT '',
    credit_source TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (capture_id, seq)
);

CREATE TABLE page_credits (
    capture_id INTEGER NOT NULL,
    seq        INTEGER NOT NULL,
    kind       TEXT NOT NULL DEFAULT 'photo',
    name       TEXT NOT NULL,
    text       TEXT NOT NULL DEFAULT '',
    image      TEXT NOT NULL DEFAULT '',       -- src of the image it is bound to, "" if unbound
    PRIMARY KEY (capture_id, seq)
);
