package crawl_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// unbatched is the archive without its batch API (PutCaptures): the crawl
// writes each page in a transaction of its own, with PutCaptureWith,
// Finish and Retry, as it does with a store that cannot batch.
type unbatched struct {
	crawl.Store
	st *sqlite.Store
}

// PutCaptureWith is the archive's.
func (u unbatched) PutCaptureWith(ctx context.Context, c *archive.Capture, entries []archive.FrontierEntry, aliases []archive.Alias) (int64, bool, int, error) {
	return u.st.PutCaptureWith(ctx, c, entries, aliases)
}

// counting is the archive with its batch API, counting the batches and
// the pages in them.
type counting struct {
	*sqlite.Store
	batches, pages atomic.Int64
}

// PutCaptures is the archive's, counted.
func (c *counting) PutCaptures(ctx context.Context, runID int64, writes []archive.CaptureWrite) error {
	c.batches.Add(1)
	c.pages.Add(int64(len(writes)))
	return c.Store.PutCaptures(ctx, runID, writes)
}

// crawlOutcome is what a crawl left in the archive, less what depends on
// the order in which its workers happened to fetch (which is not the
// same from one crawl to the next, batched or not): which URL of a set of
// same-content duplicates was fetched first and captured (the others are
// its aliases), which page a URL was first found on, whether an alias
// pair was first recorded as same-content or rel-canonical, the bodies
// (the portal's pages count their visits).
type crawlOutcome struct {
	// frontier holds the state and reason of each URL, a capture ("ok")
	// and a duplicate of one both read as "fetched".
	frontier map[string]string
	// captures holds status, verdict, final URL and redirects of the URLs
	// captured, and the number of captures as "count".
	captures map[string]string
	// aliases holds the pairs of URLs recorded as aliases, in either
	// direction, for any reason.
	aliases map[string]string
}

// outcome reads a run's crawlOutcome; host is replaced by "HOST" so that
// crawls of two servers compare. It fails the test on a URL captured
// twice, and on a URL whose entry is done but that has neither a capture
// nor (a duplicate) an alias.
func outcome(t *testing.T, st *sqlite.Store, runID int64, host string) crawlOutcome {
	t.Helper()
	strip := func(s string) string { return strings.ReplaceAll(s, host, "HOST") }
	o := crawlOutcome{frontier: map[string]string{}, captures: map[string]string{}, aliases: map[string]string{}}
	caps := runCaptures(t, st, runID)
	for u, c := range caps {
		o.captures[strip(u)] = strip(fmt.Sprintf("%d %s %s %v", c.Status, c.Verdict, c.FinalURL, c.Redirects))
	}
	o.captures["count"] = fmt.Sprint(len(caps))
	for u, e := range frontier(t, st, runID) {
		reason := e.Reason
		dup := strings.HasPrefix(reason, crawl.SkipDuplicate+" of ")
		if e.State == archive.FrontierDone && (reason == "ok" || dup) {
			reason = "fetched"
		}
		o.frontier[strip(u)] = fmt.Sprintf("%s %q", e.State, strip(reason))
		as, err := st.Aliases(context.Background(), u)
		if err != nil {
			t.Fatal(err)
		}
		aliased := false
		for _, a := range as {
			if a.RunID != runID {
				continue
			}
			pair := []string{strip(a.Alias), strip(a.Canonical)}
			sort.Strings(pair)
			o.aliases[strings.Join(pair, " | ")] = "alias"
			aliased = aliased || a.Alias == u
		}
		switch {
		case e.State != archive.FrontierDone:
		case dup && !aliased:
			t.Errorf("%s: %s, but not recorded as an alias", u, e.Reason)
		case !dup && caps[u] == nil && e.Reason != "already-captured":
			t.Errorf("%s: done (%s), but not captured", u, e.Reason)
		}
	}
	return o
}

// capturedInBoth keeps of two crawls' captures the URLs both captured
// (which duplicate of a page is captured depends on the order of the
// fetches; crawlOutcome.frontier compares the rest).
func capturedInBoth(a, b crawlOutcome) (crawlOutcome, crawlOutcome) {
	for _, o := range []struct{ from, other crawlOutcome }{{a, b}, {b, a}} {
		for u := range o.from.captures {
			if _, ok := o.other.captures[u]; !ok && o.from.frontier[u] == fmt.Sprintf("%s %q", archive.FrontierDone, "fetched") {
				delete(o.from.captures, u)
			}
		}
	}
	return a, b
}

// compareOutcomes reports every URL whose record differs between two
// crawls.
func compareOutcomes(t *testing.T, wantName string, want crawlOutcome, gotName string, got crawlOutcome) {
	t.Helper()
	for _, part := range []struct {
		name      string
		want, got map[string]string
	}{{"frontier", want.frontier, got.frontier}, {"captures", want.captures, got.captures}, {"aliases", want.aliases, got.aliases}} {
		keys := map[string]bool{}
		for k := range part.want {
			keys[k] = true
		}
		for k := range part.got {
			keys[k] = true
		}
		var diffs []string
		for k := range keys {
			if w, g := part.want[k], part.got[k]; w != g {
				diffs = append(diffs, fmt.Sprintf("%s:\n\t%s: %s\n\t%s: %s", k, wantName, w, gotName, g))
			}
		}
		sort.Strings(diffs)
		for i, d := range diffs {
			if i == 10 {
				t.Errorf("%s: %d more differences", part.name, len(diffs)-i)
				break
			}
			t.Errorf("%s %s", part.name, d)
		}
		if len(part.want) == 0 && part.name != "aliases" {
			t.Errorf("%s: the %s crawl recorded nothing", part.name, wantName)
		}
	}
}

