package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// PageSize is the SQLite page size of a new archive, in bytes.
const PageSize = 8192

// Errors returned by the Store. They wrap the driver's error, so the SQLite
// message stays visible; test for them with errors.Is.
var (
	// ErrFull is returned when a write fails because the disk is full or the
	// database reached its size limit. The transaction was rolled back:
	// nothing of it was written.
	ErrFull = errors.New("archive is full (disk full or size limit reached)")
	// ErrLocked is returned when the busy timeout passed while another
	// connection, usually another archiver process, held the write lock.
	// The transaction was rolled back.
	ErrLocked = errors.New("archive is locked by another writer")
	// ErrReadOnly is returned by writing methods of a Store opened with
	// OpenReadOnly.
	ErrReadOnly = errors.New("archive is opened read-only")
	// ErrSchemaTooNew is returned by Open and OpenReadOnly for a database
	// written by a newer archiver, whose schema this binary does not know.
	ErrSchemaTooNew = errors.New("archive schema is newer than this archiver")
	// ErrSchemaTooOld is returned by OpenReadOnly for a database whose schema
	// has not been migrated to this archiver's version yet; opening it once
	// with Open migrates it.
	ErrSchemaTooOld = errors.New("archive schema is older than this archiver")
	// ErrCorrupt is returned when a stored body does not decompress to the
	// bytes its SHA-256 names, when SQLite finds the file damaged or not a
	// database, and when IntegrityCheck finds a problem.
	ErrCorrupt = errors.New("archive is corrupt")
)

// Store is the archive in one SQLite file. It is safe for concurrent use by
// multiple goroutines. It implements archive.RunStore, archive.Frontier and
// archive.CaptureStore.
type Store struct {
	path     string
	readOnly bool
	wdb      *sql.DB // the single writer connection; nil when read-only
	rdb      *sql.DB // the pool of read-only connections
	codec    *codec
	cache    *internCache         // ids of URLs and header sets (intern.go)
	wstmts   map[string]*sql.Stmt // hotWrites, prepared on the writer at Open
	rstmts   map[string]*sql.Stmt // hotReads, prepared on the reader pool at Open

	// Group commit (see write): writeMu is held while a transaction is
	// written; queue holds the requests waiting for the next one.
	writeMu sync.Mutex
	queueMu sync.Mutex
	queue   []*writeReq

	closeOnce sync.Once
	closeErr  error
}

// Option configures Open and OpenReadOnly.
type Option func(*options)

type options struct {
	busyTimeout time.Duration
	readConns   int
	codec       Codec
	level       int
}

// WithBusyTimeout sets how long a statement waits for a lock held by another
// connection before failing with ErrLocked. The default is 5 seconds.
func WithBusyTimeout(d time.Duration) Option {
	return func(o *options) { o.busyTimeout = d }
}

// WithReadConns sets the size of the reader pool. The default is
// max(4, GOMAXPROCS).
func WithReadConns(n int) Option {
	return func(o *options) { o.readConns = n }
}

// WithCodec sets the compression of new bodies and its level (0: the codec's
// default). Bodies already stored keep the codec they were written with;
// every codec can always be read. The default, CodecZstd at its default
// level, was chosen by measurement (see BenchmarkCodecs).
func WithCodec(c Codec, level int) Option {
	return func(o *options) { o.codec, o.level = c, level }
}

func buildOptions(opts []Option) (options, error) {
	o := options{busyTimeout: 5 * time.Second, readConns: max(4, runtime.GOMAXPROCS(0)), codec: CodecZstd}
	for _, opt := range opts {
		opt(&o)
	}
	if o.busyTimeout < 0 {
		return o, fmt.Errorf("busy timeout %v is negative", o.busyTimeout)
	}
	if o.readConns < 1 {
		return o, fmt.Errorf("reader pool size %d: want at least 1", o.readConns)
	}
	switch o.codec {
	case CodecZstd, CodecGzip, CodecIdentity:
	default:
		return o, fmt.Errorf("unknown codec %q (want zstd, gzip or identity)", o.codec)
	}
	return o, nil
}

