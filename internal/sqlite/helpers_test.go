package sqlite_test

import (
	"context"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// t0 is the fixed clock of the tests.
var t0 = time.Date(2026, 4, 3, 9, 30, 0, 0, time.UTC)

// mustOpen opens a new archive in a temporary directory and closes it at
// the end of the test.
func mustOpen(tb testing.TB, opts ...sqlite.Option) (*sqlite.Store, string) {
	tb.Helper()
	path := filepath.Join(tb.TempDir(), "archive.db")
	s, err := sqlite.Open(context.Background(), path, opts...)
	if err != nil {
		tb.Fatalf("open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("close: %v", err)
		}
	})
	return s, path
}

// mustRun creates a run started at t0.
func mustRun(tb testing.TB, s *sqlite.Store) int64 {
	tb.Helper()
	id, err := s.CreateRun(context.Background(), archive.Run{Seeds: []string{"https://portal.example/"}, Config: `{"max_pages":10}`, StartedAt: t0})
	if err != nil {
		tb.Fatalf("create run: %v", err)
	}
	return id
}

// capture returns a complete capture of url in run with body.
func capture(runID int64, url string, body []byte) *archive.Capture {
	return &archive.Capture{
		RunID:         runID,
		URL:           url + "?utm_source=x",
		CanonicalURL:  url,
		FinalURL:      url,
		Method:        "GET",
		RequestHeader: http.Header{"User-Agent": {"archiver-test (+mailto:ops@portal.example)"}, "Accept-Encoding": {"gzip"}},
		Status:        200,
		Proto:         "HTTP/1.1",
		Header:        http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Etag": {`"abc"`}},
		RemoteAddr:    "127.0.0.1:8080",
		FetchedAt:     t0.Add(1500 * time.Millisecond),
		Duration:      42 * time.Millisecond,
		ContentLength: int64(len(body)),
		Depth:         1,
		Verdict:       archive.VerdictOK,
		Body:          body,
	}
}

// mustPut stores c and fails the test on error.
func mustPut(tb testing.TB, s *sqlite.Store, c *archive.Capture) (int64, bool) {
	tb.Helper()
	id, isNew, err := s.PutCapture(context.Background(), c)
	if err != nil {
		tb.Fatalf("put capture %s: %v", c.URL, err)
	}
	return id, isNew
}
