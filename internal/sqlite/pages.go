package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/archiver-dev/archiver/internal/archive"
)

// The statements of PutPage, prepared at Open (hotWrites).
const (
	sqlPageExists = `SELECT EXISTS (SELECT 1 FROM pages WHERE capture_id = ?)`
	sqlPutPage    = `INSERT OR REPLACE INTO pages` + pageColumns
	// sqlNewPage stores a page that is believed new: it fails, changing
	// nothing, if the capture has a page after all (see putPageRowTx).
	sqlNewPage  = `INSERT INTO pages` + pageColumns
	pageColumns = ` (capture_id, extractor_version, url, canonical_url, kind, lang,
		headline, published, modified, source, authors, word_count, page, links) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)`
	sqlDeleteImages  = `DELETE FROM page_images WHERE capture_id = ?`
	sqlDeleteCredits = `DELETE FROM page_credits WHERE capture_id = ?`
	sqlInsertImage   = `INSERT INTO page_images (capture_id, seq, src, alt, caption, credit, credit_text, credit_source)
		VALUES (?,?,?,?,?,?,?,?)`
	sqlInsertCredit = `INSERT INTO page_credits (capture_id, seq, kind, name, text, image) VALUES (?,?,?,?,?,?)`
)

// PutPage stores the page extracted from a capture, replacing any page,
// links, images and credits stored for that capture before.
func (s *Store) PutPage(ctx context.Context, p *archive.Page) error {
	r, err := encodePageRow(p)
	if err != nil {
		return fmt.Errorf("put page: %w", err)
	}
	if err := s.write(ctx, func(tx *sql.Tx) error { return s.putPageRowTx(ctx, tx, r) }); err != nil {
		return fmt.Errorf("put page %d: %w", p.CaptureID, err)
	}
	return nil
}

// putPages stores encoded pages in one transaction, as PutPage stores
// each.
func (s *Store) putPages(ctx context.Context, rows []pageRow) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		for _, r := range rows {
			if err := s.putPageRowTx(ctx, tx, r); err != nil {
				return fmt.Errorf("page %d: %w", r.id, err)
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put pages: %w", err)
	}
	return nil
}

// pageRow is a page encoded for its rows: the values of its pages row, in
// the order of sqlPutPage, and those of its image and credit rows. It
// holds no reference to the page's mutable parts, so it can be written
// while the page is in use elsewhere.
type pageRow struct {
	id      int64
	values  []any
	images  [][]any
	credits [][]any
	// absent is set when the capture had no page a moment before (a
	// capture written in the same transaction, a page EachPageDerived
	// found missing): the row is inserted without first looking for a
	// page to replace.
	absent bool
}

// encodePageRow checks and encodes p for its rows.
func encodePageRow(p *archive.Page) (pageRow, error) {
	if err := validPage(p); err != nil {
		return pageRow{}, err
	}
	doc, links, err := encodePage(p)
	if err != nil {
		return pageRow{}, fmt.Errorf("page %d: %w", p.CaptureID, err)
	}
	return newPageRow(p, doc, links), nil
}

// newPageRow gives the rows of p, encoded as doc and links (see
// encodePage).
func newPageRow(p *archive.Page, doc string, links any) pageRow {
	r := pageRow{id: p.CaptureID, values: []any{p.CaptureID, p.ExtractorVersion, p.URL, p.CanonicalURL, string(p.Kind),
		firstNonEmpty(p.Lang, p.DetectedLang), p.Headline, p.Published.Value, p.Modified.Value, p.Source,
		strings.Join(p.Authors, "; "), p.WordCount, doc, links}}
	for i, im := range p.Images {
		r.images = append(r.images, []any{p.CaptureID, i, im.Src, im.Alt, im.Caption, im.Credit, im.CreditText, im.CreditSource})
	}
	for i, c := range p.Credits {
		r.credits = append(r.credits, []any{p.CaptureID, i, c.Kind, c.Name, c.Text, c.Image})
	}
	return r
}

// validPage checks what a stored page needs: its capture's id and the
// version of the extractor that made it.
func validPage(p *archive.Page) error {
	if p == nil || p.CaptureID == 0 {
		return errors.New("no capture id")
	}
	if p.ExtractorVersion == "" {
		return fmt.Errorf("page %d: no extractor version", p.CaptureID)
	}
	return nil
}

// encodePage encodes p for its row: the document without its links,
// images and credits (which have their own columns and tables), and the
// links in their compact JSON, or nil (NULL) for none.
func encodePage(p *archive.Page) (doc string, links any, err error) {
	stripped := *p
	stripped.Links, stripped.Images, stripped.Credits = nil, nil, nil
	b, err := json.Marshal(&stripped)
	if err != nil {
		return "", nil, err
	}
	if len(p.Links) > 0 {
		links = string(appendLinks(make([]byte, 0, linksSize(p.Links)), p.Links))
	}
	return string(b), links, nil
}

