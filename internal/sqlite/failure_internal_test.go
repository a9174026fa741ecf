package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

func openInternal(t *testing.T, opts ...Option) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "archive.db")
	s, err := Open(context.Background(), path, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func newRun(t *testing.T, s *Store) int64 {
	t.Helper()
	id, err := s.CreateRun(context.Background(), archive.Run{Seeds: []string{"https://portal.example/"}, StartedAt: time.Unix(1e9, 0)})
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func testCapture(runID int64, url string, body []byte) *archive.Capture {
	return &archive.Capture{RunID: runID, URL: url, CanonicalURL: url, Status: 200, Verdict: archive.VerdictOK,
		FetchedAt: time.Unix(1e9, 0), Header: http.Header{"Content-Type": {"text/html"}}, Body: body}
}

// TestConnectionPragmas checks what the DSN promises on every connection
// of both pools.
func TestConnectionPragmas(t *testing.T) {
	s, _ := openInternal(t)
	ctx := context.Background()
	for _, tc := range []struct {
		db    *sql.DB
		name  string
		query string
		want  string
	}{
		{s.wdb, "writer", "PRAGMA journal_mode", "wal"},
		{s.wdb, "writer", "PRAGMA page_size", "8192"},
		{s.wdb, "writer", "PRAGMA synchronous", "1"}, // NORMAL
		{s.wdb, "writer", "PRAGMA foreign_keys", "1"},
		{s.wdb, "writer", "PRAGMA busy_timeout", "5000"},
		{s.wdb, "writer", "PRAGMA query_only", "0"},
		{s.rdb, "reader", "PRAGMA journal_mode", "wal"},
		{s.rdb, "reader", "PRAGMA foreign_keys", "1"},
		{s.rdb, "reader", "PRAGMA busy_timeout", "5000"},
		{s.rdb, "reader", "PRAGMA query_only", "1"},
	} {
		var got string
		if err := tc.db.QueryRowContext(ctx, tc.query).Scan(&got); err != nil {
			t.Fatalf("%s %s: %v", tc.name, tc.query, err)
		}
		if got != tc.want {
			t.Errorf("%s %s = %s, want %s", tc.name, tc.query, got, tc.want)
		}
	}
	// The reader pool is opened read-only by SQLite itself (mode=ro), not
	// only by query_only.
	if _, err := s.rdb.ExecContext(ctx, "PRAGMA query_only = 0"); err != nil {
		t.Fatal(err)
	}
	_, err := s.rdb.ExecContext(ctx, "CREATE TABLE x (a)")
	if err == nil || !errors.Is(classify(err), ErrReadOnly) {
		t.Errorf("create table through the reader pool: %v, want a read-only error", err)
	}
}

func TestSchemaTooNewIsRefused(t *testing.T) {
	ctx := context.Background()
	s, path := openInternal(t)
	if _, err := s.wdb.ExecContext(ctx, "PRAGMA user_version = 9999"); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err := Open(ctx, path)
	if !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("Open of a newer archive: %v, want ErrSchemaTooNew", err)
	}
	if !strings.Contains(err.Error(), "9999") {
		t.Errorf("error does not name the archive's version: %v", err)
	}
	if _, err := OpenReadOnly(ctx, path); !errors.Is(err, ErrSchemaTooNew) {
		t.Fatalf("OpenReadOnly of a newer archive: %v, want ErrSchemaTooNew", err)
	}
}

func TestSchemaTooOldReadOnly(t *testing.T) {
	ctx := context.Background()
	s, path := openInternal(t)
	if _, err := s.wdb.ExecContext(ctx, "PRAGMA user_version = 0"); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenReadOnly(ctx, path); !errors.Is(err, ErrSchemaTooOld) {
		t.Fatalf("OpenReadOnly of an unmigrated archive: %v, want ErrSchemaTooOld", err)
	}
}

func TestMigrationsRecorded(t *testing.T) {
	s, _ := openInternal(t)
	ctx := context.Background()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].version != 1 || ms[0].name != "core" {
		t.Fatalf("first migration %+v, want 0001_core", ms[0])
	}
	var n, v int
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*), max(version) FROM schema_migrations").Scan(&n, &v); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) || v != SchemaVersion() {
		t.Errorf("schema_migrations has %d rows up to %d, want %d up to %d", n, v, len(ms), SchemaVersion())
	}
	var uv int
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&uv); err != nil {
		t.Fatal(err)
	}
	if uv != SchemaVersion() {
		t.Errorf("user_version %d, want %d", uv, SchemaVersion())
	}
	// Migrating again is a no-op.
	if err := s.migrate(ctx); err != nil {
		t.Fatalf("second migrate: %v", err)
	}
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != len(ms) {
		t.Errorf("second migrate recorded %d migrations", n)
	}
}

