package check_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// TestRecrawlRevisitsChecked crawls the demo portal twice on the same day,
// so that the second crawl gets 304 Not Modified for the unchanged pages
// (stored as revisits of the first crawl's captures), and checks both
// runs: a revisit is checked as the page it repeats, so the second run has
// the same editorial findings (by fingerprint) as the first, reported with
// the status of the repeated response.
func TestRecrawlRevisitsChecked(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal twice")
	}
	ctx := context.Background()
	p, err := portal.New(portal.Config{Seed: 1, Articles: 24})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(p.Handler())
	defer srv.Close()
	store, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	cfg := crawl.DefaultConfig()
	cfg.Seeds = []string{srv.URL + "/en/"}
	cfg.Include = []string{"/en/*"}
	cfg.Delay = 0
	cfg.HostConcurrency = 4
	first, err := crawl.Run(ctx, cfg, store)
	if err != nil {
		t.Fatal(err)
	}
	second, err := crawl.Run(ctx, cfg, store)
	if err != nil {
		t.Fatal(err)
	}
	notModified := 0
	if err := store.EachCapture(ctx, sqlite.CaptureQuery{RunID: second.RunID}, func(c *archive.Capture) error {
		if c.Status == http.StatusNotModified && c.Verdict == archive.VerdictRevisit {
			notModified++
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if notModified == 0 {
		t.Fatal("the second crawl got no 304 revisit: the test does not exercise revisits")
	}

	today, err := time.Parse("2006-01-02", p.Manifest().Today)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := check.New(check.Options{Now: func() time.Time { return today.Add(18 * time.Hour) }})
	if err != nil {
		t.Fatal(err)
	}
	set, err := eng.Load(editorialSource(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	x := extract.New(extract.Options{})
	a := &check.StoreArchive{Store: store, Extract: x.Capture, Version: extract.Version, Persist: true}
	findings := func(runID int64) (map[string]archive.Finding, int) {
		t.Helper()
		res, err := eng.Check(ctx, check.Request{Archive: a, RunID: runID, Rules: set})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]archive.Finding{}
		for _, f := range res.Findings {
			if report.IsOpen(&f) && strings.HasPrefix(f.RuleID, "editorial/") {
				out[f.Fingerprint] = f
			}
		}
		return out, res.Run.Pages
	}
	want, pages1 := findings(first.RunID)
	got, pages2 := findings(second.RunID)
	if len(want) < 12 {
		t.Fatalf("the first crawl has only %d editorial findings", len(want))
	}
	if pages2 != pages1 {
		t.Errorf("second run checked %d pages, first %d", pages2, pages1)
	}
	var missing, extra []string
	for fp, f := range want {
		if _, ok := got[fp]; !ok {
			missing = append(missing, f.RuleID+" "+f.URL)
		}
	}
	for fp, f := range got {
		if _, ok := want[fp]; !ok {
			extra = append(extra, f.RuleID+" "+f.URL)
		}
		if f.Status != http.StatusOK {
			t.Errorf("finding %s %s on the recrawl reports status %d, want the repeated response's 200", f.RuleID, f.URL, f.Status)
		}
	}
	sort.Strings(missing)
	sort.Strings(extra)
	for _, s := range missing {
		t.Errorf("finding of the first crawl missing on the recrawl: %s", s)
	}
	for _, s := range extra {
		t.Errorf("finding only on the recrawl: %s", s)
	}
	t.Logf("%d revisits (304) in the second crawl; %d editorial findings on the first run, %d on the second (%d missing, %d extra)",
		notModified, len(want), len(got), len(missing), len(extra))
}
