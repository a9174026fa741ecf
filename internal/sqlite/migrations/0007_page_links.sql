-- 0007 page links: a page's links move from one page_links row each (about
-- a hundred a page, each with its index entry) into one column of pages,
-- links, as compact JSON: an array with one array of strings per link, in
-- page order, with the fields href, url, text, place, attr, tag, rel, raw,
-- issue; trailing empty fields are left out, and a url equal to a
-- non-empty href is written null. NULL: the page has no links. The format,
-- and why strings are stored byte for byte, is described in linkjson.go
-- (appendLinks writes the very text this migration builds).
--
-- page_links becomes a view of the same name and columns over json_each,
-- so that SQL written against the archive keeps working (it scans the
-- pages: the index on page_links (url) is gone; Store.LinksTo narrows the
-- scan with the URL's text). Rows of page_links without a page, which no
-- reader could reach, are dropped.
--
-- The links are encoded into a temporary table and the old table dropped
-- before the pages are rewritten, so that the new column reuses the
-- pages page_links freed instead of growing the file by its size.

CREATE TEMP TABLE page_links_0007 AS
    SELECT capture_id, '[' || group_concat(link, ',' ORDER BY seq) || ']' AS links
    FROM (
        SELECT capture_id, seq, CASE
            WHEN issue <> '' THEN json_array(href, u, text, place, attr, tag, rel, raw, issue)
            WHEN raw <> ''   THEN json_array(href, u, text, place, attr, tag, rel, raw)
            WHEN rel <> ''   THEN json_array(href, u, text, place, attr, tag, rel)
            WHEN tag <> ''   THEN json_array(href, u, text, place, attr, tag)
            WHEN attr <> ''  THEN json_array(href, u, text, place, attr)
            WHEN place <> '' THEN json_array(href, u, text, place)
            WHEN text <> ''  THEN json_array(href, u, text)
            WHEN u IS NULL OR u <> '' THEN json_array(href, u)
            WHEN href <> ''  THEN json_array(href)
            ELSE '[]'
        END AS link
        FROM (
            SELECT capture_id, seq, href, CASE WHEN url = href AND href <> '' THEN NULL ELSE url END AS u,
                text, place, attr, tag, rel, raw, issue
            FROM page_links
        )
    )
    GROUP BY capture_id;

DROP TABLE page_links;

ALTER TABLE pages ADD COLUMN links TEXT;

UPDATE pages SET links = m.links FROM temp.page_links_0007 AS m WHERE pages.capture_id = m.capture_id;

DROP TABLE temp.page_links_0007;

CREATE VIEW page_links (capture_id, seq, href, url, text, place, attr, tag, rel, raw, issue) AS
SELECT p.capture_id, l.key,
    coalesce(l.value ->> 0, ''),
    CASE WHEN json_type(l.value, '$[1]') = 'null' THEN coalesce(l.value ->> 0, '') ELSE coalesce(l.value ->> 1, '') END,
    coalesce(l.value ->> 2, ''),
    coalesce(l.value ->> 3, ''),
    coalesce(l.value ->> 4, ''),
    coalesce(l.value ->> 5, ''),
    coalesce(l.value ->> 6, ''),
    coalesce(l.value ->> 7, ''),
    coalesce(l.value ->> 8, '')
FROM pages p, json_each(p.links) l;