func counts(t *testing.T, s *Store) (captures, bodies int) {
	t.Helper()
	ctx := context.Background()
	if err := s.rdb.QueryRowContext(ctx, "SELECT (SELECT count(*) FROM captures), (SELECT count(*) FROM bodies)").Scan(&captures, &bodies); err != nil {
		t.Fatal(err)
	}
	return captures, bodies
}

// TestDiskFull fills the archive to its size limit (PRAGMA max_page_count,
// which fails the way a full disk does, with SQLITE_FULL) and checks that the
// write fails with ErrFull and leaves neither the capture nor its body.
func TestDiskFull(t *testing.T) {
	s, _ := openInternal(t, WithCodec(CodecIdentity, 0))
	ctx := context.Background()
	run := newRun(t, s)
	mustPutInternal(t, s, testCapture(run, "https://portal.example/small", []byte("small")))
	beforeCaptures, beforeBodies := counts(t, s)

	var pages int
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA page_count").Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if _, err := s.wdb.ExecContext(ctx, "PRAGMA max_page_count = "+itoa(pages+2)); err != nil {
		t.Fatal(err)
	}
	big := make([]byte, 200_000) // 25 pages, stored as is
	for i := range big {
		big[i] = byte(i * 7)
	}
	_, _, err := s.PutCapture(ctx, testCapture(run, "https://portal.example/big", big))
	if !errors.Is(err, ErrFull) {
		t.Fatalf("put capture into a full archive: %v, want ErrFull", err)
	}
	if !strings.Contains(err.Error(), "full") {
		t.Errorf("error message does not say full: %v", err)
	}
	if c, b := counts(t, s); c != beforeCaptures || b != beforeBodies {
		t.Errorf("after the failed write: %d captures, %d bodies; want %d, %d (nothing half-written)", c, b, beforeCaptures, beforeBodies)
	}
	if _, err := s.FindCapture(ctx, "https://portal.example/big", 0); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("the failed capture is readable: %v", err)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Error(err)
	}

	// With room again, the same write succeeds.
	if _, err := s.wdb.ExecContext(ctx, "PRAGMA max_page_count = 1073741823"); err != nil {
		t.Fatal(err)
	}
	id := mustPutInternal(t, s, testCapture(run, "https://portal.example/big", big))
	got, err := s.Capture(ctx, id, true)
	if err != nil || string(got.Body) != string(big) {
		t.Fatalf("after freeing space: %v", err)
	}
}

// TestLockedDatabase holds the write lock from another connection (as
// another archiver process would) and checks that a write gives ErrLocked
// after the busy timeout, writes nothing, and works once the lock is gone.
func TestLockedDatabase(t *testing.T) {
	s, path := openInternal(t, WithBusyTimeout(100*time.Millisecond))
	ctx := context.Background()
	run := newRun(t, s)
	other, err := sql.Open("sqlite", "file:"+filepath.ToSlash(path)+"?_pragma=busy_timeout(0)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	beforeCaptures, beforeBodies := counts(t, s)
	_, _, err = s.PutCapture(ctx, testCapture(run, "https://portal.example/locked", []byte("<p>locked</p>")))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("put capture while another connection writes: %v, want ErrLocked", err)
	}
	if !strings.Contains(err.Error(), "locked") {
		t.Errorf("error message does not say locked: %v", err)
	}
	if _, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: "https://portal.example/q"}}); !errors.Is(err, ErrLocked) {
		t.Errorf("enqueue while locked: %v, want ErrLocked", err)
	}
	// Readers are not blocked by the writer (WAL).
	if _, err := s.Run(ctx, run); err != nil {
		t.Errorf("read while another connection writes: %v", err)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if c, b := counts(t, s); c != beforeCaptures || b != beforeBodies {
		t.Errorf("after the failed write: %d captures, %d bodies; want %d, %d", c, b, beforeCaptures, beforeBodies)
	}
	mustPutInternal(t, s, testCapture(run, "https://portal.example/locked", []byte("<p>locked</p>")))
}

