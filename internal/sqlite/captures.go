package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

var _ archive.CaptureStore = (*Store)(nil)

// The statements of PutCapture (see hotWrites).
const (
	sqlBodyExists = `SELECT 1 FROM bodies WHERE sha256 = ?`
	sqlBodySize   = `SELECT size FROM bodies WHERE sha256 = ?`
	sqlInsertBody = `INSERT INTO bodies (sha256, codec, size, stored_size, run_id, data)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`
	sqlInsertCapture = `INSERT INTO captures (
			run_id, url, canonical_url, final_url, redirects, method, request_headers,
			status, proto, headers, content_type, remote_addr, fetched_at, duration_ns,
			content_length, size, truncated, body_sha256, depth, discovered_from,
			verdict, revisit_of, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
		RETURNING id`
	sqlEndClaim = `UPDATE frontier SET state = 'done', reason = ?
		WHERE run_id = ? AND url = ? AND state = 'claimed'`
)

// emptySHA256 is the SHA-256 of no bytes.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// PutCapture stores a capture and returns its id and whether its body was
// new to the archive. On success it sets c.ID, c.BodySHA256 and c.Size.
//
// The body is chosen as follows:
//   - c.Body not nil: those bytes are the body (stored once per SHA-256). If
//     c.BodySHA256 is also set it must match them.
//   - c.Body nil and c.BodySHA256 set: the capture repeats a body already in
//     the archive (a 304 revisit); c.Size is taken from it. A body not in the
//     archive is an error wrapping archive.ErrNotFound.
//   - neither, and c.Status 0 (no response, a transport error): no body.
//   - neither, and a response: the empty body.
//
// The capture and its body are written in one transaction: after an error,
// including ErrFull and ErrLocked, neither is in the archive. In the same
// transaction, a capture whose verdict is ok or revisit moves the frontier
// entry (c.RunID, c.CanonicalURL), if it is claimed, to done with the
// verdict as reason, so that a crash between PutCapture and Finish neither
// loses nor refetches it (Finish afterwards just sets the final reason).
// Refused and error captures leave the entry claimed for Retry or Finish.
func (s *Store) PutCapture(ctx context.Context, c *archive.Capture) (int64, bool, error) {
	id, newBody, _, err := s.PutCaptureAndEnqueue(ctx, c, nil)
	return id, newBody, err
}

// PutCaptureAndEnqueue is PutCapture and Enqueue(ctx, c.RunID, entries) in
// one write transaction: the capture of a page and the links found on it
// are stored together or not at all, at the cost of one transaction
// instead of two. It returns the capture's id, whether its body was new to
// the archive and how many entries were new to the run's frontier.
func (s *Store) PutCaptureAndEnqueue(ctx context.Context, c *archive.Capture, entries []archive.FrontierEntry) (id int64, newBody bool, added int, err error) {
	if c == nil {
		return 0, false, 0, errors.New("put capture: nil capture")
	}
	id, newBody, added, err = s.putCapture(ctx, c, entries)
	if err != nil {
		return 0, false, 0, err
	}
	return id, newBody, added, nil
}

