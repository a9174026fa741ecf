package sqlite

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// CheckRun is one stored `archiver check` run.
type CheckRun struct {
	ID          int64
	CrawlRunID  int64
	PreviousID  int64
	StartedAt   time.Time
	FinishedAt  time.Time
	RulesHash   string
	FailOn      string
	Failed      bool
	Pages       int
	Errors      int // open findings by severity
	Warnings    int
	Notes       int
	Config      string
	ToolVersion string
}

// SaveCheckRun stores a check run and its findings in one transaction and
// returns the run's id. Resolved findings are not stored.
func (s *Store) SaveCheckRun(ctx context.Context, run CheckRun, findings []archive.Finding) (int64, error) {
	var id int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO check_runs (crawl_run_id, previous_id, started_at, finished_at,
			rules_hash, fail_on, failed, pages, errors, warnings, notes, config, tool_version)
			VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
			run.CrawlRunID, run.PreviousID, timeText(run.StartedAt), timeText(run.FinishedAt), run.RulesHash, run.FailOn,
			run.Failed, run.Pages, run.Errors, run.Warnings, run.Notes, run.Config, run.ToolVersion)
		if err != nil {
			return err
		}
		if id, err = res.LastInsertId(); err != nil {
			return err
		}
		st, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO findings (check_run_id, fingerprint, rule_id, severity, url,
			capture_id, state, suppressed, finding) VALUES (?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer st.Close()
		for i := range findings {
			f := &findings[i]
			if f.State == archive.StateResolved {
				continue
			}
			state := f.State
			if state == "" {
				state = archive.StateNew
			}
			doc, err := json.Marshal(f)
			if err != nil {
				return fmt.Errorf("encode finding %s: %w", f.Fingerprint, err)
			}
			if _, err := st.ExecContext(ctx, id, f.Fingerprint, f.RuleID, string(f.Severity), f.URL, f.CaptureID,
				string(state), f.Suppressed, string(doc)); err != nil {
				return fmt.Errorf("finding %s: %w", f.Fingerprint, err)
			}
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("save check run: %w", err)
	}
	return id, nil
}

const checkRunColumns = `id, crawl_run_id, previous_id, started_at, finished_at, rules_hash, fail_on, failed,
	pages, errors, warnings, notes, config, tool_version`

func scanCheckRun(row interface{ Scan(...any) error }) (CheckRun, error) {
	var r CheckRun
	var started, finished string
	if err := row.Scan(&r.ID, &r.CrawlRunID, &r.PreviousID, &started, &finished, &r.RulesHash, &r.FailOn, &r.Failed,
		&r.Pages, &r.Errors, &r.Warnings, &r.Notes, &r.Config, &r.ToolVersion); err != nil {
		return r, err
	}
	var err error
	if r.StartedAt, err = parseTime(started); err != nil {
		return r, err
	}
	if r.FinishedAt, err = parseTime(finished); err != nil {
		return r, err
	}
	return r, nil
}

// LastCheckRun returns the newest check run and its stored findings, or
// archive.ErrNotFound when there is none.
func (s *Store) LastCheckRun(ctx context.Context) (CheckRun, []archive.Finding, error) {
	var run CheckRun
	var findings []archive.Finding
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		run, err = scanCheckRun(tx.QueryRowContext(ctx, `SELECT `+checkRunColumns+` FROM check_runs ORDER BY id DESC LIMIT 1`))
		if err != nil {
			return notFound(err)
		}
		findings, err = queryFindings(ctx, tx, run.ID)
		return err
	})
	if err != nil {
		if errors.Is(err, archive.ErrNotFound) {
			return CheckRun{}, nil, archive.ErrNotFound
		}
		return CheckRun{}, nil, fmt.Errorf("last check run: %w", err)
	}
	return run, findings, nil
}