// TestCorruptBodyDetected damages a stored body and checks that reading it
// fails with ErrCorrupt instead of returning wrong bytes.
func TestCorruptBodyDetected(t *testing.T) {
	ctx := context.Background()
	for _, codec := range []Codec{CodecZstd, CodecGzip, CodecIdentity} {
		t.Run(string(codec), func(t *testing.T) {
			s, _ := openInternal(t, WithCodec(codec, 0))
			run := newRun(t, s)
			body := []byte(strings.Repeat("<p>Minsk, 3 April (BelTA) - text</p>\n", 200))
			id := mustPutInternal(t, s, testCapture(run, "https://portal.example/c", body))
			c, err := s.Capture(ctx, id, false)
			if err != nil {
				t.Fatal(err)
			}
			// Flip one byte in the middle of the stored data.
			if _, err := s.wdb.ExecContext(ctx, `UPDATE bodies SET data =
				substr(data, 1, length(data)/2) || x'5A' || substr(data, length(data)/2 + 2) WHERE sha256 = ?`, c.BodySHA256); err != nil {
				t.Fatal(err)
			}
			if _, err := s.Capture(ctx, id, true); !errors.Is(err, ErrCorrupt) {
				t.Errorf("capture with a damaged body: %v, want ErrCorrupt", err)
			}
			if _, err := s.Body(ctx, c.BodySHA256); !errors.Is(err, ErrCorrupt) {
				t.Errorf("damaged body: %v, want ErrCorrupt", err)
			}
		})
	}
}

func mustPutInternal(t *testing.T, s *Store, c *archive.Capture) int64 {
	t.Helper()
	id, _, err := s.PutCapture(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestWriteRecoversFromPanic checks that a panic inside a write
// transaction does not leave the single writer connection stuck in it.
func TestWriteRecoversFromPanic(t *testing.T) {
	s, _ := openInternal(t)
	ctx := context.Background()
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic did not propagate")
			}
		}()
		_ = s.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.ExecContext(ctx, `INSERT INTO runs (seeds, started_at, status) VALUES ('[]', 'x', 'running')`); err != nil {
				t.Fatal(err)
			}
			panic("boom")
		})
	}()
	ctx2, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := s.CreateRun(ctx2, archive.Run{StartedAt: time.Unix(1e9, 0)}); err != nil {
		t.Fatalf("write after a panic: %v", err)
	}
	runs, err := s.Runs(ctx)
	if err != nil || len(runs) != 1 {
		t.Errorf("runs after a panicked transaction: %d, %v; want only the later one", len(runs), err)
	}
}

// TestFailedMigrationLeavesNothing applies a migration whose second
// statement fails: its first statement must be rolled back and the version
// must stay at the last migration that succeeded.
func TestFailedMigrationLeavesNothing(t *testing.T) {
	s, _ := openInternal(t)
	ctx := context.Background()
	before := SchemaVersion()
	bad := []migration{{version: before + 1, name: "broken", sql: `
		CREATE TABLE half_done (a INTEGER);
		INSERT INTO no_such_table VALUES (1);`}}
	err := s.migrateWith(ctx, bad)
	if err == nil || !strings.Contains(err.Error(), "broken") {
		t.Fatalf("broken migration: %v, want an error naming it", err)
	}
	var uv, tables, recorded int
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&uv); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").Scan(&tables); err != nil {
		t.Fatal(err)
	}
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations WHERE name = 'broken'").Scan(&recorded); err != nil {
		t.Fatal(err)
	}
	if uv != before || tables != 0 || recorded != 0 {
		t.Errorf("after a failed migration: user_version %d (want %d), half_done tables %d, recorded %d", uv, before, tables, recorded)
	}
}

func TestMigrationFileNames(t *testing.T) {
	for name, ok := range map[string]bool{
		"0001_core.sql": true, "0012_link_cache.sql": true,
		"1_core.sql": false, "0001-core.sql": false, "0001_Core.sql": false, "0001_core.txt": false,
	} {
		if got := migrationName.MatchString(name); got != ok {
			t.Errorf("%s: accepted %v, want %v", name, got, ok)
		}
	}
}

// TestConcurrentOpenOfNewArchive opens one new file from several stores at
// once, as several processes would: each must succeed, and the migrations
// must be applied once.
func TestConcurrentOpenOfNewArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "archive.db")
	ctx := context.Background()
	errs := make(chan error, 4)
	stores := make(chan *Store, 4)
	for range 4 {
		go func() {
			s, err := Open(ctx, path)
			errs <- err
			stores <- s
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Errorf("concurrent open: %v", err)
		}
		if s := <-stores; s != nil {
			defer s.Close()
		}
	}
	s, err := OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var n, pageSize int
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM schema_migrations").Scan(&n); err != nil {
		t.Fatal(err)
	}
	ms, _ := migrations()
	if n != len(ms) {
		t.Errorf("%d migrations recorded, want %d", n, len(ms))
	}
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA page_size").Scan(&pageSize); err != nil || pageSize != PageSize {
		t.Errorf("page size %d (%v), want %d", pageSize, err, PageSize)
	}
}
