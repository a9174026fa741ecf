package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// The separators of the digest column: fields by recordSep, the items of
// list fields (authors, credits, breadcrumbs) by listSep.
const (
	recordSep = "\x1e"
	listSep   = "\x1f"
)

// digestFields is the number of fields of the digest column, in the order
// encodeDigest writes them.
const digestFields = 27

// digestVersion leads every digest text, so that a later layout can be told
// apart.
const digestVersion = "d1"

// The bits of the digest's flags field.
const (
	flagRedirected = 1 << iota
	flagSoftNotFound
	flagLatestListed
	flagDayCaptured
	flagListingComplete
	flagIndexed
	flagDuplicate
)

// clean removes the separators from a stored text.
func clean(s string) string {
	if strings.ContainsAny(s, recordSep+listSep) {
		s = strings.NewReplacer(recordSep, " ", listSep, " ").Replace(s)
	}
	return s
}

func joinList(l []string) string {
	for i, x := range l {
		if strings.ContainsAny(x, recordSep+listSep) {
			c := make([]string, len(l))
			for j, y := range l {
				c[j] = clean(y)
			}
			l = c
			break
		}
		_ = i
	}
	return strings.Join(l, listSep)
}

// encodeDigest writes the per-capture part of a version as one text.
func encodeDigest(v *archive.Version) string {
	d := &v.Digest
	f := &d.Fields
	flags := 0
	for _, b := range []struct {
		on  bool
		bit int
	}{{v.Redirected, flagRedirected}, {d.SoftNotFound, flagSoftNotFound}, {d.LatestListed, flagLatestListed},
		{d.DayCaptured, flagDayCaptured}, {d.ListingComplete, flagListingComplete}, {v.Indexed, flagIndexed},
		{d.Duplicate, flagDuplicate}} {
		if b.on {
			flags |= b.bit
		}
	}
	final := ""
	if v.FinalURL != v.URL {
		final = v.FinalURL
	}
	parts := [digestFields]string{
		digestVersion, timeText(v.FetchedAt), strconv.Itoa(v.Status), clean(final), clean(string(v.Verdict)), clean(v.BodySHA256),
		clean(d.ContentHash), clean(string(d.Kind)), clean(d.Section), strconv.Itoa(flags), strconv.Itoa(int(d.Refs)), clean(d.Day),
		strconv.Itoa(d.Items), strconv.Itoa(d.ItemsOnDay), strconv.Itoa(d.ItemsAfter), strconv.Itoa(d.ItemsDated),
		clean(f.Headline), clean(f.Published), clean(f.Modified), joinList(f.Authors), clean(f.Source), clean(f.Dateline),
		joinList(f.Credits), joinList(f.Breadcrumbs), clean(f.Correction), clean(f.BodyHash), "",
	}
	return strings.Join(parts[:], recordSep)
}

// decodeDigest reads a digest text into v (whose URL, RunID and CaptureID
// are already set). Strings share the digest's memory.
func decodeDigest(s string, v *archive.Version) error {
	var p [digestFields]string
	n := 0
	for n < digestFields-1 {
		i := strings.Index(s, recordSep)
		if i < 0 {
			break
		}
		p[n], s = s[:i], s[i+len(recordSep):]
		n++
	}
	p[n] = s
	n++
	if n != digestFields || p[0] != digestVersion {
		return fmt.Errorf("timeline digest of capture %d: unknown layout (%d fields, version %q)", v.CaptureID, n, p[0])
	}
	var ints [7]int
	for i, k := range []int{2, 9, 10, 12, 13, 14, 15} {
		x, err := strconv.Atoi(p[k])
		if err != nil {
			return fmt.Errorf("timeline digest of capture %d: field %d: %w", v.CaptureID, k, err)
		}
		ints[i] = x
	}
	t, err := parseTime(p[1])
	if err != nil {
		return err
	}
	flags := ints[1]
	v.FetchedAt, v.Status, v.Verdict, v.BodySHA256 = t, ints[0], archive.Verdict(p[4]), p[5]
	v.FinalURL = p[3]
	if v.FinalURL == "" {
		v.FinalURL = v.URL
	}
	v.Redirected = flags&flagRedirected != 0
	v.Indexed = flags&flagIndexed != 0
	v.Digest = archive.Digest{
		ContentHash: p[6], Kind: archive.PageKind(p[7]), Section: p[8], Refs: archive.Refs(ints[2]), Day: p[11],
		SoftNotFound: flags&flagSoftNotFound != 0, LatestListed: flags&flagLatestListed != 0, Duplicate: flags&flagDuplicate != 0,
		DayCaptured: flags&flagDayCaptured != 0, ListingComplete: flags&flagListingComplete != 0,
		Items: ints[3], ItemsOnDay: ints[4], ItemsAfter: ints[5], ItemsDated: ints[6],
		Fields: archive.VersionFields{
			Headline: p[16], Published: p[17], Modified: p[18], Authors: splitList(p[19]), Source: p[20], Dateline: p[21],
			Credits: splitList(p[22]), Breadcrumbs: splitList(p[23]), Correction: p[24], BodyHash: p[25],
		},
	}
	return nil
}

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
		ins, err := tx.PrepareContext(ctx, `INSERT INTO timeline_versions (canonical_url, run_id, capture_id, index_version, digest) VALUES (?, ?, ?, ?, ?)`)
		if err != nil {
			return err
		}
		defer ins.Close()
		for i := range vs {
			v := &vs[i]
			if v.RunID != runID {
				return fmt.Errorf("version of capture %d belongs to run %d, not %d", v.CaptureID, v.RunID, runID)
			}
			if _, err := ins.ExecContext(ctx, v.URL, v.RunID, v.CaptureID, version, encodeDigest(v)); err != nil {
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

// versionScanner reads rows of (canonical_url, run_id, capture_id, digest).
type versionScanner struct {
	runStarted map[int64]time.Time
	url        string
	digest     string
}

func (sc *versionScanner) scan(rows *sql.Rows, v *archive.Version) error {
	if err := rows.Scan(&sc.url, &v.RunID, &v.CaptureID, &sc.digest); err != nil {
		return err
	}
	v.URL = sc.url
	if err := decodeDigest(sc.digest, v); err != nil {
		return err
	}
	v.RunStarted = sc.runStarted[v.RunID]
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
		rows, err := tx.QueryContext(ctx, `SELECT canonical_url, run_id, capture_id, digest FROM timeline_versions WHERE run_id <= ? ORDER BY canonical_url, run_id, capture_id`, upTo)
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
		rows, err := tx.QueryContext(ctx, `SELECT canonical_url, run_id, capture_id, digest FROM timeline_versions WHERE canonical_url = ? ORDER BY run_id, capture_id`, canonicalURL)
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
	return s.countByRun(ctx, `SELECT run_id, count(*) FROM crawl_captures GROUP BY run_id`)
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
		rows, err := tx.QueryContext(ctx, `SELECT al.url, ca.url FROM crawl_aliases a
			JOIN urls al ON al.id = a.alias_id JOIN urls ca ON ca.id = a.canonical_id WHERE a.run_id = ?`, runID)
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
		st, err := tx.PrepareContext(ctx, `SELECT 1 FROM crawl_captures WHERE canonical_id = (SELECT id FROM urls WHERE url = ?) AND run_id <= ? LIMIT 1`)
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