// CheckRunFindings returns the stored findings of one check run.
func (s *Store) CheckRunFindings(ctx context.Context, id int64) ([]archive.Finding, error) {
	var out []archive.Finding
	err := s.read(ctx, func(tx *sql.Tx) error {
		var err error
		out, err = queryFindings(ctx, tx, id)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("findings of check run %d: %w", id, err)
	}
	return out, nil
}

func queryFindings(ctx context.Context, tx *sql.Tx, id int64) ([]archive.Finding, error) {
	rows, err := tx.QueryContext(ctx, `SELECT finding FROM findings WHERE check_run_id = ? ORDER BY rowid`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []archive.Finding
	for rows.Next() {
		var doc string
		if err := rows.Scan(&doc); err != nil {
			return nil, err
		}
		var f archive.Finding
		if err := json.Unmarshal([]byte(doc), &f); err != nil {
			return nil, fmt.Errorf("decode finding: %w", err)
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

// CheckRuns returns every check run, oldest first.
func (s *Store) CheckRuns(ctx context.Context) ([]CheckRun, error) {
	var out []CheckRun
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+checkRunColumns+` FROM check_runs ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			r, err := scanCheckRun(rows)
			if err != nil {
				return err
			}
			out = append(out, r)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("check runs: %w", err)
	}
	return out, nil
}

// CheckRun returns one check run, or archive.ErrNotFound.
func (s *Store) CheckRun(ctx context.Context, id int64) (CheckRun, error) {
	r, err := scanCheckRun(s.rdb.QueryRowContext(ctx, `SELECT `+checkRunColumns+` FROM check_runs WHERE id = ?`, id))
	if err != nil {
		return CheckRun{}, fmt.Errorf("check run %d: %w", id, notFound(classify(err)))
	}
	return r, nil
}

// PageQuery selects what EachPage reads.
type PageQuery struct {
	// RunID is the crawl run whose pages are read.
	RunID int64
	// Version is the current extractor version; stored pages made by
	// another version (and HTML captures without a page) are derived again
	// with Derive.
	Version string
	// Derive extracts a page from a capture with its body; nil means stale
	// pages are read as stored and missing ones skipped.
	Derive DeriveFunc
	// Store saves re-derived pages (the store must be writable).
	Store bool
	// Links loads each page's links (pages.links), which most checks do
	// not need and which are the bulk of the stored pages.
	Links bool
}

// pageBatch is how many pages EachPage reads per query.
const pageBatch = 256

// pageItem is one capture read by EachPage, with its stored page decoded
// when it is current.
type pageItem struct {
	c       *archive.Capture
	version sql.NullString
	doc     sql.NullString
	links   sql.NullString // pages.links, read only with PageQuery.Links
	page    *archive.Page  // decoded stored page, nil if none or stale
	err     error          // a stored page that does not decode
}

// EachPage calls fn, in capture id order, for every capture of a run that
// received a response and has (or, with q.Derive, can be given) an
// extracted page, with the capture's metadata (no body; of the headers only
// Content-Type) and the page with its images and credits. It streams:
// pages are read in batches, each in its own short read transaction, while
// fn works on an earlier batch. It stops at and returns the first error of
// fn. It is EachPageDerived deriving on one goroutine; Page reads one page
// with everything.
func (s *Store) EachPage(ctx context.Context, q PageQuery, fn func(*archive.Capture, *archive.Page) error) error {
	return s.EachPageDerived(ctx, q, Derivation{Workers: 1}, fn)
}

// isNotModifiedRevisit reports whether a capture is a 304 Not Modified
// answer stored as a revisit of an earlier capture, whose body it
// references.
func isNotModifiedRevisit(v archive.Verdict, status int, revisitOf int64) bool {
	return v == archive.VerdictRevisit && status == http.StatusNotModified && revisitOf != 0
}

// asRepeated gives a 304 revisit the status and headers of the capture it
// repeats (the body it references is already its own), so that it is
// decoded and checked as that page: a 304 need not carry Content-Type, and
// its charset parameter is part of what the page declares. Other captures
// are returned as they are.
func (s *Store) asRepeated(ctx context.Context, c *archive.Capture) (*archive.Capture, error) {
	if !isNotModifiedRevisit(c.Verdict, c.Status, c.RevisitOf) {
		return c, nil
	}
	base, err := s.Capture(ctx, c.RevisitOf, false)
	if err != nil {
		return nil, fmt.Errorf("capture %d repeats capture %d: %w", c.ID, c.RevisitOf, err)
	}
	cp := *c
	cp.Status, cp.Header = base.Status, base.Header
	return &cp, nil
}

// readPageBatch reads the captures of a run after an id, with their
// stored pages, images, credits and (if asked) links, and decodes the
// pages that are current (or every stored page when there is no extractor
// to renew stale ones).
func (s *Store) readPageBatch(ctx context.Context, q PageQuery, after int64) ([]pageItem, error) {
	batch := make([]pageItem, 0, pageBatch)
	images := map[int64][]archive.Image{}
	credits := map[int64][]archive.Credit{}
	linksColumn := "NULL"
	if q.Links {
		linksColumn = "p.links"
	}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT c.id, c.run_id, cu.url, u.url, f.url, c.status,
			c.fetched_at, `+bodyColumn+`, c.content_type, c.verdict, c.size, c.truncated,
			p.extractor_version, p.page, `+linksColumn+`, coalesce(c.revisit_of, 0), coalesce(r.status, 0), coalesce(r.content_type, '')
			FROM crawl_captures c
			JOIN urls cu ON cu.id = c.canonical_id
			LEFT JOIN urls u ON u.id = c.url_id
			LEFT JOIN urls f ON f.id = c.final_id
			LEFT JOIN pages p ON p.capture_id = c.id
			LEFT JOIN crawl_captures r ON r.id = c.revisit_of AND c.verdict = 'revisit'
			LEFT JOIN crawl_captures rb ON rb.id = c.revisit_of
			WHERE c.run_id = ? AND c.id > ? AND c.status <> 0
			ORDER BY c.id LIMIT `+strconv.Itoa(pageBatch), q.RunID, after) // a bound limit is planned twice (see sqlClaimRead)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			c := &archive.Capture{}
			var ct, verdict, baseCT string
			var requested, final sql.NullString
			var fetched any
			var body []byte
			var baseStatus int
			var it pageItem
			if err := rows.Scan(&c.ID, &c.RunID, &c.CanonicalURL, &requested, &final, &c.Status, &fetched,
				&body, &ct, &verdict, &c.Size, &c.Truncated, &it.version, &it.doc,
				&it.links, &c.RevisitOf, &baseStatus, &baseCT); err != nil {
				return err
			}
			setURLs(c, requested, final)
			if body != nil {
				c.BodySHA256 = hex.EncodeToString(body)
			}
			if isNotModifiedRevisit(archive.Verdict(verdict), c.Status, c.RevisitOf) && baseStatus != 0 {
				// A 304 revisit stands for the response it repeats: its
				// status and type, with the body it references.
				c.Status, ct = baseStatus, baseCT
			}
			if c.FetchedAt, err = timeFromValue(fetched); err != nil {
				return err
			}
			c.Verdict = archive.Verdict(verdict)
			if ct != "" {
				c.Header = http.Header{"Content-Type": {ct}}
			}
			it.c = c
			batch = append(batch, it)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(batch) == 0 {
			return nil
		}
		lo, hi := batch[0].c.ID, batch[len(batch)-1].c.ID
		if err := scanRange(ctx, tx, `SELECT capture_id, src, alt, caption, credit, credit_text, credit_source
			FROM page_images WHERE capture_id BETWEEN ? AND ? ORDER BY capture_id, seq`, lo, hi, func(r *sql.Rows) error {
			var id int64
			var im archive.Image
			if err := r.Scan(&id, &im.Src, &im.Alt, &im.Caption, &im.Credit, &im.CreditText, &im.CreditSource); err != nil {
				return err
			}
			images[id] = append(images[id], im)
			return nil
		}); err != nil {
			return err
		}
		if err := scanRange(ctx, tx, `SELECT capture_id, kind, name, text, image
			FROM page_credits WHERE capture_id BETWEEN ? AND ? ORDER BY capture_id, seq`, lo, hi, func(r *sql.Rows) error {
			var id int64
			var c archive.Credit
			if err := r.Scan(&id, &c.Kind, &c.Name, &c.Text, &c.Image); err != nil {
				return err
			}
			credits[id] = append(credits[id], c)
			return nil
		}); err != nil {
			return err
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("pages of run %d: %w", q.RunID, classify(err))
	}
	// Decode on two goroutines: decoding is most of a batch's cost.
	var wg sync.WaitGroup
	decode := func(part []pageItem) {
		defer wg.Done()
		for i := range part {
			it := &part[i]
			current := it.version.Valid && (q.Version == "" || it.version.String == q.Version)
			if !current && !(it.version.Valid && q.Derive == nil) {
				continue // missing or stale: derived by the consumer
			}
			p := &archive.Page{}
			if err := json.Unmarshal([]byte(it.doc.String), p); err != nil {
				it.err = fmt.Errorf("page %d: decode: %w", it.c.ID, err)
				continue
			}
			p.Images, p.Credits = images[it.c.ID], credits[it.c.ID]
			links, err := decodeLinks(it.links.String)
			if err != nil {
				it.err = fmt.Errorf("page %d: links: %w", it.c.ID, err)
				continue
			}
			p.Links = links
			it.page = p
		}
	}
	half := len(batch) / 2
	wg.Add(2)
	go decode(batch[:half])
	go decode(batch[half:])
	wg.Wait()
	return batch, nil
}

// scanRange runs a query over a capture id range and calls fn for each row.
func scanRange(ctx context.Context, tx *sql.Tx, query string, lo, hi int64, fn func(*sql.Rows) error) error {
	rows, err := tx.QueryContext(ctx, query, lo, hi)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}