func (s *Store) putCapture(ctx context.Context, c *archive.Capture, entries []archive.FrontierEntry) (int64, bool, int, error) {
	if err := validCapture(c); err != nil {
		return 0, false, 0, fmt.Errorf("put capture %s: %w", c.URL, err)
	}
	if s.readOnly {
		return 0, false, 0, fmt.Errorf("put capture %s: %w", c.URL, ErrReadOnly)
	}
	var (
		sum      = c.BodySHA256
		size     = c.Size
		raw      = c.Body
		hasBody  = true
		haveRaw  = true
		kind     Codec
		blob     []byte
		compress = false
	)
	switch {
	case c.Body != nil:
		sum, size = sha256Hex(c.Body), int64(len(c.Body))
		if c.BodySHA256 != "" && c.BodySHA256 != sum {
			return 0, false, 0, fmt.Errorf("put capture %s: BodySHA256 %s does not match the body's SHA-256 %s", c.URL, c.BodySHA256, sum)
		}
	case c.BodySHA256 != "":
		if !validSHA256(c.BodySHA256) {
			return 0, false, 0, fmt.Errorf("put capture %s: BodySHA256 %q is not a lowercase hex SHA-256", c.URL, c.BodySHA256)
		}
		haveRaw = false
	case c.Status == 0:
		hasBody, haveRaw, sum, size = false, false, "", 0
	default:
		raw, sum, size = []byte{}, emptySHA256, 0
	}
	if haveRaw {
		// Compress outside the write transaction, so that concurrent
		// writers compress in parallel; skip it for a body the archive
		// already holds (bodies are never deleted).
		exists, err := s.bodyExists(ctx, sum)
		if err != nil {
			return 0, false, 0, fmt.Errorf("put capture %s: %w", c.URL, err)
		}
		if !exists {
			compress = true
			if kind, blob, err = s.codec.encode(raw); err != nil {
				return 0, false, 0, fmt.Errorf("put capture %s: compress: %w", c.URL, err)
			}
			if blob == nil {
				blob = []byte{}
			}
		}
	}
	redirects, err := json.Marshal(c.Redirects)
	if err != nil {
		return 0, false, 0, fmt.Errorf("put capture %s: redirects: %w", c.URL, err)
	}
	reqHeader, err := json.Marshal(c.RequestHeader)
	if err != nil {
		return 0, false, 0, fmt.Errorf("put capture %s: request headers: %w", c.URL, err)
	}
	header, err := json.Marshal(c.Header)
	if err != nil {
		return 0, false, 0, fmt.Errorf("put capture %s: headers: %w", c.URL, err)
	}
	var (
		id      int64
		newBody bool
		added   int
	)
	err = s.write(ctx, func(tx *sql.Tx) error {
		newBody = false
		var err error
		if added, err = s.enqueueTx(ctx, tx, c.RunID, entries); err != nil {
			return fmt.Errorf("enqueue: %w", err)
		}
		if compress {
			st, err := s.txStmt(ctx, tx, sqlInsertBody)
			if err != nil {
				return err
			}
			res, err := st.ExecContext(ctx, sum, string(kind), size, len(blob), c.RunID, blob)
			if err != nil {
				return fmt.Errorf("store body: %w", err)
			}
			n, err := res.RowsAffected()
			if err != nil {
				return err
			}
			newBody = n == 1
		} else if hasBody && !haveRaw {
			st, err := s.txStmt(ctx, tx, sqlBodySize)
			if err != nil {
				return err
			}
			err = st.QueryRowContext(ctx, sum).Scan(&size)
			if errors.Is(err, sql.ErrNoRows) {
				return fmt.Errorf("body %s: %w", sum, archive.ErrNotFound)
			}
			if err != nil {
				return err
			}
		}
		var sumArg any
		if hasBody {
			sumArg = sum
		}
		var revisitOf any
		if c.RevisitOf != 0 {
			revisitOf = c.RevisitOf
		}
		method := c.Method
		if method == "" {
			method = "GET"
		}
		st, err := s.txStmt(ctx, tx, sqlInsertCapture)
		if err != nil {
			return err
		}
		err = st.QueryRowContext(ctx,
			c.RunID, c.URL, c.CanonicalURL, c.FinalURL, string(redirects), method, string(reqHeader),
			c.Status, c.Proto, string(header), c.ContentType(), c.RemoteAddr, timeText(c.FetchedAt), int64(c.Duration),
			c.ContentLength, size, c.Truncated, sumArg, c.Depth, c.DiscoveredFrom,
			string(c.Verdict), revisitOf, c.Error).Scan(&id)
		if err != nil {
			return err
		}
		if c.Verdict != archive.VerdictOK && c.Verdict != archive.VerdictRevisit {
			return nil
		}
		// The fetch of a claimed URL is over once its response is stored:
		// ending the claim in the same transaction means a crash between
		// PutCapture and Finish cannot make a resumed crawl fetch it again.
		if st, err = s.txStmt(ctx, tx, sqlEndClaim); err != nil {
			return err
		}
		_, err = st.ExecContext(ctx, string(c.Verdict), c.RunID, c.CanonicalURL)
		return err
	})
	if err != nil {
		return 0, false, 0, fmt.Errorf("put capture %s: %w", c.URL, err)
	}
	c.ID, c.BodySHA256, c.Size = id, sum, size
	if c.Method == "" {
		c.Method = "GET"
	}
	return id, newBody, added, nil
}