// putPageTx stores p, encoded as doc and links (see encodePage), in the
// write transaction tx, replacing the page of its capture if there is one.
func (s *Store) putPageTx(ctx context.Context, tx *sql.Tx, p *archive.Page, doc string, links any) error {
	r := newPageRow(p, doc, links)
	r.absent = true // p's capture was inserted in tx
	return s.putPageRowTx(ctx, tx, r)
}

// putPageRowTx stores an encoded page in the write transaction tx,
// replacing the page of its capture if there is one.
func (s *Store) putPageRowTx(ctx context.Context, tx *sql.Tx, r pageRow) error {
	stmt := func(q string) (*sql.Stmt, error) { return s.txStmt(ctx, tx, q) }
	inserted := false
	if r.absent {
		// One statement instead of two for the usual case; a page stored
		// since (a rebuild, another process) makes the insert fail on
		// the primary key, undoing only itself, and is replaced below.
		st, err := stmt(sqlNewPage)
		if err != nil {
			return err
		}
		_, err = st.ExecContext(ctx, r.values...)
		if err != nil && !isPrimaryKeyConflict(err) {
			return err
		}
		inserted = err == nil
	}
	if !inserted {
		if err := s.replacePageTx(ctx, tx, r); err != nil {
			return err
		}
	}
	for _, rows := range []struct {
		q    string
		rows [][]any
	}{{sqlInsertImage, r.images}, {sqlInsertCredit, r.credits}} {
		if len(rows.rows) == 0 {
			continue
		}
		st, err := stmt(rows.q)
		if err != nil {
			return err
		}
		for _, args := range rows.rows {
			if _, err := st.ExecContext(ctx, args...); err != nil {
				return err
			}
		}
	}
	return nil
}

// replacePageTx stores the pages row of r in the write transaction tx,
// replacing the capture's page and deleting its images and credits if it
// has one.
func (s *Store) replacePageTx(ctx context.Context, tx *sql.Tx, r pageRow) error {
	st, err := s.txStmt(ctx, tx, sqlPageExists)
	if err != nil {
		return err
	}
	var existed bool
	if err := st.QueryRowContext(ctx, r.id).Scan(&existed); err != nil {
		return err
	}
	if existed {
		// Images and credits are stored only with a page.
		for _, q := range []string{sqlDeleteImages, sqlDeleteCredits} {
			if st, err = s.txStmt(ctx, tx, q); err != nil {
				return err
			}
			if _, err := st.ExecContext(ctx, r.id); err != nil {
				return err
			}
		}
	}
	if st, err = s.txStmt(ctx, tx, sqlPutPage); err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, r.values...)
	return err
}

