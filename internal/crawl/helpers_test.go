package crawl_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// openStore opens a real archive in a temporary directory.
func openStore(t testing.TB) *sqlite.Store {
	t.Helper()
	st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// testConfig is DefaultConfig without politeness delays, for loopback.
func testConfig(seeds ...string) crawl.Config {
	cfg := crawl.DefaultConfig()
	cfg.Seeds = seeds
	cfg.Delay = 0
	cfg.Backoff = 20 * time.Millisecond
	cfg.Timeout = 5 * time.Second
	cfg.Workers = 4
	cfg.HostConcurrency = 4
	cfg.UserAgent = "archiver-test/1.0 (+mailto:test@example.org)"
	return cfg
}

// recorder wraps a handler and records every request it receives.
type recorder struct {
	h    http.Handler
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Path   string // path and query, as requested
	Header http.Header
	At     time.Time
}

func (r *recorder) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	r.mu.Lock()
	r.reqs = append(r.reqs, recorded{Path: req.URL.RequestURI(), Header: req.Header.Clone(), At: time.Now()})
	r.mu.Unlock()
	r.h.ServeHTTP(w, req)
}

func (r *recorder) requests() []recorded {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]recorded(nil), r.reqs...)
}

// count returns how many times a path was requested.
func (r *recorder) count(path string) int {
	n := 0
	for _, q := range r.requests() {
		if q.Path == path {
			n++
		}
	}
	return n
}

// serve starts a recorded test server.
func serve(t testing.TB, h http.Handler) (*httptest.Server, *recorder) {
	t.Helper()
	rec := &recorder{h: h}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return srv, rec
}

// runCaptures returns a run's captures by URL, with their bodies.
func runCaptures(t testing.TB, st *sqlite.Store, runID int64) map[string]*archive.Capture {
	t.Helper()
	out := map[string]*archive.Capture{}
	err := st.RunCaptures(context.Background(), runID, func(c *archive.Capture) error {
		if _, dup := out[c.URL]; dup {
			t.Errorf("two captures of %s in run %d", c.URL, runID)
		}
		out[c.URL] = c
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// frontier returns a run's frontier entries by URL.
func frontier(t testing.TB, st *sqlite.Store, runID int64) map[string]archive.FrontierEntry {
	t.Helper()
	out := map[string]archive.FrontierEntry{}
	for _, state := range []archive.FrontierState{archive.FrontierQueued, archive.FrontierClaimed, archive.FrontierDone, archive.FrontierSkipped} {
		err := st.FrontierEntries(context.Background(), runID, state, func(e archive.FrontierEntry) error {
			out[e.URL] = e
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// mustRun runs a crawl that must complete.
func mustRun(t testing.TB, cfg crawl.Config, st crawl.Store) crawl.Summary {
	t.Helper()
	sum, err := crawl.Run(context.Background(), cfg, st)
	if err != nil {
		t.Fatalf("crawl: %v (summary %+v)", err, sum)
	}
	if sum.Status != archive.RunComplete {
		t.Fatalf("status %s, want complete", sum.Status)
	}
	return sum
}