func validCapture(c *archive.Capture) error {
	switch {
	case c.RunID <= 0:
		return errors.New("no run id")
	case c.URL == "":
		return errors.New("empty URL")
	case c.CanonicalURL == "":
		return errors.New("empty canonical URL")
	case c.FetchedAt.IsZero():
		return errors.New("fetch time is zero")
	case c.Status < 0 || c.Status > 999:
		return fmt.Errorf("status %d out of range", c.Status)
	}
	switch c.Verdict {
	case archive.VerdictOK, archive.VerdictRevisit, archive.VerdictRefused, archive.VerdictError:
	default:
		return fmt.Errorf("unknown verdict %q", c.Verdict)
	}
	return nil
}

func validSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	for _, r := range s {
		if !('0' <= r && r <= '9' || 'a' <= r && r <= 'f') {
			return false
		}
	}
	return true
}

func (s *Store) bodyExists(ctx context.Context, sum string) (bool, error) {
	var one int
	err := s.rstmts[sqlBodyExists].QueryRowContext(ctx, sum).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, classify(err)
	}
	return true, nil
}

// captureColumns are the columns scanCapture reads, from captures c left
// joined with bodies b (whose codec, size and data are read only with
// bodies).
const captureColumns = `c.id, c.run_id, c.url, c.canonical_url, c.final_url, c.redirects, c.method,
	c.request_headers, c.status, c.proto, c.headers, c.remote_addr, c.fetched_at, c.duration_ns,
	c.content_length, c.size, c.truncated, coalesce(c.body_sha256, ''), c.depth, c.discovered_from,
	c.verdict, coalesce(c.revisit_of, 0), c.error`

const bodyColumns = `, coalesce(b.codec, ''), coalesce(b.size, 0), b.data`

const captureFrom = ` FROM captures c LEFT JOIN bodies b ON b.sha256 = c.body_sha256 `

// storedBody is a body as read from the database, not yet decompressed.
type storedBody struct {
	codec Codec
	size  int64
	data  []byte
}

