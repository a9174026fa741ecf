package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// listSep joins the items of list fields (authors, credits, breadcrumbs).
const listSep = "\x1f"

// The bits of timeline_versions.flags.
const (
	flagRedirected = 1 << iota
	flagSoftNotFound
	flagLatestListed
	flagDayCaptured
	flagListingComplete
	flagIndexed
)

const versionColumns = `canonical_url, run_id, capture_id, fetched_at, status, final_url, verdict, body_sha256,
	content_hash, kind, section, flags, refs, day, items, items_on_day, items_after, items_dated,
	headline, published, modified, authors, source, dateline, credits, breadcrumbs, correction, body_hash`

// PutVersions replaces the timeline digests and the never-captured URLs of
// a run, in one transaction.
func (s *Store) PutVersions(ctx context.Context, runID int64, version string, vs []archive.Version, missing []archive.MissingURL) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM timeline_versions WHERE run_id = ?`, runID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM timeline_missing WHERE run_id = ?`, runID); err != nil {
			return err
		}
		ins, err := tx.PrepareContext(ctx, `INSERT INTO timeline_versions (index_version, `+versionColumns+`)
			VALUES (?, ?,?,?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?,?, ?,?,?,?,?,?,?,?,?,?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for i := range vs {
			v := &vs[i]
			if v.RunID != runID {
				return fmt.Errorf("version of capture %d belongs to run %d, not %d", v.CaptureID, v.RunID, runID)
			}
			if _, err := ins.ExecContext(ctx, append([]any{version}, versionArgs(v)...)...); err != nil {
				return fmt.Errorf("capture %d: %w", v.CaptureID, err)
			}
		}
		mis, err := tx.PrepareContext(ctx, `INSERT OR IGNORE INTO timeline_missing (run_id, url, via, kind) VALUES (?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer mis.Close()
		for _, m := range missing {
			if _, err := mis.ExecContext(ctx, runID, m.URL, m.Via, m.Kind); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("put timeline versions of run %d: %w", runID, err)
	}
	return nil
}

// versionArgs returns the column values of a version, in versionColumns
// order.
func versionArgs(v *archive.Version) []any {
	d := &v.Digest
	f := &d.Fields
	flags := 0
	for _, b := range []struct {
		on  bool
		bit int
	}{{v.Redirected, flagRedirected}, {d.SoftNotFound, flagSoftNotFound}, {d.LatestListed, flagLatestListed},
		{d.DayCaptured, flagDayCaptured}, {d.ListingComplete, flagListingComplete}, {v.Indexed, flagIndexed}} {
		if b.on {
			flags |= b.bit
		}
	}
	final := ""
	if v.Redirected || v.FinalURL != v.URL {
		final = v.FinalURL
	}
	return []any{v.URL, v.RunID, v.CaptureID, timeText(v.FetchedAt), v.Status, final, string(v.Verdict), v.BodySHA256,
		d.ContentHash, string(d.Kind), d.Section, flags, int(d.Refs), d.Day, d.Items, d.ItemsOnDay, d.ItemsAfter, d.ItemsDated,
		f.Headline, f.Published, f.Modified, strings.Join(f.Authors, listSep), f.Source, f.Dateline,
		strings.Join(f.Credits, listSep), strings.Join(f.Breadcrumbs, listSep), f.Correction, f.BodyHash}
}

// versionScanner reads rows of versionColumns, reusing its buffers.
type versionScanner struct {
	fetched, verdict, kind           string
	flags, refs                      int
	authors, credits, crumbs         string
	runStarted                       map[int64]time.Time
	url, final, sha, hash, sec, day  string
	headline, published, modified    string
	source, dateline, correct, bhash string
}

func (sc *versionScanner) scan(rows *sql.Rows, v *archive.Version) error {
	d := &v.Digest
	err := rows.Scan(&sc.url, &v.RunID, &v.CaptureID, &sc.fetched, &v.Status, &sc.final, &sc.verdict, &sc.sha,
		&sc.hash, &sc.kind, &sc.sec, &sc.flags, &sc.refs, &sc.day, &d.Items, &d.ItemsOnDay, &d.ItemsAfter, &d.ItemsDated,
		&sc.headline, &sc.published, &sc.modified, &sc.authors, &sc.source, &sc.dateline, &sc.credits, &sc.crumbs, &sc.correct, &sc.bhash)
	if err != nil {
		return err
	}
	t, err := parseTime(sc.fetched)
	if err != nil {
		return err
	}
	v.URL, v.FetchedAt, v.Verdict, v.BodySHA256 = sc.url, t, archive.Verdict(sc.verdict), sc.sha
	v.FinalURL = sc.final
	if v.FinalURL == "" {
		v.FinalURL = sc.url
	}
	v.RunStarted = sc.runStarted[v.RunID]
	v.Redirected = sc.flags&flagRedirected != 0
	v.Indexed = sc.flags&flagIndexed != 0
	d.ContentHash, d.Kind, d.Section, d.Refs, d.Day = sc.hash, archive.PageKind(sc.kind), sc.sec, archive.Refs(sc.refs), sc.day
	d.SoftNotFound = sc.flags&flagSoftNotFound != 0
	d.LatestListed = sc.flags&flagLatestListed != 0
	d.DayCaptured = sc.flags&flagDayCaptured != 0
	d.ListingComplete = sc.flags&flagListingComplete != 0
	d.Fields = archive.VersionFields{
		Headline: sc.headline, Published: sc.published, Modified: sc.modified, Authors: splitList(sc.authors),
		Source: sc.source, Dateline: sc.dateline, Credits: splitList(sc.credits), Breadcrumbs: splitList(sc.crumbs),
		Correction: sc.correct, BodyHash: sc.bhash,
	}
	return nil
}

func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, listSep)
}

