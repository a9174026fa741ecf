package sqlite_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

func urls(es []archive.FrontierEntry) []string {
	var out []string
	for _, e := range es {
		out = append(out, e.URL)
	}
	return out
}

func TestEnqueueAndClaimOrder(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	n, err := s.Enqueue(ctx, run, []archive.FrontierEntry{
		{URL: "https://p.example/d2-a", Depth: 2, DiscoveredFrom: "https://p.example/d1-a"},
		{URL: "https://p.example/d1-a", Depth: 1},
		{URL: "https://p.example/d0", Depth: 0},
		{URL: "https://p.example/d2-b", Depth: 2},
		{URL: "https://p.example/d1-b", Depth: 1},
		{URL: "https://p.example/d1-a", Depth: 5}, // duplicate in the same batch
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != 5 {
		t.Errorf("enqueued %d new, want 5", n)
	}
	again, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: "https://p.example/d0"}, {URL: "https://p.example/new", Depth: 3}})
	if err != nil || again != 1 {
		t.Errorf("second enqueue: %d new, %v; want 1", again, err)
	}

	got, err := s.Claim(ctx, run, 3, t0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://p.example/d0", "https://p.example/d1-a", "https://p.example/d1-b"}; !reflect.DeepEqual(urls(got), want) {
		t.Errorf("first claim %q, want %q", urls(got), want)
	}
	for _, e := range got {
		if e.State != archive.FrontierClaimed || e.RunID != run {
			t.Errorf("claimed entry %+v", e)
		}
	}
	got, err = s.Claim(ctx, run, 10, t0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://p.example/d2-a", "https://p.example/d2-b", "https://p.example/new"}; !reflect.DeepEqual(urls(got), want) {
		t.Errorf("second claim %q, want %q", urls(got), want)
	}
	if got[0].DiscoveredFrom != "https://p.example/d1-a" || got[0].Depth != 2 {
		t.Errorf("entry fields lost: %+v", got[0])
	}
	if got, err := s.Claim(ctx, run, 10, t0); err != nil || len(got) != 0 {
		t.Errorf("claim from an empty queue: %v, %v", got, err)
	}
	if got, err := s.Claim(ctx, run, 0, t0); err != nil || len(got) != 0 {
		t.Errorf("claim 0: %v, %v", got, err)
	}
	if _, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: ""}}); err == nil {
		t.Error("empty URL enqueued")
	}
}

func TestFrontiersOfRunsAreSeparate(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run1, run2 := mustRun(t, s), mustRun(t, s)
	for _, run := range []int64{run1, run2} {
		if n, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: "https://p.example/"}}); err != nil || n != 1 {
			t.Fatalf("enqueue in run %d: %d, %v", run, n, err)
		}
	}
	got, err := s.Claim(ctx, run1, 10, t0)
	if err != nil || len(got) != 1 || got[0].RunID != run1 {
		t.Fatalf("claim run 1: %v, %v", got, err)
	}
	q, c, _, err := s.Pending(ctx, run2)
	if err != nil || q != 1 || c != 0 {
		t.Errorf("run 2 pending %d queued %d claimed (%v), want 1, 0", q, c, err)
	}
}

func TestRetryNotBeforeAndPending(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	if _, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: "https://p.example/a"}, {URL: "https://p.example/b"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, run, 2, t0); err != nil {
		t.Fatal(err)
	}
	retryAt := t0.Add(30 * time.Second)
	if err := s.Retry(ctx, run, "https://p.example/a", retryAt, "503 Retry-After: 30"); err != nil {
		t.Fatal(err)
	}
	q, c, next, err := s.Pending(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if q != 1 || c != 1 || !next.Equal(retryAt) {
		t.Errorf("pending: %d queued, %d claimed, next %v; want 1, 1, %v", q, c, next, retryAt)
	}
	if got, err := s.Claim(ctx, run, 5, retryAt.Add(-time.Nanosecond)); err != nil || len(got) != 0 {
		t.Errorf("claimed before NotBefore: %v, %v", got, err)
	}
	got, err := s.Claim(ctx, run, 5, retryAt)
	if err != nil || len(got) != 1 {
		t.Fatalf("claim at NotBefore: %v, %v", got, err)
	}
	if got[0].Attempts != 1 || got[0].Reason != "503 Retry-After: 30" || !got[0].NotBefore.Equal(retryAt) {
		t.Errorf("retried entry %+v", got[0])
	}
	if err := s.Retry(ctx, run, "https://p.example/none", retryAt, "x"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("retry an unknown URL: %v, want ErrNotFound", err)
	}
}