func scanCapture(row interface{ Scan(...any) error }, withBody bool) (*archive.Capture, *storedBody, error) {
	var (
		c                            archive.Capture
		redirects, reqHeader, header string
		fetched, verdict             string
		duration                     int64
		b                            storedBody
		codec                        string
	)
	dest := []any{&c.ID, &c.RunID, &c.URL, &c.CanonicalURL, &c.FinalURL, &redirects, &c.Method,
		&reqHeader, &c.Status, &c.Proto, &header, &c.RemoteAddr, &fetched, &duration,
		&c.ContentLength, &c.Size, &c.Truncated, &c.BodySHA256, &c.Depth, &c.DiscoveredFrom,
		&verdict, &c.RevisitOf, &c.Error}
	if withBody {
		dest = append(dest, &codec, &b.size, &b.data)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, nil, err
	}
	c.Verdict = archive.Verdict(verdict)
	c.Duration = time.Duration(duration)
	var err error
	if c.FetchedAt, err = parseTime(fetched); err != nil {
		return nil, nil, fmt.Errorf("capture %d: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(redirects), &c.Redirects); err != nil {
		return nil, nil, fmt.Errorf("capture %d redirects: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(reqHeader), &c.RequestHeader); err != nil {
		return nil, nil, fmt.Errorf("capture %d request headers: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(header), &c.Header); err != nil {
		return nil, nil, fmt.Errorf("capture %d headers: %w", c.ID, err)
	}
	if !withBody || c.BodySHA256 == "" {
		return &c, nil, nil
	}
	b.codec = Codec(codec)
	return &c, &b, nil
}

// fillBody decompresses b into c.Body, checking it against c.BodySHA256.
func (s *Store) fillBody(c *archive.Capture, b *storedBody) error {
	if b == nil {
		return nil
	}
	raw, err := s.codec.decode(b.codec, b.data, b.size, c.BodySHA256)
	if err != nil {
		return fmt.Errorf("capture %d: %w", c.ID, err)
	}
	c.Body = raw
	return nil
}

func (s *Store) queryCapture(ctx context.Context, withBody bool, where string, args ...any) (*archive.Capture, error) {
	q := `SELECT ` + captureColumns
	if withBody {
		q += bodyColumns
	}
	q += captureFrom + where
	c, b, err := scanCapture(s.rdb.QueryRowContext(ctx, q, args...), withBody)
	if err != nil {
		return nil, notFound(classify(err))
	}
	if err := s.fillBody(c, b); err != nil {
		return nil, err
	}
	return c, nil
}

// Capture returns one capture; with body true, c.Body holds its bytes. It
// returns archive.ErrNotFound for an unknown id and an error wrapping
// ErrCorrupt if the stored body does not match its SHA-256.
func (s *Store) Capture(ctx context.Context, id int64, body bool) (*archive.Capture, error) {
	c, err := s.queryCapture(ctx, body, `WHERE c.id = ?`, id)
	if err != nil {
		return nil, fmt.Errorf("capture %d: %w", id, err)
	}
	return c, nil
}

// LatestCapture returns the newest capture of a canonical URL that received
// a response, in a run before beforeRun (0: in any run), without its body,
// or archive.ErrNotFound. Only verdicts ok and revisit count: a refusal
// (429, 503) is not a version of the page, so its headers must not feed a
// conditional request nor its body a revisit.
func (s *Store) LatestCapture(ctx context.Context, canonicalURL string, beforeRun int64) (*archive.Capture, error) {
	c, err := s.queryCapture(ctx, false,
		`WHERE c.canonical_url = ? AND c.status <> 0 AND c.verdict IN ('ok', 'revisit')
			AND (? = 0 OR c.run_id < ?) ORDER BY c.id DESC LIMIT 1`,
		canonicalURL, beforeRun, beforeRun)
	if err != nil {
		return nil, fmt.Errorf("latest capture of %s: %w", canonicalURL, err)
	}
	return c, nil
}

// FindCapture returns the newest capture of url in run runID (0: in any
// run), without its body. url is matched, in this order, as a canonical
// URL, as the URL requested, as the final URL after redirects, and as an
// alias recorded for a canonical URL. It returns archive.ErrNotFound if
// none matches.
func (s *Store) FindCapture(ctx context.Context, url string, runID int64) (*archive.Capture, error) {
	const inRun = ` AND (? = 0 OR c.run_id = ?) ORDER BY c.id DESC LIMIT 1`
	for _, where := range []string{
		`WHERE c.canonical_url = ?` + inRun,
		`WHERE c.url = ?` + inRun,
		`WHERE c.final_url = ?` + inRun,
		`WHERE c.canonical_url = (SELECT a.canonical FROM aliases a WHERE a.alias = ? ORDER BY a.run_id DESC LIMIT 1)` + inRun,
	} {
		c, err := s.queryCapture(ctx, false, where, url, runID, runID)
		if err == nil {
			return c, nil
		}
		if !errors.Is(err, archive.ErrNotFound) {
			return nil, fmt.Errorf("find capture of %s: %w", url, err)
		}
	}
	if runID != 0 {
		return nil, fmt.Errorf("no capture of %s in run %d: %w", url, runID, archive.ErrNotFound)
	}
	return nil, fmt.Errorf("no capture of %s: %w", url, archive.ErrNotFound)
}

// History returns every capture of a canonical URL across all runs, oldest
// first, without bodies (load one with Capture or Body).
func (s *Store) History(ctx context.Context, canonicalURL string) ([]*archive.Capture, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT `+captureColumns+captureFrom+
		`WHERE c.canonical_url = ? ORDER BY c.id`, canonicalURL)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", canonicalURL, classify(err))
	}
	defer rows.Close()
	var out []*archive.Capture
	for rows.Next() {
		c, _, err := scanCapture(rows, false)
		if err != nil {
			return nil, fmt.Errorf("history of %s: %w", canonicalURL, err)
		}
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("history of %s: %w", canonicalURL, classify(err))
	}
	return out, nil
}

// Body returns the bytes of the body with the given SHA-256, checked
// against it, or an error wrapping archive.ErrNotFound.
func (s *Store) Body(ctx context.Context, sha256 string) ([]byte, error) {
	var b storedBody
	var codec string
	err := s.rdb.QueryRowContext(ctx, `SELECT codec, size, data FROM bodies WHERE sha256 = ?`, sha256).
		Scan(&codec, &b.size, &b.data)
	if err != nil {
		return nil, fmt.Errorf("body %s: %w", sha256, notFound(classify(err)))
	}
	raw, err := s.codec.decode(Codec(codec), b.data, b.size, sha256)
	if err != nil {
		return nil, err
	}
	return raw, nil
}

// CaptureQuery selects the captures EachCapture visits.
type CaptureQuery struct {
	// RunID selects one run's captures; 0 selects every run's.
	RunID int64
	// Body loads each capture's bytes into Capture.Body.
	Body bool
	// ContentType keeps only captures whose Content-Type header starts
	// with it, ignoring case ("text/html"); "" keeps all.
	ContentType string
	// Responses keeps only captures that received a response (status not 0).
	Responses bool
	// AfterID starts after the capture with this id, to continue an
	// interrupted pass.
	AfterID int64
}

// eachBatch is how many captures EachCapture reads per query.
const eachBatch = 128

// EachCapture calls fn for each capture selected by q, in order of id,
// streaming: captures are read in small batches, each in its own short
// read transaction (so a long pass does not hold back the WAL), and at most
// one batch of compressed bodies is in memory at a time. Captures
// committed while the pass runs are visited if their id is still ahead.
// fn must not keep c.Body beyond the call if it wants to bound memory;
// fn may call other Store methods. EachCapture stops at and returns the
// first error of fn.
func (s *Store) EachCapture(ctx context.Context, q CaptureQuery, fn func(c *archive.Capture) error) error {
	sel := `SELECT ` + captureColumns
	if q.Body {
		sel += bodyColumns
	}
	sel += captureFrom + `WHERE c.id > ? AND (? = 0 OR c.run_id = ?)
		AND (? = '' OR lower(substr(c.content_type, 1, ?)) = lower(?))
		AND (? = 0 OR c.status <> 0)
		ORDER BY c.id LIMIT ?`
	after := q.AfterID
	type item struct {
		c *archive.Capture
		b *storedBody
	}
	for {
		batch := make([]item, 0, eachBatch)
		err := s.read(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, sel, after, q.RunID, q.RunID,
				q.ContentType, len(q.ContentType), q.ContentType, q.Responses, eachBatch)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				c, b, err := scanCapture(rows, q.Body)
				if err != nil {
					return err
				}
				batch = append(batch, item{c, b})
			}
			return rows.Err()
		})
		if err != nil {
			return fmt.Errorf("captures: %w", err)
		}
		for _, it := range batch {
			if err := s.fillBody(it.c, it.b); err != nil {
				return fmt.Errorf("captures: %w", err)
			}
			if err := fn(it.c); err != nil {
				return err
			}
			after = it.c.ID
		}
		if len(batch) < eachBatch {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
	}
}

// AddAlias records that alias was collapsed into canonical in a run. An
// alias already recorded in the run keeps its first canonical URL.
func (s *Store) AddAlias(ctx context.Context, runID int64, alias, canonical, reason string) error {
	if alias == "" || canonical == "" {
		return fmt.Errorf("add alias in run %d: empty URL (alias %q, canonical %q)", runID, alias, canonical)
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO aliases (run_id, alias, canonical, reason)
			VALUES (?, ?, ?, ?) ON CONFLICT (run_id, alias) DO NOTHING`, runID, alias, canonical, reason)
		return err
	})
	if err != nil {
		return fmt.Errorf("add alias %s in run %d: %w", alias, runID, err)
	}
	return nil
}

// Alias is a URL that a crawl collapsed into a canonical URL.
type Alias struct {
	RunID     int64  `json:"run_id"`
	Alias     string `json:"alias"`
	Canonical string `json:"canonical"`
	Reason    string `json:"reason"`
}

// Aliases returns the aliases recorded for url, in every run: the URLs
// collapsed into it when url is canonical, and the canonical URL it was
// collapsed into when url is itself an alias. They come ordered by run,
// then alias.
func (s *Store) Aliases(ctx context.Context, url string) ([]Alias, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT run_id, alias, canonical, reason FROM aliases
		WHERE canonical = ? OR alias = ? ORDER BY run_id, alias`, url, url)
	if err != nil {
		return nil, fmt.Errorf("aliases of %s: %w", url, classify(err))
	}
	defer rows.Close()
	var out []Alias
	for rows.Next() {
		var a Alias
		if err := rows.Scan(&a.RunID, &a.Alias, &a.Canonical, &a.Reason); err != nil {
			return nil, fmt.Errorf("aliases of %s: %w", url, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("aliases of %s: %w", url, classify(err))
	}
	return out, nil
}