// Open opens the archive at path, creating it (and its directory) if needed,
// and migrates its schema to this archiver's version. Close it when done.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return nil, fmt.Errorf("open archive %s: %w", path, err)
		}
	}
	wdsn, err := dsn(path, false, o.busyTimeout)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	wdb, err := sql.Open("sqlite", wdsn)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	// One writer: SQLite allows one write transaction at a time, and a
	// single connection makes writers queue in Go instead of failing with
	// SQLITE_BUSY on the lock upgrade.
	wdb.SetMaxOpenConns(1)
	wdb.SetMaxIdleConns(1)
	wdb.SetConnMaxLifetime(0)
	wdb.SetConnMaxIdleTime(0)
	s := &Store{path: path, wdb: wdb, cache: newInternCache()}
	if err := pingWriter(ctx, wdb, o.busyTimeout); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	// The savepoints of a group commit (commitGroup) journal the pages they
	// change in a statement journal, which SQLite spills to a temporary file
	// beyond 64 KiB (eight pages): a file created, written and deleted
	// per write transaction. Kept in memory, that costs no system calls
	// (the whole-portal linkbench run: 4.0 -> 1.6 s of system CPU). It is
	// set after the migrations, which may sort or copy a large old archive
	// through temporary storage (0007's encoded links) and should do so on
	// disk. The writer's one connection is kept open for the store's life;
	// should the pool ever replace it, the new one works on with temporary
	// files, only slower.
	if _, err := wdb.ExecContext(ctx, "PRAGMA temp_store = MEMORY"); err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, classify(err))
	}
	rdb, err := openReader(ctx, path, o)
	if err != nil {
		wdb.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	s.rdb = rdb
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	if s.codec, err = newCodec(o.codec, o.level); err != nil {
		s.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	return s, nil
}

// pingWriter opens the writer's connection, which runs the pragmas of its
// DSN. The first of them to change a new archive's file, its page size and
// WAL mode, take a lock that SQLite does not wait for with the busy
// timeout: when several processes open the same new archive at once, all
// but one are refused with SQLITE_BUSY for the moment the first one
// converts it (about one first open in seven of four at once, measured by
// TestConcurrentOpenOfNewArchive). So a refusal is retried, every 10 ms,
// until the busy timeout has passed; any other error is returned at once.
func pingWriter(ctx context.Context, wdb *sql.DB, busy time.Duration) error {
	deadline := time.Now().Add(busy)
	for {
		err := classify(wdb.PingContext(ctx))
		if err == nil || !errors.Is(err, ErrLocked) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (then %w)", err, ctx.Err())
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// OpenReadOnly opens an existing archive for reading only, for example to
// check or report on it while a crawl is writing it. Writing methods return
// ErrReadOnly. The schema must be this archiver's version: an older archive
// gives ErrSchemaTooOld (open it once with Open to migrate it), a newer one
// ErrSchemaTooNew.
func OpenReadOnly(ctx context.Context, path string, opts ...Option) (*Store, error) {
	o, err := buildOptions(opts)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	rdb, err := openReader(ctx, path, o)
	if err != nil {
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	s := &Store{path: path, readOnly: true, rdb: rdb, cache: newInternCache()}
	if err := s.checkVersion(ctx); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	if err := s.prepare(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	if s.codec, err = newCodec(o.codec, o.level); err != nil {
		rdb.Close()
		return nil, fmt.Errorf("open archive %s: %w", path, err)
	}
	return s, nil
}

func openReader(ctx context.Context, path string, o options) (*sql.DB, error) {
	rdsn, err := dsn(path, true, o.busyTimeout)
	if err != nil {
		return nil, err
	}
	rdb, err := sql.Open("sqlite", rdsn)
	if err != nil {
		return nil, err
	}
	rdb.SetMaxOpenConns(o.readConns)
	rdb.SetMaxIdleConns(o.readConns)
	if err := rdb.PingContext(ctx); err != nil {
		rdb.Close()
		return nil, classify(err)
	}
	return rdb, nil
}

// dsn builds the driver's data source name for path. It uses a file: URI so
// that SQLite itself sees mode=ro (a plain file name's query string would be
// stripped by the driver). The driver runs the _pragma values in
// alphabetical order and the shorthands (_journal_mode) after them, so
// page_size is set before WAL mode fixes the page size of a new file.
func dsn(path string, readOnly bool, busy time.Duration) (string, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", err
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}
	if !strings.HasPrefix(u.Path, "/") { // Windows drive letters
		u.Path = "/" + u.Path
	}
	q := []string{
		fmt.Sprintf("_pragma=busy_timeout(%d)", busy.Milliseconds()),
		"_pragma=foreign_keys(1)",
	}
	if readOnly {
		q = append(q, "mode=ro", "_pragma=query_only(1)")
	} else {
		q = append(q,
			fmt.Sprintf("_pragma=page_size(%d)", PageSize),
			"_pragma=synchronous(NORMAL)",
			"_journal_mode=WAL",
			"_txlock=immediate",
		)
	}
	return u.String() + "?" + strings.Join(q, "&"), nil
}

// Close closes the archive's connections; SQLite checkpoints the WAL into
// the main file when the last connection closes. Calling Close again
// returns the first call's result.
func (s *Store) Close() error {
	s.closeOnce.Do(func() {
		var errs []error
		for _, st := range s.wstmts {
			errs = append(errs, st.Close())
		}
		for _, st := range s.rstmts {
			errs = append(errs, st.Close())
		}
		if s.rdb != nil {
			errs = append(errs, s.rdb.Close())
		}
		if s.wdb != nil {
			errs = append(errs, s.wdb.Close())
		}
		if s.codec != nil {
			s.codec.close()
		}
		if err := errors.Join(errs...); err != nil {
			s.closeErr = fmt.Errorf("close archive %s: %w", s.path, err)
		}
	})
	return s.closeErr
}

// Path returns the file name the archive was opened with.
func (s *Store) Path() string { return s.path }

// ReadOnly reports whether the archive was opened with OpenReadOnly.
func (s *Store) ReadOnly() bool { return s.readOnly }

// write runs fn in one immediate transaction on the writer connection and
// commits it if fn returns nil; otherwise, or if the commit fails, nothing
// of fn's work is kept. SQLite's full-disk and busy errors come back as
// ErrFull and ErrLocked. fn must not call write (the writer is a single
// connection: it would wait for itself); reads through read or rdb do not
// see fn's uncommitted changes, so query through tx. On a read-only Store
// it returns ErrReadOnly.
//
// Concurrent writes are committed as a group: callers that arrive while a
// transaction is being written queue up, and the next caller to get the
// writer runs all of the queued work in one transaction, each piece inside
// its own savepoint, so that a failing fn undoes only its own work. Each
// commit of a WAL transaction writes every page it changed, so one commit
// for several captures writes their shared pages (frontier, indexes) once
// instead of once each. write returns only after the transaction holding
// fn's work has committed (or failed), as it did alone.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	if s.readOnly {
		return ErrReadOnly
	}
	req := &writeReq{ctx: ctx, fn: fn}
	s.queueMu.Lock()
	s.queue = append(s.queue, req)
	s.queueMu.Unlock()

	s.writeMu.Lock()
	if !req.done {
		s.queueMu.Lock()
		batch := s.queue
		s.queue = nil
		s.queueMu.Unlock()
		s.commitGroup(batch)
	}
	s.writeMu.Unlock()
	if req.panicked != nil {
		panic(req.panicked)
	}
	return req.err
}

// writeReq is one caller's work for a group commit. commitGroup sets done,
// err and panicked while holding writeMu; the caller reads them after
// taking writeMu itself.
type writeReq struct {
	ctx      context.Context
	fn       func(tx *sql.Tx) error
	done     bool
	err      error
	panicked any
}

// commitGroup runs batch in one transaction and records each request's
// outcome. A batch of one runs fn directly in the transaction; a larger
// batch gives each fn a savepoint.
func (s *Store) commitGroup(batch []*writeReq) {
	finish := func(err error) {
		for _, r := range batch {
			if !r.done {
				r.err, r.done = err, true
			}
		}
	}
	// The transaction outlives any one caller's context: a caller whose
	// context ends fails alone (its statements use its own context).
	tx, err := s.wdb.BeginTx(context.WithoutCancel(batch[0].ctx), nil)
	if err != nil {
		finish(classify(err))
		return
	}
	if len(batch) == 1 {
		r := batch[0]
		err := r.ctx.Err()
		if err == nil {
			err = runFn(r, tx)
		}
		if err != nil || r.panicked != nil {
			tx.Rollback()
			r.err, r.done = classify(err), true
			return
		}
		finish(classify(tx.Commit()))
		return
	}
	for _, r := range batch {
		if err := r.ctx.Err(); err != nil {
			r.err, r.done = err, true
			continue
		}
		if _, err := tx.ExecContext(context.Background(), "SAVEPOINT group_write"); err != nil {
			tx.Rollback()
			finish(classify(err))
			return
		}
		if err := runFn(r, tx); err != nil || r.panicked != nil {
			_, rerr := tx.ExecContext(context.Background(), "ROLLBACK TO group_write")
			if rerr == nil {
				_, rerr = tx.ExecContext(context.Background(), "RELEASE group_write")
			}
			if rerr != nil {
				// The transaction cannot be trusted any more: none of
				// the group is kept.
				tx.Rollback()
				r.err, r.done = classify(err), true
				finish(classify(fmt.Errorf("roll back to savepoint: %w", rerr)))
				return
			}
			r.err, r.done = classify(err), true
			continue
		}
		if _, err := tx.ExecContext(context.Background(), "RELEASE group_write"); err != nil {
			tx.Rollback()
			finish(classify(err))
			return
		}
	}
	if err := tx.Commit(); err != nil {
		// Work that succeeded in its savepoint is lost with the
		// transaction: its caller gets the commit's error.
		err = classify(err)
		for _, r := range batch {
			if r.err == nil && r.panicked == nil {
				r.err = err
			}
			r.done = true
		}
		return
	}
	finish(nil)
}

// runFn runs r.fn in tx, turning a panic into r.panicked (re-raised in the
// caller's goroutine by write) so that the writer connection is never left
// inside an open transaction.
func runFn(r *writeReq, tx *sql.Tx) (err error) {
	defer func() {
		if p := recover(); p != nil {
			r.panicked = p
			err = fmt.Errorf("panic in write: %v", p)
		}
	}()
	return r.fn(tx)
}

// hotWrites are the statements of the frequent small write transactions
// (a capture, a claim); parsing them again each time costs a tenth of a
// PutCapture, so Open prepares them once on the writer connection.
func hotWrites() []string {
	return []string{sqlInsertBody, sqlBodySize, sqlInsertCapture, sqlEndClaim, sqlClaimRead, sqlClaimMark, sqlFinish, sqlEnqueue,
		sqlURLID, sqlInsertURL, sqlHeaderSetID, sqlInsertHeader, sqlPeerID, sqlInsertPeer, sqlRevisitedBody,
		sqlRetry, sqlSkip, sqlAddAlias, sqlPageExists, sqlPutPage, sqlNewPage, sqlDeleteImages, sqlDeleteCredits, sqlInsertImage, sqlInsertCredit}
}

// hotReads are the frequent reader statements, prepared at Open.
func hotReads() []string {
	return []string{sqlBodiesStored, captureQuery(false, whereCaptureID), captureQuery(true, whereCaptureID),
		captureQuery(false, whereLatest)}
}

// prepare prepares hotWrites on the writer (unless read-only) and hotReads
// on the reader pool. It must run outside any transaction: the writer has
// a single connection.
func (s *Store) prepare(ctx context.Context) error {
	s.wstmts, s.rstmts = map[string]*sql.Stmt{}, map[string]*sql.Stmt{}
	if !s.readOnly {
		for _, q := range hotWrites() {
			st, err := s.wdb.PrepareContext(ctx, q)
			if err != nil {
				return fmt.Errorf("prepare %q: %w", q, classify(err))
			}
			s.wstmts[q] = st
		}
	}
	for _, q := range hotReads() {
		st, err := s.rdb.PrepareContext(ctx, q)
		if err != nil {
			return fmt.Errorf("prepare %q: %w", q, classify(err))
		}
		s.rstmts[q] = st
	}
	return nil
}

// txStmt returns query as a statement of tx (a transaction of write): the
// one prepared at Open if query is in hotWrites, else a new one. It is
// closed when tx ends.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) (*sql.Stmt, error) {
	if st, ok := s.wstmts[query]; ok {
		return tx.StmtContext(ctx, st), nil
	}
	return tx.PrepareContext(ctx, query)
}

// read runs fn in one read-only transaction on the reader pool, so that all
// of fn's queries see the same snapshot of the archive.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.rdb.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return classify(err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		return classify(err)
	}
	return nil
}