// isPrimaryKeyConflict reports whether err is SQLite's refusal of a row
// whose primary key is taken.
func isPrimaryKeyConflict(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

// linksSize is about the length of links as appendLinks writes them: their
// bytes and the JSON around them, escapes aside.
func linksSize(links []archive.Link) int {
	n := 2
	for i := range links {
		l := &links[i]
		n += len(l.Href) + len(l.URL) + len(l.Text) + len(l.Place) + len(l.Attr) + len(l.Tag) + len(l.Rel) + len(l.Raw) + len(l.Issue) + 3*linkFields + 3
	}
	return n
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// Page returns the stored page of a capture with its links, images and
// credits, or archive.ErrNotFound.
func (s *Store) Page(ctx context.Context, captureID int64) (*archive.Page, error) {
	var p archive.Page
	err := s.read(ctx, func(tx *sql.Tx) error {
		var doc string
		var links sql.NullString
		if err := tx.QueryRowContext(ctx, `SELECT page, links FROM pages WHERE capture_id = ?`, captureID).Scan(&doc, &links); err != nil {
			return notFound(err)
		}
		if err := json.Unmarshal([]byte(doc), &p); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		var err error
		if p.Links, err = decodeLinks(links.String); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT src, alt, caption, credit, credit_text, credit_source FROM page_images
			WHERE capture_id = ? ORDER BY seq`, captureID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var im archive.Image
			if err := rows.Scan(&im.Src, &im.Alt, &im.Caption, &im.Credit, &im.CreditText, &im.CreditSource); err != nil {
				rows.Close()
				return err
			}
			p.Images = append(p.Images, im)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		rows, err = tx.QueryContext(ctx, `SELECT kind, name, text, image FROM page_credits WHERE capture_id = ? ORDER BY seq`, captureID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var c archive.Credit
			if err := rows.Scan(&c.Kind, &c.Name, &c.Text, &c.Image); err != nil {
				return err
			}
			p.Credits = append(p.Credits, c)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("page %d: %w", captureID, err)
	}
	return &p, nil
}

// PageLinks returns the stored links of a capture's page, in page order
// (none if the capture has no page).
func (s *Store) PageLinks(ctx context.Context, captureID int64) ([]archive.Link, error) {
	var links sql.NullString
	err := s.rdb.QueryRowContext(ctx, `SELECT links FROM pages WHERE capture_id = ?`, captureID).Scan(&links)
	if err != nil && err != sql.ErrNoRows {
		return nil, fmt.Errorf("page links %d: %w", captureID, classify(err))
	}
	out, err := decodeLinks(links.String)
	if err != nil {
		return nil, fmt.Errorf("page links %d: %w", captureID, err)
	}
	return out, nil
}

// LinkSource is a page that links to a URL: the capture, the page's URL and
// the link.
type LinkSource struct {
	CaptureID int64
	PageURL   string
	Link      archive.Link
}

// LinksTo returns every stored link whose resolved URL is url, with the
// page it stands on, in order of capture. It reads every page whose stored
// links hold url's JSON text (a URL is escaped the same way wherever it
// stands, see appendLinks), so it scans the pages but decodes only those.
func (s *Store) LinksTo(ctx context.Context, url string) ([]LinkSource, error) {
	var out []LinkSource
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT capture_id, url, links FROM pages
			WHERE links IS NOT NULL AND instr(links, ?) > 0 ORDER BY capture_id`, string(appendJSONString(nil, url)))
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var pageURL, text string
			if err := rows.Scan(&id, &pageURL, &text); err != nil {
				return err
			}
			links, err := decodeLinks(text)
			if err != nil {
				return fmt.Errorf("page %d: %w", id, err)
			}
			for _, l := range links {
				if l.URL == url {
					out = append(out, LinkSource{CaptureID: id, PageURL: pageURL, Link: l})
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("links to %s: %w", url, err)
	}
	return out, nil
}

// PageVersions returns the extractor version of every stored page, by
// capture id.
func (s *Store) PageVersions(ctx context.Context) (map[int64]string, error) {
	out := map[int64]string{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT capture_id, extractor_version FROM pages`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var v string
			if err := rows.Scan(&id, &v); err != nil {
				return err
			}
			out[id] = v
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("page versions: %w", err)
	}
	return out, nil
}

// DeriveFunc extracts the page of a capture whose body is loaded (for
// example extract.Page).
type DeriveFunc func(c *archive.Capture) (*archive.Page, error)

// EnsurePage returns the stored page of a capture if it was made by
// extractor version; otherwise it derives the page from the capture's bytes
// with derive, stores it and returns it. c need not have its body loaded.
func (s *Store) EnsurePage(ctx context.Context, c *archive.Capture, version string, derive DeriveFunc) (*archive.Page, error) {
	var stored string
	err := s.rdb.QueryRowContext(ctx, `SELECT extractor_version FROM pages WHERE capture_id = ?`, c.ID).Scan(&stored)
	switch {
	case err == nil && stored == version:
		return s.Page(ctx, c.ID)
	case err != nil && err != sql.ErrNoRows:
		return nil, fmt.Errorf("ensure page %d: %w", c.ID, classify(err))
	}
	full, err := c, nil
	if c.Body == nil && c.BodySHA256 != "" {
		full, err = s.Capture(ctx, c.ID, true)
	}
	if err == nil {
		// A 304 revisit is extracted as the response it repeats.
		full, err = s.asRepeated(ctx, full)
	}
	if err != nil {
		return nil, fmt.Errorf("ensure page %d: %w", c.ID, err)
	}
	p, err := derive(full)
	if err != nil {
		return p, fmt.Errorf("ensure page %d: %w", c.ID, err)
	}
	p.CaptureID = c.ID
	if err := s.PutPage(ctx, p); err != nil {
		return p, err
	}
	return p, nil
}

// RebuildStats counts what RebuildPages did.
type RebuildStats struct {
	Seen    int // captures with a response and a body
	Rebuilt int // pages derived and stored
	Current int // pages already at the version, left as they were
	Failed  int // captures whose extraction failed (the error is stored on no page)
}

// RebuildPages re-derives, streaming over the captures of run (0: all runs),
// the page of every HTML capture whose stored page is missing or was made by
// another extractor version (every page with force).
func (s *Store) RebuildPages(ctx context.Context, runID int64, version string, force bool, derive DeriveFunc) (RebuildStats, error) {
	var st RebuildStats
	versions, err := s.PageVersions(ctx)
	if err != nil {
		return st, err
	}
	err = s.EachCapture(ctx, CaptureQuery{RunID: runID, Body: true, Responses: true}, func(c *archive.Capture) error {
		if len(c.Body) == 0 {
			return nil
		}
		c, err := s.asRepeated(ctx, c)
		if err != nil {
			return err
		}
		if !c.IsHTML() {
			return nil
		}
		st.Seen++
		if !force && versions[c.ID] == version {
			st.Current++
			return nil
		}
		p, err := derive(c)
		if err != nil || p == nil {
			st.Failed++
			return nil
		}
		p.CaptureID = c.ID
		if err := s.PutPage(ctx, p); err != nil {
			return err
		}
		st.Rebuilt++
		return ctx.Err()
	})
	if err != nil {
		return st, fmt.Errorf("rebuild pages: %w", err)
	}
	return st, nil
}
