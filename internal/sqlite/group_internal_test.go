package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// queueGroup starts one write per fn while the writer is held, waits until
// all of them are queued, then lets them go: they are committed as one
// group. It returns each write's error and recovered panic, in order.
func queueGroup(t *testing.T, s *Store, fns []func(tx *sql.Tx) error) ([]error, []any) {
	t.Helper()
	return queueGroupCtx(t, s, make([]context.Context, len(fns)), fns)
}

// queueGroupCtx is queueGroup with each write's context (nil: Background).
// The writes queue in order.
func queueGroupCtx(t *testing.T, s *Store, ctxs []context.Context, fns []func(tx *sql.Tx) error) ([]error, []any) {
	t.Helper()
	errs, panics := make([]error, len(fns)), make([]any, len(fns))
	s.writeMu.Lock()
	var wg sync.WaitGroup
	deadline := time.Now().Add(10 * time.Second)
	for i, fn := range fns {
		ctx := ctxs[i]
		if ctx == nil {
			ctx = context.Background()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { panics[i] = recover() }()
			errs[i] = s.write(ctx, fn)
		}()
		waitQueued(t, s, i+1, deadline)
	}
	s.writeMu.Unlock()
	wg.Wait()
	return errs, panics
}

// waitQueued waits until n writes are queued.
func waitQueued(t *testing.T, s *Store, n int, deadline time.Time) {
	t.Helper()
	for {
		s.queueMu.Lock()
		got := len(s.queue)
		s.queueMu.Unlock()
		if got == n {
			return
		}
		if time.Now().After(deadline) {
			s.writeMu.Unlock()
			t.Fatalf("%d of %d writes queued", got, n)
		}
		time.Sleep(time.Millisecond)
	}
}

func insertRun(seed string) func(tx *sql.Tx) error {
	return func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO runs (seeds, started_at, status) VALUES (?, 'x', 'running')`, seed)
		return err
	}
}

func runSeeds(t *testing.T, s *Store) map[string]bool {
	t.Helper()
	rows, err := s.wdb.Query(`SELECT seeds FROM runs`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]bool{}
	for rows.Next() {
		var seed string
		if err := rows.Scan(&seed); err != nil {
			t.Fatal(err)
		}
		got[seed] = true
	}
	return got
}

// TestGroupCommitIsolatesFailures commits a group in which one write
// fails after its insert and one panics: their work is undone, the others'
// is kept, and each caller gets its own outcome.
func TestGroupCommitIsolatesFailures(t *testing.T) {
	s, _ := openInternal(t)
	boom := errors.New("boom")
	fns := []func(tx *sql.Tx) error{
		insertRun(`["a"]`),
		func(tx *sql.Tx) error {
			if err := insertRun(`["failed"]`)(tx); err != nil {
				return err
			}
			return boom
		},
		insertRun(`["b"]`),
		func(tx *sql.Tx) error {
			if err := insertRun(`["panicked"]`)(tx); err != nil {
				return err
			}
			panic("kaboom")
		},
		insertRun(`["c"]`),
	}
	errs, panics := queueGroup(t, s, fns)
	for i, want := range []error{nil, boom, nil, nil, nil} {
		if i == 3 {
			if panics[i] != "kaboom" {
				t.Errorf("write %d: panic %v, want kaboom", i, panics[i])
			}
			continue
		}
		if !errors.Is(errs[i], want) || panics[i] != nil {
			t.Errorf("write %d: error %v, panic %v; want %v", i, errs[i], panics[i], want)
		}
	}
	got := runSeeds(t, s)
	for _, seed := range []string{`["a"]`, `["b"]`, `["c"]`} {
		if !got[seed] {
			t.Errorf("run %s of a successful write is missing", seed)
		}
	}
	for _, seed := range []string{`["failed"]`, `["panicked"]`} {
		if got[seed] {
			t.Errorf("run %s of a failed write was kept", seed)
		}
	}
	// The writer is usable afterwards.
	if err := s.write(context.Background(), insertRun(`["after"]`)); err != nil {
		t.Fatalf("write after the group: %v", err)
	}
}

// TestGroupCommitCancelledCaller checks that a caller whose context is
// cancelled before its turn fails alone, in a group and alone.
func TestGroupCommitCancelledCaller(t *testing.T) {
	s, _ := openInternal(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	errs, _ := queueGroupCtx(t, s, []context.Context{ctx, nil, nil},
		[]func(tx *sql.Tx) error{insertRun(`["cancelled"]`), insertRun(`["x"]`), insertRun(`["y"]`)})
	if !errors.Is(errs[0], context.Canceled) {
		t.Errorf("cancelled write: %v, want context.Canceled", errs[0])
	}
	if errs[1] != nil || errs[2] != nil {
		t.Errorf("writes x, y: %v, %v", errs[1], errs[2])
	}
	if err := s.write(ctx, insertRun(`["alone"]`)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled write alone: %v, want context.Canceled", err)
	}
	got := runSeeds(t, s)
	if len(got) != 2 || !got[`["x"]`] || !got[`["y"]`] {
		t.Errorf("runs %v, want x and y only", got)
	}
}

// TestWriterPragmas checks the settings the writer connection runs with:
// WAL, synchronous=NORMAL (1) and foreign keys on.
func TestWriterPragmas(t *testing.T) {
	s, _ := openInternal(t)
	for _, c := range []struct {
		pragma string
		want   string
	}{
		{"journal_mode", "wal"},
		{"synchronous", "1"},
		{"foreign_keys", "1"},
	} {
		var got string
		if err := s.wdb.QueryRow("PRAGMA " + c.pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", c.pragma, err)
		}
		if got != c.want {
			t.Errorf("PRAGMA %s = %s, want %s", c.pragma, got, c.want)
		}
	}
}

// TestWriterTempStoreInMemory checks that the writer keeps the statement
// journals of group commits in memory once the migrations have run, and
// that the readers are left as they are.
func TestWriterTempStoreInMemory(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "a.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var w, r int
	if err := s.wdb.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&w); err != nil || w != 2 {
		t.Errorf("writer temp_store %d (%v), want 2 (memory)", w, err)
	}
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA temp_store").Scan(&r); err != nil || r != 0 {
		t.Errorf("reader temp_store %d (%v), want 0 (default)", r, err)
	}
}