func TestFinishSkipAndSummaries(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	if _, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: "https://p.example/a"}, {URL: "https://p.example/b"}, {URL: "https://p.example/c"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, run, 3, t0); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, run, "https://p.example/a", archive.FrontierDone, "200"); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, run, "https://p.example/b", archive.FrontierSkipped, "content-type"); err != nil {
		t.Fatal(err)
	}
	if err := s.Finish(ctx, run, "https://p.example/c", archive.FrontierQueued, "x"); err == nil {
		t.Error("Finish to queued accepted")
	}
	if err := s.Finish(ctx, run, "https://p.example/none", archive.FrontierDone, "x"); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("finish an unknown URL: %v, want ErrNotFound", err)
	}
	for _, e := range []archive.FrontierEntry{
		{URL: "https://p.example/cal/1900-01", Reason: "calendar-range", Depth: 4},
		{URL: "https://p.example/cal/2999-01", Reason: "calendar-range", Depth: 4},
		{URL: "https://p.example/a/a/a/a", Reason: "repeated-segment"},
		{URL: "https://p.example/a", Reason: "robots"}, // already done: left as it is
	} {
		if err := s.Skip(ctx, run, e); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Skip(ctx, run, archive.FrontierEntry{}); err == nil {
		t.Error("skip of an empty URL accepted")
	}
	skipped, err := s.SkippedByReason(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"calendar-range": 2, "repeated-segment": 1, "content-type": 1}; !reflect.DeepEqual(skipped, want) {
		t.Errorf("skipped by reason %v, want %v", skipped, want)
	}
	counts, err := s.FrontierCounts(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if want := map[archive.FrontierState]int{archive.FrontierDone: 1, archive.FrontierSkipped: 4, archive.FrontierClaimed: 1}; !reflect.DeepEqual(counts, want) {
		t.Errorf("frontier counts %v, want %v", counts, want)
	}
	var reasons []string
	err = s.FrontierEntries(ctx, run, archive.FrontierSkipped, func(e archive.FrontierEntry) error {
		reasons = append(reasons, e.URL+" "+e.Reason)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{
		"https://p.example/b content-type",
		"https://p.example/cal/1900-01 calendar-range",
		"https://p.example/cal/2999-01 calendar-range",
		"https://p.example/a/a/a/a repeated-segment",
	}; !reflect.DeepEqual(reasons, want) {
		t.Errorf("skipped entries %q, want %q", reasons, want)
	}
	all := 0
	if err := s.FrontierEntries(ctx, run, "", func(archive.FrontierEntry) error { all++; return nil }); err != nil || all != 6 {
		t.Errorf("all entries: %d, %v; want 6", all, err)
	}
}

// TestClaimIsExclusive has several workers claim, capture and finish
// concurrently until the frontier is empty: every URL must be claimed once.
func TestClaimIsExclusive(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	const n = 400
	var entries []archive.FrontierEntry
	for i := range n {
		entries = append(entries, archive.FrontierEntry{URL: fmt.Sprintf("https://p.example/%03d", i), Depth: i % 4})
	}
	if _, err := s.Enqueue(ctx, run, entries); err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		claimed []string
		wg      sync.WaitGroup
	)
	for range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				got, err := s.Claim(ctx, run, 7, t0)
				if err != nil {
					t.Error(err)
					return
				}
				if len(got) == 0 {
					return
				}
				for _, e := range got {
					if _, _, err := s.PutCapture(ctx, capture(run, e.URL, []byte(e.URL))); err != nil {
						t.Error(err)
						return
					}
					if err := s.Finish(ctx, run, e.URL, archive.FrontierDone, "ok"); err != nil {
						t.Error(err)
						return
					}
				}
				mu.Lock()
				claimed = append(claimed, urls(got)...)
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	sort.Strings(claimed)
	if len(claimed) != n {
		t.Fatalf("%d claims for %d URLs", len(claimed), n)
	}
	for i, u := range claimed {
		if u != entries[i].URL {
			t.Fatalf("claim %d is %s, want %s (a URL claimed twice or never)", i, u, entries[i].URL)
		}
	}
	counts, err := s.FrontierCounts(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if counts[archive.FrontierDone] != n {
		t.Errorf("frontier counts %v, want %d done", counts, n)
	}
}

func TestReleaseAndPutCaptureEndsClaim(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	if _, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: "https://p.example/a"}, {URL: "https://p.example/b"}, {URL: "https://p.example/c"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, run, 3, t0); err != nil {
		t.Fatal(err)
	}
	// a: stored (ends the claim in the same transaction); b: refused (still
	// claimed); c: nothing stored (still claimed).
	mustPut(t, s, capture(run, "https://p.example/a", []byte("a")))
	refused := capture(run, "https://p.example/b", nil)
	refused.Status, refused.Verdict = 429, archive.VerdictRefused
	mustPut(t, s, refused)

	n, err := s.Release(ctx, run)
	if err != nil {
		t.Fatal(err)
	}
	if n != 2 {
		t.Errorf("released %d, want 2 (b and c)", n)
	}
	got, err := s.Claim(ctx, run, 10, t0)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"https://p.example/b", "https://p.example/c"}; !reflect.DeepEqual(urls(got), want) {
		t.Errorf("claimed after release %q, want %q", urls(got), want)
	}
	var done []string
	_ = s.FrontierEntries(ctx, run, archive.FrontierDone, func(e archive.FrontierEntry) error {
		done = append(done, e.URL+" "+e.Reason)
		return nil
	})
	if want := []string{"https://p.example/a ok"}; !reflect.DeepEqual(done, want) {
		t.Errorf("done %q, want %q", done, want)
	}
}

func TestPendingOfEmptyRun(t *testing.T) {
	s, _ := mustOpen(t)
	q, c, next, err := s.Pending(context.Background(), mustRun(t, s))
	if err != nil || q != 0 || c != 0 || !next.IsZero() {
		t.Errorf("pending of an empty run: %d %d %v %v", q, c, next, err)
	}
	var _ archive.Frontier = (*sqlite.Store)(nil)
}

// TestFailedWriteLeavesNoURLBehind makes a PutCaptureAndEnqueue fail after
// it queued a new URL (the revisited body is not in the archive): the URL
// id it created is rolled back with it, and must not be remembered, so that
// queueing the URL again stores it and reads it back.
func TestFailedWriteLeavesNoURLBehind(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	link := archive.FrontierEntry{URL: "https://portal.example/only-linked-from-a-failed-page", Depth: 2, DiscoveredFrom: "https://portal.example/new-source"}
	c := capture(run, "https://portal.example/a", nil)
	c.BodySHA256 = "1111111111111111111111111111111111111111111111111111111111111111"
	if _, _, _, err := s.PutCaptureAndEnqueue(ctx, c, []archive.FrontierEntry{link}); !errors.Is(err, archive.ErrNotFound) {
		t.Fatalf("put with a missing body: %v, want ErrNotFound", err)
	}
	if n, err := s.Enqueue(ctx, run, []archive.FrontierEntry{link}); err != nil || n != 1 {
		t.Fatalf("enqueue after the failed write: %d, %v; want 1 new entry", n, err)
	}
	var got []archive.FrontierEntry
	if err := s.FrontierEntries(ctx, run, "", func(e archive.FrontierEntry) error { got = append(got, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].URL != link.URL || got[0].DiscoveredFrom != link.DiscoveredFrom {
		t.Errorf("frontier after the failed write: %+v, want only %s", got, link.URL)
	}
	claimed, err := s.Claim(ctx, run, 5, t0)
	if err != nil || len(claimed) != 1 || claimed[0].URL != link.URL || claimed[0].DiscoveredFrom != link.DiscoveredFrom {
		t.Errorf("claim: %+v, %v", claimed, err)
	}
}

// TestSkippedEntriesShareTheTransaction stores a page with the links it
// queues and the URLs it skips in one PutCaptureAndEnqueue (and one
// Enqueue), and checks that the skipped URLs are recorded as Skip records
// them: in state skipped with their reason, not counted as added, and
// leaving URLs already in the frontier as they are, in either direction.
func TestSkippedEntriesShareTheTransaction(t *testing.T) {
	s, _ := mustOpen(t)
	ctx := context.Background()
	run := mustRun(t, s)
	page := "https://p.example/"
	if _, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: page, Reason: "seed"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Claim(ctx, run, 1, t0); err != nil {
		t.Fatal(err)
	}
	skip := func(u, reason string) archive.FrontierEntry {
		return archive.FrontierEntry{URL: u, Depth: 1, DiscoveredFrom: page, State: archive.FrontierSkipped, Reason: reason}
	}
	c := capture(run, page, []byte("<html>links</html>"))
	c.URL = page
	_, _, added, err := s.PutCaptureAndEnqueue(ctx, c, []archive.FrontierEntry{
		{URL: page + "a", Depth: 1, DiscoveredFrom: page},
		skip(page+"cal/1900-01", "trap:calendar-range"),
		skip(page, "excluded"), // the page itself, done: left as it is
		{URL: page + "b", Depth: 1, DiscoveredFrom: page},
		skip(page+"a", "excluded"), // queued just before: left as it is
		skip(page+"cal/1900-01", "other"),
	})
	if err != nil || added != 2 {
		t.Fatalf("put capture and enqueue: %d added, %v; want 2", added, err)
	}
	if n, err := s.Enqueue(ctx, run, []archive.FrontierEntry{skip("mailto:x@p.example", "unsupported-scheme"), {URL: page + "cal/1900-01"}}); err != nil || n != 0 {
		t.Errorf("enqueue of a skipped entry and a skipped URL: %d added, %v; want 0", n, err)
	}
	var got []string
	err = s.FrontierEntries(ctx, run, "", func(e archive.FrontierEntry) error {
		got = append(got, fmt.Sprintf("%s %s %s %d %s", e.URL, e.State, e.Reason, e.Depth, e.DiscoveredFrom))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		page + " done ok 0 ",
		page + "a queued  1 " + page,
		page + "cal/1900-01 skipped trap:calendar-range 1 " + page,
		page + "b queued  1 " + page,
		"mailto:x@p.example skipped unsupported-scheme 1 " + page,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("frontier:\n got %q\nwant %q", got, want)
	}
}

// BenchmarkClaim claims a queued frontier of portal URLs (portalURL, each
// discovered from the home page) as the crawl loop of 8 workers does: 16
// entries at a time, or as many as there is room for, between 10 and 16
// (room=varying: the crawl's case, a different limit almost every time).
// It reports the cost per claimed entry, its transaction's share included.
//
//	go test -run '^$' -bench Claim ./internal/sqlite
func BenchmarkClaim(b *testing.B) {
	for _, varying := range []bool{false, true} {
		name := "room=16"
		if varying {
			name = "room=varying"
		}
		b.Run(name, func(b *testing.B) {
			ctx := context.Background()
			s, _ := mustOpen(b)
			run := mustRun(b, s)
			entries := make([]archive.FrontierEntry, b.N)
			for i := range entries {
				entries[i] = archive.FrontierEntry{URL: portalURL(i), Depth: 1 + i%3, DiscoveredFrom: "https://www.portal.example/en/"}
			}
			if _, err := s.Enqueue(ctx, run, entries); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			cpu := sqlite.ProcessCPU()
			for claims, claimed := 0, 0; claimed < b.N; claims++ {
				room := 16
				if varying {
					room = 10 + claims%7
				}
				got, err := s.Claim(ctx, run, min(room, b.N-claimed), t0)
				if err != nil || len(got) == 0 {
					b.Fatalf("claim after %d of %d: %d, %v", claimed, b.N, len(got), err)
				}
				claimed += len(got)
			}
			b.StopTimer()
			reportCPU(b, cpu)
		})
	}
}
