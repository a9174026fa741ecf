package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

var _ archive.CaptureStore = (*Store)(nil)

// The statements of PutCapture (see hotWrites).
const (
	// sqlBodiesStored returns which of the SHA-256s in a JSON array the
	// archive holds bodies for: one lookup in the bodies' index each.
	sqlBodiesStored = `SELECT sha256 FROM bodies WHERE sha256 IN (SELECT value FROM json_each(?))`
	sqlBodySize     = `SELECT size FROM bodies WHERE sha256 = ?`
	sqlInsertBody   = `INSERT INTO bodies (sha256, codec, size, stored_size, run_id, data)
		VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`
	sqlInsertCapture = `INSERT INTO crawl_captures (
			run_id, canonical_id, url_id, final_id, redirects, method, request_set, request_own,
			status, peer_id, header_set, header_own, content_type, fetched_at, duration_ns,
			content_length, size, truncated, body, depth, from_id,
			verdict, revisit_of, error)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlEndClaim = `UPDATE crawl_frontier SET state = 'done', reason = ?
		WHERE run_id = ? AND url_id = ? AND state = 'claimed'`
	sqlAddAlias = `INSERT INTO crawl_aliases (run_id, alias_id, canonical_id, reason)
		VALUES (?, ?, ?, ?) ON CONFLICT (run_id, alias_id) DO NOTHING`
	// sqlRevisitedBody reads the body column of the capture a revisit
	// revisits: a revisit refers to it only if it holds the SHA-256 itself
	// (bodyColumn resolves one reference, not a chain).
	sqlRevisitedBody = `SELECT body FROM crawl_captures WHERE id = ?`
)

// bodyColumn is the SHA-256 of a capture c's body (32 bytes, NULL for no
// body): an empty blob refers to the body of the capture it revisits, rb.
const bodyColumn = `CASE WHEN length(c.body) = 0 THEN rb.body ELSE c.body END`

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
// the archive and how many entries were new to the run's frontier. Entries
// in state archive.FrontierSkipped are recorded as Skip records them (and
// not counted): the URLs a page's links lead to that will not be fetched
// share the page's transaction instead of costing one each.
func (s *Store) PutCaptureAndEnqueue(ctx context.Context, c *archive.Capture, entries []archive.FrontierEntry) (id int64, newBody bool, added int, err error) {
	return s.PutCaptureWith(ctx, c, entries, nil)
}

// PutCaptureWith is PutCaptureAndEnqueue that also records aliases (as
// AddAlias does, in the capture's run) in the same transaction: the URLs
// the page's links revealed as aliases of others cost no transaction of
// their own. An alias's RunID must be 0 or the capture's run.
func (s *Store) PutCaptureWith(ctx context.Context, c *archive.Capture, entries []archive.FrontierEntry, aliases []Alias) (id int64, newBody bool, added int, err error) {
	if c == nil {
		return 0, false, 0, errors.New("put capture: nil capture")
	}
	w := []archive.CaptureWrite{{Capture: c, Entries: entries, Aliases: aliases}}
	if err := s.PutCaptures(ctx, c.RunID, w); err != nil {
		return 0, false, 0, err
	}
	return w[0].ID, w[0].NewBody, w[0].Added, nil
}

// validAliases checks the aliases of a write in run runID: each names an
// alias and its canonical URL, in run 0 (the write's) or runID.
func validAliases(runID int64, aliases []Alias) error {
	for _, a := range aliases {
		if err := validAlias(a.Alias, a.Canonical); err != nil {
			return fmt.Errorf("alias: %w", err)
		}
		if a.RunID != 0 && a.RunID != runID {
			return fmt.Errorf("alias %s of run %d, not of the capture's run %d", a.Alias, a.RunID, runID)
		}
	}
	return nil
}

// addAliasesTx records aliases in run runID inside the write transaction
// tx.
func (s *Store) addAliasesTx(ctx context.Context, tx *sql.Tx, in *interned, runID int64, aliases []Alias) error {
	for _, a := range aliases {
		if err := s.addAliasTx(ctx, tx, in, runID, a.Alias, a.Canonical, a.Reason); err != nil {
			return fmt.Errorf("alias %s: %w", a.Alias, err)
		}
	}
	return nil
}

// preparedCapture is a capture ready to be inserted: checked, its body
// hashed and, if the archive lacks it, compressed (see compressBodies),
// and its headers encoded, all outside the write transaction, so that
// concurrent writers do that work in parallel. insertTx fills id, newBody
// and size.
type preparedCapture struct {
	c         *archive.Capture
	raw       []byte // the body, when haveRaw
	sum       string
	size      int64
	hasBody   bool
	haveRaw   bool
	compress  bool
	kind      Codec
	blob      []byte
	redirects any
	method    any
	errText   any
	bodyArg   any
	reqHeader storedHeader
	header    storedHeader

	id      int64
	newBody bool
}

// prepareCapture checks c and does the work of storing it that needs no
// transaction (see PutCapture for how the body is chosen), but for the
// compression of its body (see compressBodies).
func (s *Store) prepareCapture(c *archive.Capture) (*preparedCapture, error) {
	if err := validCapture(c); err != nil {
		return nil, fmt.Errorf("put capture %s: %w", c.URL, err)
	}
	if s.readOnly {
		return nil, fmt.Errorf("put capture %s: %w", c.URL, ErrReadOnly)
	}
	p := &preparedCapture{c: c, raw: c.Body, sum: c.BodySHA256, size: c.Size, hasBody: true, haveRaw: true}
	switch {
	case c.Body != nil:
		p.sum, p.size = sha256Hex(c.Body), int64(len(c.Body))
		if c.BodySHA256 != "" && c.BodySHA256 != p.sum {
			return nil, fmt.Errorf("put capture %s: BodySHA256 %s does not match the body's SHA-256 %s", c.URL, c.BodySHA256, p.sum)
		}
	case c.BodySHA256 != "":
		if !validSHA256(c.BodySHA256) {
			return nil, fmt.Errorf("put capture %s: BodySHA256 %q is not a lowercase hex SHA-256", c.URL, c.BodySHA256)
		}
		p.haveRaw = false
	case c.Status == 0:
		p.hasBody, p.haveRaw, p.sum, p.size = false, false, "", 0
	default:
		p.raw, p.sum, p.size = []byte{}, emptySHA256, 0
	}
	if c.Redirects != nil {
		j, err := json.Marshal(c.Redirects)
		if err != nil {
			return nil, fmt.Errorf("put capture %s: redirects: %w", c.URL, err)
		}
		p.redirects = string(j)
	}
	if c.Method != "" && c.Method != "GET" {
		p.method = c.Method
	}
	if c.Error != "" {
		p.errText = c.Error
	}
	if p.hasBody {
		b, err := hex.DecodeString(p.sum)
		if err != nil {
			return nil, fmt.Errorf("put capture %s: body SHA-256: %w", c.URL, err)
		}
		p.bodyArg = b
	}
	p.reqHeader, p.header = prepareHeader(c.RequestHeader, nil), prepareHeader(c.Header, c.RequestHeader)
	return p, nil
}

// insertTx inserts the capture, and its body if new, inside the write
// transaction tx, and ends the claim of its frontier entry if its verdict
// is ok or revisit.
func (p *preparedCapture) insertTx(ctx context.Context, s *Store, tx *sql.Tx, in *interned) error {
	c := p.c
	p.newBody = false
	if p.compress {
		st, err := s.txStmt(ctx, tx, sqlInsertBody)
		if err != nil {
			return err
		}
		res, err := st.ExecContext(ctx, p.sum, string(p.kind), p.size, len(p.blob), c.RunID, p.blob)
		if err != nil {
			return fmt.Errorf("store body: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return err
		}
		p.newBody = n == 1
	} else if p.hasBody && !p.haveRaw {
		st, err := s.txStmt(ctx, tx, sqlBodySize)
		if err != nil {
			return err
		}
		err = st.QueryRowContext(ctx, p.sum).Scan(&p.size)
		if errors.Is(err, sql.ErrNoRows) {
			return fmt.Errorf("body %s: %w", p.sum, archive.ErrNotFound)
		}
		if err != nil {
			return err
		}
	}
	canonical, err := s.urlID(ctx, tx, in, c.CanonicalURL)
	if err != nil {
		return err
	}
	requested, err := s.optionalURLID(ctx, tx, in, c.URL, c.CanonicalURL)
	if err != nil {
		return err
	}
	final, err := s.optionalURLID(ctx, tx, in, c.FinalURL, c.URL)
	if err != nil {
		return err
	}
	from, err := s.optionalURLID(ctx, tx, in, c.DiscoveredFrom, "")
	if err != nil {
		return err
	}
	reqSet, reqOwn, err := s.headerArgs(ctx, tx, in, p.reqHeader)
	if err != nil {
		return err
	}
	set, own, err := s.headerArgs(ctx, tx, in, p.header)
	if err != nil {
		return err
	}
	peer, err := s.peerID(ctx, tx, in, c.Proto, c.RemoteAddr)
	if err != nil {
		return err
	}
	var revisitOf any
	bodyRef := p.bodyArg
	if c.RevisitOf != 0 {
		revisitOf = c.RevisitOf
		if bodyRef != nil {
			// A revisit that repeats the body of the capture it
			// revisits refers to it (an empty blob) instead of
			// storing the SHA-256 again.
			st, err := s.txStmt(ctx, tx, sqlRevisitedBody)
			if err != nil {
				return err
			}
			var base []byte
			err = st.QueryRowContext(ctx, c.RevisitOf).Scan(&base)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if bytes.Equal(base, p.bodyArg.([]byte)) {
				bodyRef = []byte{}
			}
		}
	}
	p.id, err = s.insertID(ctx, tx, sqlInsertCapture,
		c.RunID, canonical, requested, final, p.redirects, p.method, reqSet, reqOwn,
		c.Status, peer, set, own, c.ContentType(), timeValue(c.FetchedAt), int64(c.Duration),
		c.ContentLength, p.size, c.Truncated, bodyRef, c.Depth, from,
		string(c.Verdict), revisitOf, p.errText)
	if err != nil {
		return err
	}
	if c.Verdict != archive.VerdictOK && c.Verdict != archive.VerdictRevisit {
		return nil
	}
	// The fetch of a claimed URL is over once its response is stored:
	// ending the claim in the same transaction means a crash between
	// PutCapture and Finish cannot make a resumed crawl fetch it again.
	st, err := s.txStmt(ctx, tx, sqlEndClaim)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, string(c.Verdict), c.RunID, canonical)
	return err
}

// done sets the capture's ID, BodySHA256, Size and Method once the
// transaction that inserted it has committed.
func (p *preparedCapture) done() {
	c := p.c
	c.ID, c.BodySHA256, c.Size = p.id, p.sum, p.size
	if c.Method == "" {
		c.Method = "GET"
	}
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

// compressBodies compresses the bodies of prepared (nil entries are
// skipped) that the archive does not hold yet, outside the write
// transaction, so that concurrent writers compress in parallel. A body met
// twice in prepared is compressed once. Which bodies the archive holds
// (bodies are never deleted) is asked in one query for all of them when
// the last bodies stored were mostly there already, as in a recrawl; when
// they were mostly new, as in a first crawl, the query would mostly answer
// "none", and every body is compressed without asking: the insert of one
// the archive holds after all changes nothing (see insertTx). It returns
// whether it asked; if not, the caller reports what the inserts found
// with sawBodies.
func (s *Store) compressBodies(ctx context.Context, prepared []*preparedCapture) (asked bool, err error) {
	var sums []string
	for _, p := range prepared {
		if p != nil && p.haveRaw {
			sums = append(sums, p.sum)
		}
	}
	if len(sums) == 0 {
		return false, nil
	}
	var stored map[string]bool
	if s.cache.expectStoredBodies() {
		if stored, err = s.bodiesStored(ctx, sums); err != nil {
			return false, err
		}
		s.cache.sawBodies(len(stored), len(sums)-len(stored))
		asked = true
	}
	compressed := map[string]*preparedCapture{}
	for _, p := range prepared {
		if p == nil || !p.haveRaw || stored[p.sum] {
			continue
		}
		p.compress = true
		if q := compressed[p.sum]; q != nil {
			p.kind, p.blob = q.kind, q.blob
			continue
		}
		if p.kind, p.blob, err = s.codec.encode(p.raw); err != nil {
			return asked, fmt.Errorf("put capture %s: compress: %w", p.c.URL, err)
		}
		if p.blob == nil {
			p.blob = []byte{}
		}
		compressed[p.sum] = p
	}
	return asked, nil
}

// bodiesStored returns the set of sums (lowercase hex SHA-256s) whose
// bodies the archive holds.
func (s *Store) bodiesStored(ctx context.Context, sums []string) (map[string]bool, error) {
	// The sums are hex: the JSON array needs no escaping.
	rows, err := s.rstmts[sqlBodiesStored].QueryContext(ctx, `["`+strings.Join(sums, `","`)+`"]`)
	if err != nil {
		return nil, fmt.Errorf("bodies stored: %w", classify(err))
	}
	defer rows.Close()
	stored := map[string]bool{}
	for rows.Next() {
		var sum string
		if err := rows.Scan(&sum); err != nil {
			return nil, fmt.Errorf("bodies stored: %w", classify(err))
		}
		stored[sum] = true
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("bodies stored: %w", classify(err))
	}
	return stored, nil
}

// captureColumns are the columns scanCapture reads, from crawl_captures c
// joined as in captureFrom; bodyColumns adds the body's codec, size and
// data (joined by bodyJoin).
const captureColumns = `c.id, c.run_id, cu.url, u.url, f.url, c.redirects, c.method,
	c.request_set, rs.data, c.request_own, c.status, coalesce(p.proto, ''), c.header_set, hs.data, c.header_own,
	coalesce(p.remote_addr, ''), c.fetched_at, c.duration_ns, c.content_length, c.size, c.truncated,
	` + bodyColumn + `, c.depth, d.url, c.verdict, coalesce(c.revisit_of, 0), c.error`

const bodyColumns = `, coalesce(b.codec, ''), coalesce(b.size, 0), b.data`

const captureFrom = ` FROM crawl_captures c
	JOIN urls cu ON cu.id = c.canonical_id
	LEFT JOIN urls u ON u.id = c.url_id
	LEFT JOIN urls f ON f.id = c.final_id
	LEFT JOIN urls d ON d.id = c.from_id
	LEFT JOIN header_sets rs ON rs.id = c.request_set
	LEFT JOIN header_sets hs ON hs.id = c.header_set
	LEFT JOIN peers p ON p.id = c.peer_id
	LEFT JOIN crawl_captures rb ON rb.id = c.revisit_of `

const bodyJoin = ` LEFT JOIN bodies b ON b.sha256 = lower(hex(` + bodyColumn + `)) `

// captureQuery is a SELECT of captures, with their bodies if withBody, and
// the rest of the statement (WHERE …).
func captureQuery(withBody bool, rest string) string {
	if withBody {
		return `SELECT ` + captureColumns + bodyColumns + captureFrom + bodyJoin + rest
	}
	return `SELECT ` + captureColumns + captureFrom + rest
}

// storedBody is a body as read from the database, not yet decompressed.
type storedBody struct {
	codec Codec
	size  int64
	data  []byte
}

func (s *Store) scanCapture(row interface{ Scan(...any) error }, withBody bool) (*archive.Capture, *storedBody, error) {
	var (
		c                         archive.Capture
		requested, final, from    sql.NullString
		redirects, method, errTxt sql.NullString
		reqSet, set               sql.NullInt64
		reqSetData, setData       []byte
		reqOwn, own, fetched      any
		body                      []byte
		verdict                   string
		duration                  int64
		b                         storedBody
		codec                     string
	)
	dest := []any{&c.ID, &c.RunID, &c.CanonicalURL, &requested, &final, &redirects, &method,
		&reqSet, &reqSetData, &reqOwn, &c.Status, &c.Proto, &set, &setData, &own,
		&c.RemoteAddr, &fetched, &duration, &c.ContentLength, &c.Size, &c.Truncated, &body,
		&c.Depth, &from, &verdict, &c.RevisitOf, &errTxt}
	if withBody {
		dest = append(dest, &codec, &b.size, &b.data)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, nil, err
	}
	setURLs(&c, requested, final)
	c.DiscoveredFrom, c.Error = from.String, errTxt.String
	c.Method = "GET"
	if method.Valid {
		c.Method = method.String
	}
	c.Verdict = archive.Verdict(verdict)
	c.Duration = time.Duration(duration)
	if body != nil {
		c.BodySHA256 = hex.EncodeToString(body)
	}
	var err error
	if c.FetchedAt, err = timeFromValue(fetched); err != nil {
		return nil, nil, fmt.Errorf("capture %d: %w", c.ID, err)
	}
	if redirects.Valid {
		if err := json.Unmarshal([]byte(redirects.String), &c.Redirects); err != nil {
			return nil, nil, fmt.Errorf("capture %d redirects: %w", c.ID, err)
		}
	}
	if c.RequestHeader, err = s.loadHeader(reqSet, reqSetData, reqOwn, nil); err != nil {
		return nil, nil, fmt.Errorf("capture %d request headers: %w", c.ID, err)
	}
	if c.Header, err = s.loadHeader(set, setData, own, c.RequestHeader); err != nil {
		return nil, nil, fmt.Errorf("capture %d headers: %w", c.ID, err)
	}
	if !withBody || c.BodySHA256 == "" {
		return &c, nil, nil
	}
	b.codec = Codec(codec)
	return &c, &b, nil
}

// loadHeader rebuilds a header from its stored columns (see migration
// 0006): a header set and the inline fields, or the JSON text of a row
// migrated from version 5, or nothing for a nil header. ref is the
// request header, for a response header's inline values that repeat it.
func (s *Store) loadHeader(set sql.NullInt64, setData []byte, own any, ref http.Header) (http.Header, error) {
	if j, ok := own.(string); ok && !set.Valid {
		var h http.Header
		if err := json.Unmarshal([]byte(j), &h); err != nil {
			return nil, err
		}
		return h, nil
	}
	if !set.Valid && own == nil {
		return nil, nil
	}
	h := http.Header{}
	if set.Valid {
		if setData == nil {
			return nil, fmt.Errorf("header set %d is missing", set.Int64)
		}
		var err error
		if h, err = s.cache.headerSet(set.Int64, setData); err != nil {
			return nil, err
		}
	}
	switch o := own.(type) {
	case nil:
	case []byte:
		if err := decodeOwnFields(o, h, ref); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("inline header fields of type %T", own)
	}
	return h, nil
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

// The conditions of the frequent capture reads, whose statements are
// prepared at Open (see hotReads): with eight joins, parsing and planning
// them again costs more than running them.
const (
	whereCaptureID = `WHERE c.id = ?`
	whereLatest    = `WHERE c.canonical_id = (SELECT id FROM urls WHERE url = ?) AND c.status <> 0
			AND c.verdict IN ('ok', 'revisit') AND (? = 0 OR c.run_id < ?) ORDER BY c.id DESC LIMIT 1`
)

func (s *Store) queryCapture(ctx context.Context, withBody bool, where string, args ...any) (*archive.Capture, error) {
	q := captureQuery(withBody, where)
	var row *sql.Row
	if st, ok := s.rstmts[q]; ok {
		row = st.QueryRowContext(ctx, args...)
	} else {
		row = s.rdb.QueryRowContext(ctx, q, args...)
	}
	c, b, err := s.scanCapture(row, withBody)
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
	c, err := s.queryCapture(ctx, body, whereCaptureID, id)
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
	c, err := s.queryCapture(ctx, false, whereLatest, canonicalURL, beforeRun, beforeRun)
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
		`WHERE c.canonical_id = (SELECT id FROM urls WHERE url = ?)` + inRun,
		// A NULL url_id or final_id repeats the URL before it, which
		// the steps before matched already.
		`WHERE c.url_id = (SELECT id FROM urls WHERE url = ?)` + inRun,
		`WHERE c.final_id = (SELECT id FROM urls WHERE url = ?)` + inRun,
		`WHERE c.canonical_id = (SELECT a.canonical_id FROM crawl_aliases a
			WHERE a.alias_id = (SELECT id FROM urls WHERE url = ?) ORDER BY a.run_id DESC LIMIT 1)` + inRun,
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
	rows, err := s.rdb.QueryContext(ctx, captureQuery(false,
		`WHERE c.canonical_id = (SELECT id FROM urls WHERE url = ?) ORDER BY c.id`), canonicalURL)
	if err != nil {
		return nil, fmt.Errorf("history of %s: %w", canonicalURL, classify(err))
	}
	defer rows.Close()
	var out []*archive.Capture
	for rows.Next() {
		c, _, err := s.scanCapture(rows, false)
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
	// One run's captures are read through the run index; "? = 0 OR
	// c.run_id = ?" would make SQLite scan every run's.
	inRun := `(? = 0 OR c.run_id = ?)`
	if q.RunID != 0 {
		inRun = `c.run_id = ? AND c.run_id = ?`
	}
	// The limit is written in the query, not bound: SQLite would parse
	// and plan the query a second time for the value of a bare "LIMIT ?"
	// (see sqlClaimRead).
	sel := captureQuery(q.Body, `WHERE c.id > ? AND `+inRun+`
		AND (? = '' OR lower(substr(c.content_type, 1, ?)) = lower(?))
		AND (? = 0 OR c.status <> 0)
		ORDER BY c.id LIMIT `+strconv.Itoa(eachBatch))
	after := q.AfterID
	type item struct {
		c *archive.Capture
		b *storedBody
	}
	for {
		batch := make([]item, 0, eachBatch)
		err := s.read(ctx, func(tx *sql.Tx) error {
			rows, err := tx.QueryContext(ctx, sel, after, q.RunID, q.RunID,
				q.ContentType, len(q.ContentType), q.ContentType, q.Responses)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				c, b, err := s.scanCapture(rows, q.Body)
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
	if err := validAlias(alias, canonical); err != nil {
		return fmt.Errorf("add alias in run %d: %w", runID, err)
	}
	in := &interned{}
	err := s.write(ctx, func(tx *sql.Tx) error {
		in.reset()
		return s.addAliasTx(ctx, tx, in, runID, alias, canonical, reason)
	})
	if err == nil {
		s.cache.add(in)
	}
	if err != nil {
		return fmt.Errorf("add alias %s in run %d: %w", alias, runID, err)
	}
	return nil
}

// validAlias checks that an alias and its canonical URL are given.
func validAlias(alias, canonical string) error {
	if alias == "" || canonical == "" {
		return fmt.Errorf("empty URL (alias %q, canonical %q)", alias, canonical)
	}
	return nil
}

// addAliasTx is AddAlias inside the write transaction tx.
func (s *Store) addAliasTx(ctx context.Context, tx *sql.Tx, in *interned, runID int64, alias, canonical, reason string) error {
	aliasID, err := s.urlID(ctx, tx, in, alias)
	if err != nil {
		return err
	}
	canonicalID, err := s.urlID(ctx, tx, in, canonical)
	if err != nil {
		return err
	}
	st, err := s.txStmt(ctx, tx, sqlAddAlias)
	if err != nil {
		return err
	}
	_, err = st.ExecContext(ctx, runID, aliasID, canonicalID, reason)
	return err
}

// Alias is a URL that a crawl collapsed into a canonical URL (the domain
// type, named here for the callers of Aliases and PutCaptureWith).
type Alias = archive.Alias

// Aliases returns the aliases recorded for url, in every run: the URLs
// collapsed into it when url is canonical, and the canonical URL it was
// collapsed into when url is itself an alias. They come ordered by run,
// then alias.
func (s *Store) Aliases(ctx context.Context, url string) ([]Alias, error) {
	rows, err := s.rdb.QueryContext(ctx, `SELECT a.run_id, al.url, ca.url, a.reason FROM crawl_aliases a
		JOIN urls al ON al.id = a.alias_id JOIN urls ca ON ca.id = a.canonical_id
		WHERE a.canonical_id = (SELECT id FROM urls WHERE url = ?) OR a.alias_id = (SELECT id FROM urls WHERE url = ?)
		ORDER BY a.run_id, al.url`, url, url)
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

// setURLs sets a capture read from crawl_captures to its requested and
// final URLs, which are stored only where they differ from the canonical
// one (NULL otherwise).
func setURLs(c *archive.Capture, requested, final sql.NullString) {
	c.URL = c.CanonicalURL
	if requested.Valid {
		c.URL = requested.String
	}
	c.FinalURL = c.URL
	if final.Valid {
		c.FinalURL = final.String
	}
}