// classify wraps SQLite's full-disk, busy, read-only and corruption errors
// in ErrFull, ErrLocked, ErrReadOnly and ErrCorrupt, keeping the driver's
// error in the chain.
func classify(err error) error {
	if err == nil || errors.Is(err, ErrFull) || errors.Is(err, ErrLocked) || errors.Is(err, ErrReadOnly) || errors.Is(err, ErrCorrupt) {
		return err
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return err
	}
	switch se.Code() & 0xff {
	case sqlite3.SQLITE_FULL:
		return fmt.Errorf("%w: %w", ErrFull, err)
	case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED:
		return fmt.Errorf("%w: %w", ErrLocked, err)
	case sqlite3.SQLITE_READONLY:
		return fmt.Errorf("%w: %w", ErrReadOnly, err)
	case sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB:
		return fmt.Errorf("%w: %w", ErrCorrupt, err)
	}
	return err
}

// timeLayout is how times are stored: UTC, fixed width, so that comparing
// the text compares the times.
const timeLayout = "2006-01-02T15:04:05.000000000Z"

// timeText formats t for storage; the zero time is stored as "".
func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(timeLayout)
}

// parseTime reads a time stored by timeText; "" is the zero time.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	t, err := time.Parse(timeLayout, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("stored time %q: %w", s, err)
	}
	return t, nil
}

// timeValue is how capture times are stored (migration 0006): integer
// nanoseconds since 1970 UTC, or timeText for a time outside 1678–2261.
func timeValue(t time.Time) any {
	// int64 nanoseconds reach from 1677-09-21 to 2262-04-11.
	if y := t.UTC().Year(); y < 1678 || y > 2261 {
		return timeText(t)
	}
	return t.UnixNano()
}

// timeFromValue reads a time stored by timeValue (or by timeText).
func timeFromValue(v any) (time.Time, error) {
	switch v := v.(type) {
	case int64:
		return time.Unix(0, v).UTC(), nil
	case string:
		return parseTime(v)
	case []byte:
		return parseTime(string(v))
	case nil:
		return time.Time{}, nil
	}
	return time.Time{}, fmt.Errorf("stored time of type %T", v)
}