// batchPortal serves the demo portal for the batching tests; it returns
// the crawl configuration for it and the server's host.
func batchPortal(t *testing.T) (crawl.Config, string) {
	t.Helper()
	if testing.Short() {
		t.Skip("crawls the demo portal twice")
	}
	p, err := portal.New(portal.Config{Seed: 7, Articles: 24})
	if err != nil {
		t.Fatal(err)
	}
	srv, _ := serve(t, p.Handler())
	cfg := testConfig(srv.URL + "/")
	for _, v := range p.Manifest().Volatile {
		cfg.Traps.Volatile = append(cfg.Traps.Volatile, v.Pattern)
	}
	// One worker, and the trap families excluded (as the links benchmark
	// does in its same-scope run): where a crawl stops inside a trap, and
	// which of two same-content pages comes first (only its links are
	// read), depend on the order of the fetches, batched or not. A single
	// worker fetches a page's links in the order they were found; the
	// writer still batches its pages (it writes while the worker fetches).
	cfg.Workers, cfg.HostConcurrency = 1, 1
	cfg.Exclude = []string{"/*/calendar/?*", "/*/archive/?day=*", "/*/all_news/page/*", "/*/regions/news.html?*start=*start=*", "*;jsessionid=*"}
	return cfg, strings.TrimPrefix(srv.URL, "http://")
}

// TestBatchedWritesSameCrawl crawls the demo portal with the pages written
// in batches (PutCaptures) and one by one, and compares the frontiers, the
// captures and the aliases URL for URL.
func TestBatchedWritesSameCrawl(t *testing.T) {
	cfg, host := batchPortal(t)

	one := openStore(t)
	sumOne := mustRun(t, cfg, unbatched{Store: one, st: one})

	batched := &counting{Store: openStore(t)}
	sumBatched := mustRun(t, cfg, batched)
	if batched.batches.Load() == 0 {
		t.Fatal("the crawl wrote no batch")
	}
	t.Logf("%d pages in %d batches", batched.pages.Load(), batched.batches.Load())

	a, b := capturedInBoth(outcome(t, one, sumOne.RunID, host), outcome(t, batched.Store, sumBatched.RunID, host))
	compareOutcomes(t, "one by one", a, "batched", b)
	if sumOne.Counts.Captured != sumBatched.Counts.Captured || sumOne.Counts.Revisits != sumBatched.Counts.Revisits ||
		fmt.Sprint(sumOne.Counts.Skipped) != fmt.Sprint(sumBatched.Counts.Skipped) {
		t.Errorf("counts: one by one %+v, batched %+v", sumOne.Counts, sumBatched.Counts)
	}
}

// TestBatchedWritesInterruptedAndResumed interrupts a batched crawl of the
// demo portal while pages are being written, resumes it, and compares the
// result with an uninterrupted crawl: no page is lost or captured twice,
// and no entry is left claimed.
func TestBatchedWritesInterruptedAndResumed(t *testing.T) {
	cfg, host := batchPortal(t)

	whole := openStore(t)
	sumWhole := mustRun(t, cfg, whole)

	for _, stopAt := range []int{5, 40, 150} {
		t.Run(fmt.Sprintf("after %d pages", stopAt), func(t *testing.T) {
			st := openStore(t)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var once sync.Once
			icfg := cfg
			icfg.ProgressInterval = time.Millisecond
			icfg.OnProgress = func(p crawl.Progress) {
				if p.Pages >= stopAt {
					once.Do(cancel)
				}
			}
			sum, err := crawl.Run(ctx, icfg, st)
			if !errors.Is(err, crawl.ErrIncomplete) || sum.Status != archive.RunInterrupted {
				t.Fatalf("interrupted crawl: %v, status %s", err, sum.Status)
			}
			rcfg := cfg
			rcfg.ResumeRunID = sum.RunID
			resumed := mustRun(t, rcfg, st)
			if resumed.RunID != sum.RunID {
				t.Fatalf("resumed run %d, want %d", resumed.RunID, sum.RunID)
			}
			want, got := capturedInBoth(outcome(t, whole, sumWhole.RunID, host), outcome(t, st, sum.RunID, host))
			// A resumed crawl does not know the bodies its first process
			// fetched: a duplicate of one of them is captured, not
			// recorded as an alias.
			for _, o := range []crawlOutcome{want, got} {
				delete(o.captures, "count")
				clear(o.aliases)
			}
			compareOutcomes(t, "uninterrupted", want, "resumed", got)
			for u, e := range got.frontier {
				if strings.HasPrefix(e, string(archive.FrontierClaimed)) || strings.HasPrefix(e, string(archive.FrontierQueued)) {
					t.Errorf("%s left %s", u, e)
				}
			}
		})
	}
}