// runStarts maps run ids to their start times.
func (s *Store) runStarts(ctx context.Context) (map[int64]time.Time, error) {
	runs, err := s.Runs(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]time.Time, len(runs))
	for _, r := range runs {
		m[r.ID] = r.StartedAt
	}
	return m, nil
}

// Versions calls fn once per canonical URL, in ascending URL order, with
// that URL's indexed captures from runs up to and including upTo, oldest
// first. It reads one snapshot of the archive in one ordered scan; the
// slice passed to fn is reused after fn returns.
func (s *Store) Versions(ctx context.Context, upTo int64, fn func(url string, vs []archive.Version) error) error {
	starts, err := s.runStarts(ctx)
	if err != nil {
		return fmt.Errorf("timeline versions: %w", err)
	}
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+versionColumns+` FROM timeline_versions WHERE run_id <= ? ORDER BY canonical_url, run_id, capture_id`, upTo)
		if err != nil {
			return err
		}
		defer rows.Close()
		sc := &versionScanner{runStarted: starts}
		var vs []archive.Version
		cur := ""
		for rows.Next() {
			var v archive.Version
			if err := sc.scan(rows, &v); err != nil {
				return err
			}
			if v.URL != cur && len(vs) > 0 {
				if err := fn(cur, vs); err != nil {
					return err
				}
				vs = vs[:0]
			}
			cur = v.URL
			vs = append(vs, v)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if len(vs) > 0 {
			return fn(cur, vs)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("timeline versions: %w", err)
	}
	return nil
}

// URLVersions returns the indexed versions of one canonical URL, oldest
// first, or archive.ErrNotFound when it has none.
func (s *Store) URLVersions(ctx context.Context, canonicalURL string) ([]archive.Version, error) {
	starts, err := s.runStarts(ctx)
	if err != nil {
		return nil, fmt.Errorf("timeline versions of %s: %w", canonicalURL, err)
	}
	var vs []archive.Version
	err = s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT `+versionColumns+` FROM timeline_versions WHERE canonical_url = ? ORDER BY run_id, capture_id`, canonicalURL)
		if err != nil {
			return err
		}
		defer rows.Close()
		sc := &versionScanner{runStarted: starts}
		for rows.Next() {
			var v archive.Version
			if err := sc.scan(rows, &v); err != nil {
				return err
			}
			vs = append(vs, v)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("timeline versions of %s: %w", canonicalURL, err)
	}
	if len(vs) == 0 {
		return nil, fmt.Errorf("timeline versions of %s: %w", canonicalURL, archive.ErrNotFound)
	}
	return vs, nil
}

// IndexedRuns returns, for each run with timeline digests written by the
// given index version, how many captures they cover.
func (s *Store) IndexedRuns(ctx context.Context, version string) (map[int64]int, error) {
	return s.countByRun(ctx, `SELECT run_id, count(*) FROM timeline_versions WHERE index_version = ? GROUP BY run_id`, version)
}

// CaptureCounts returns how many captures each run has.
func (s *Store) CaptureCounts(ctx context.Context) (map[int64]int, error) {
	return s.countByRun(ctx, `SELECT run_id, count(*) FROM captures GROUP BY run_id`)
}

func (s *Store) countByRun(ctx context.Context, query string, args ...any) (map[int64]int, error) {
	out := map[int64]int{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id int64
			var n int
			if err := rows.Scan(&id, &n); err != nil {
				return err
			}
			out[id] = n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("counts by run: %w", err)
	}
	return out, nil
}

// NeverCaptured returns the URLs that the sitemaps of a run listed and that
// no run up to it had captured, in URL order.
func (s *Store) NeverCaptured(ctx context.Context, run int64) ([]archive.MissingURL, error) {
	var out []archive.MissingURL
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT url, via, kind FROM timeline_missing WHERE run_id = ? ORDER BY url`, run)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m archive.MissingURL
			if err := rows.Scan(&m.URL, &m.Via, &m.Kind); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("never captured in run %d: %w", run, err)
	}
	return out, nil
}

// RunAliases returns the aliases the crawl recorded in a run, alias →
// canonical URL.
func (s *Store) RunAliases(ctx context.Context, runID int64) (map[string]string, error) {
	out := map[string]string{}
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, `SELECT alias, canonical FROM aliases WHERE run_id = ?`, runID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var a, c string
			if err := rows.Scan(&a, &c); err != nil {
				return err
			}
			out[a] = c
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("aliases of run %d: %w", runID, err)
	}
	return out, nil
}

// EverCaptured returns which of urls (canonical) were captured in any run
// up to and including runID.
func (s *Store) EverCaptured(ctx context.Context, runID int64, urls []string) (map[string]bool, error) {
	out := make(map[string]bool, len(urls))
	err := s.read(ctx, func(tx *sql.Tx) error {
		st, err := tx.PrepareContext(ctx, `SELECT 1 FROM captures WHERE canonical_url = ? AND run_id <= ? LIMIT 1`)
		if err != nil {
			return err
		}
		defer st.Close()
		for _, u := range urls {
			var one int
			err := st.QueryRowContext(ctx, u, runID).Scan(&one)
			switch {
			case errors.Is(err, sql.ErrNoRows):
			case err != nil:
				return err
			default:
				out[u] = true
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("captured urls: %w", err)
	}
	return out, nil
}

// RunCaptures calls fn for every capture of a run, in id order, with its
// body, streaming (see EachCapture).
func (s *Store) RunCaptures(ctx context.Context, runID int64, fn func(*archive.Capture) error) error {
	return s.EachCapture(ctx, CaptureQuery{RunID: runID, Body: true}, fn)
}
