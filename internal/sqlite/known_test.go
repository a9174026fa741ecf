package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

func TestKnownURLs(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	const p = "https://portal.example/"
	put := func(run int64, url string, depth int, status int) {
		t.Helper()
		c := capture(run, url, []byte("body of "+url))
		c.Depth, c.Status = depth, status
		if status == 0 {
			c.Body, c.Verdict, c.Error = nil, archive.VerdictError, "connection reset"
		}
		mustPut(t, s, c)
	}
	skip := func(run int64, url, reason string) {
		t.Helper()
		if err := s.Skip(ctx, run, archive.FrontierEntry{URL: url, State: archive.FrontierSkipped, Reason: reason}); err != nil {
			t.Fatal(err)
		}
	}

	r1 := mustRun(t, s)
	put(r1, p+"a", 1, 200)
	put(r1, p+"gone", 2, 200)
	put(r1, p+"cal?day=1", 2, 200)   // a trap in run 2
	put(r1, p+"again?day=2", 3, 200) // a trap in run 2, captured again in run 3
	put(r1, p+"reset", 1, 0)         // no response: still known
	r2 := mustRun(t, s)
	put(r2, p+"a", 2, 200)
	put(r2, p+"b", 1, 404)
	skip(r2, p+"cal?day=1", "trap:calendar-range")
	skip(r2, p+"again?day=2", "trap:calendar-range")
	skip(r2, p+"gone", "excluded") // not a trap: still known
	r3 := mustRun(t, s)
	put(r3, p+"again?day=2", 4, 200)
	// Fetched in run 3, its body collapsed into /a's capture.
	if _, err := s.Enqueue(ctx, r3, []archive.FrontierEntry{{URL: p + "twin", Depth: 3}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, r3, 1, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, r3, p+"twin", archive.FrontierDone, "duplicate of "+p+"a"); err != nil {
		t.Fatal(err)
	}
	cur := mustRun(t, s)
	if _, err := s.Enqueue(ctx, cur, []archive.FrontierEntry{{URL: p + "b"}}); err != nil {
		t.Fatal(err)
	}
	later := mustRun(t, s)
	put(later, p+"later", 1, 200) // a later run is not earlier

	got, err := known(s, cur)
	if err != nil {
		t.Fatal(err)
	}
	want := []knownURL{
		{p + "gone", r1, 2},
		{p + "reset", r1, 1},
		{p + "a", r2, 2},
		{p + "again?day=2", r3, 4},
		{p + "twin", r3, 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("known URLs:\n got %+v\nwant %+v", got, want)
	}

	// The first run knows nothing before it.
	if got, err := known(s, r1); err != nil || len(got) != 0 {
		t.Errorf("known before the first run: %v, %v", got, err)
	}
	// A URL queued in the run is no longer returned.
	if _, err := s.Enqueue(ctx, cur, []archive.FrontierEntry{{URL: p + "a"}}); err != nil {
		t.Fatal(err)
	}
	got, err = known(s, cur)
	if err != nil || len(got) != 4 {
		t.Errorf("after queueing %sa: %+v, %v", p, got, err)
	}

	// fn's error stops the pass and is returned.
	calls := 0
	stop := errors.New("stop")
	if err := s.KnownURLs(ctx, cur, func(string, int64, int) error { calls++; return stop }); !errors.Is(err, stop) || calls != 1 {
		t.Errorf("stopping fn: %d calls, %v", calls, err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := s.KnownURLs(cctx, cur, func(string, int64, int) error { return nil }); err == nil {
		t.Error("no error from a cancelled context")
	}
}

type knownURL struct {
	URL   string
	RunID int64
	Depth int
}

func known(s *sqlite.Store, runID int64) ([]knownURL, error) {
	var out []knownURL
	err := s.KnownURLs(context.Background(), runID, func(u string, run int64, depth int) error {
		out = append(out, knownURL{u, run, depth})
		return nil
	})
	return out, err
}

// BenchmarkKnownURLs lists the URLs known before a fourth run of an
// archive holding three runs of 10,000 captures each (the revisit query
// a scheduled crawl makes once per run, when its links are exhausted).
//
//	go test -run '^$' -bench KnownURLs -benchtime 3x ./internal/sqlite/
func BenchmarkKnownURLs(b *testing.B) {
	s, _ := mustOpen(b)
	ctx := context.Background()
	const pages = 10_000
	for range 3 {
		run := mustRun(b, s)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < pages; i += 8 {
					c := capture(run, fmt.Sprintf("https://portal.example/en/news/article-%05d.html", i), []byte("same body"))
					if _, _, err := s.PutCapture(ctx, c); err != nil {
						b.Error(err)
						return
					}
				}
			}()
		}
		wg.Wait()
	}
	cur := mustRun(b, s)
	b.ResetTimer()
	for range b.N {
		n := 0
		if err := s.KnownURLs(ctx, cur, func(string, int64, int) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
		if n != pages {
			b.Fatalf("%d known URLs, want %d", n, pages)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/query")
}
