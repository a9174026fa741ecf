package sqlite_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

func TestOpenNewArchive(t *testing.T) {
	s, path := mustOpen(t)
	ctx := context.Background()
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.PageSize != 8192 {
		t.Errorf("page size %d, want 8192", st.PageSize)
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Errorf("integrity check of a new archive: %v", err)
	}
	if _, err := os.Stat(path + "-wal"); err != nil {
		t.Errorf("no WAL file beside the archive: %v", err)
	}
	if sqlite.SchemaVersion() < 1 {
		t.Errorf("schema version %d", sqlite.SchemaVersion())
	}
}

// TestOpenPathWithURICharacters guards the file: URI: a name with ?, #, %
// and spaces must create exactly that file, not a truncated one.
func TestOpenPathWithURICharacters(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub dir", "a?mode=ro#x%20.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateRun(context.Background(), archive.Run{StartedAt: t0}); err != nil {
		t.Fatalf("write to %q: %v", path, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(filepath.Join(dir, "sub dir"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatalf("archive not at %q; directory holds %q", path, names)
	}
	if _, err := os.Stat(filepath.Join(dir, "sub dir", "a")); err == nil {
		t.Errorf("a truncated file name was created: %q", names)
	}
}

func TestReopenKeepsDataAndSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "archive.db")
	s, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	id := mustRun(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	r, err := s.Run(ctx, id)
	if err != nil {
		t.Fatalf("run after reopen: %v", err)
	}
	if r.Config != `{"max_pages":10}` {
		t.Errorf("config %q", r.Config)
	}
}

func TestOpenReadOnly(t *testing.T) {
	ctx := context.Background()
	w, path := mustOpen(t)
	id := mustRun(t, w)

	r, err := sqlite.OpenReadOnly(ctx, path)
	if err != nil {
		t.Fatalf("open read-only: %v", err)
	}
	defer r.Close()
	if !r.ReadOnly() || w.ReadOnly() {
		t.Errorf("ReadOnly: reader %v, writer %v", r.ReadOnly(), w.ReadOnly())
	}
	if _, err := r.Run(ctx, id); err != nil {
		t.Errorf("read a run: %v", err)
	}
	if _, err := r.CreateRun(ctx, archive.Run{StartedAt: t0}); !errors.Is(err, sqlite.ErrReadOnly) {
		t.Errorf("CreateRun on a read-only store: %v, want ErrReadOnly", err)
	}
	if _, _, err := r.PutCapture(ctx, capture(id, "https://portal.example/a", []byte("x"))); !errors.Is(err, sqlite.ErrReadOnly) {
		t.Errorf("PutCapture on a read-only store: %v, want ErrReadOnly", err)
	}

	// The reader sees what the writer commits while both are open.
	c := capture(id, "https://portal.example/b", []byte("<p>b</p>"))
	cid, _ := mustPut(t, w, c)
	got, err := r.Capture(ctx, cid, true)
	if err != nil {
		t.Fatalf("reader: capture written after it opened: %v", err)
	}
	if string(got.Body) != "<p>b</p>" {
		t.Errorf("reader body %q", got.Body)
	}
}

func TestOpenReadOnlyMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none.db")
	_, err := sqlite.OpenReadOnly(context.Background(), path)
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("open read-only a missing file: %v, want ErrNotExist", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("OpenReadOnly created %s", path)
	}
}

func TestOpenReadOnlyNotAnArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := sqlite.OpenReadOnly(context.Background(), path)
	if !errors.Is(err, sqlite.ErrSchemaTooOld) {
		t.Fatalf("open read-only an empty file: %v, want ErrSchemaTooOld", err)
	}
}

func TestOpenNotADatabase(t *testing.T) {
	path := filepath.Join(t.TempDir(), "text.db")
	if err := os.WriteFile(path, []byte("this is not an SQLite database, just text long enough to have a header......"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(context.Background(), path)
	if err == nil {
		s.Close()
		t.Fatal("Open accepted a text file")
	}
	if !errors.Is(err, sqlite.ErrCorrupt) {
		t.Errorf("open a text file: %v, want ErrCorrupt", err)
	}
}

func TestOpenOptionsValidated(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.db")
	for _, opt := range []sqlite.Option{
		sqlite.WithReadConns(0),
		sqlite.WithCodec("brotli", 0),
		sqlite.WithCodec(sqlite.CodecGzip, 42),
	} {
		if s, err := sqlite.Open(context.Background(), path, opt); err == nil {
			s.Close()
			t.Errorf("Open accepted a bad option")
		}
	}
}

// TestConcurrentWriters checks that many goroutines can write at once
// through the single writer without SQLITE_BUSY.
func TestConcurrentWriters(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	id := mustRun(t, s)
	var wg sync.WaitGroup
	errs := make(chan error, 8*25)
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 25 {
				url := "https://portal.example/" + string(rune('a'+g)) + "/" + string(rune('a'+i))
				if _, _, err := s.PutCapture(ctx, capture(id, url, []byte(url))); err != nil {
					errs <- err
				}
				if _, err := s.Run(ctx, id); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	st, err := s.Stats(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Captures != 200 || st.Bodies != 200 {
		t.Errorf("captures %d, bodies %d, want 200 and 200", st.Captures, st.Bodies)
	}
}
