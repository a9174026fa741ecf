package crawl_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/portal"
)

// shrinkingSite links /a, /b, /c and /s/s/s/s/ from its home page while
// full is set, and only /a otherwise.
func shrinkingSite(full *atomic.Bool) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<html><body><p>%s</p>", r.URL.Path)
		if r.URL.Path == "/" {
			fmt.Fprint(w, `<a href="/a">a</a>`)
			if full.Load() {
				fmt.Fprint(w, `<a href="/b">b</a><a href="/c">c</a><a href="/s/s/s/s/">s</a>`)
			}
		}
	})
}

func TestRevisitKnownURLs(t *testing.T) {
	var full atomic.Bool
	full.Store(true)
	srv, rec := serve(t, shrinkingSite(&full))
	st := openStore(t)
	cfg := testConfig(srv.URL + "/")
	cfg.Workers, cfg.HostConcurrency = 1, 1 // one request at a time: the order is checked
	loose := cfg
	loose.Traps.MaxSegmentRepeat = 5 // the first run captures /s/s/s/s/
	first := mustRun(t, loose, st)
	if got := len(runCaptures(t, st, first.RunID)); got != 6 { // robots.txt, /, /a, /b, /c, /s/s/s/s/
		t.Fatalf("first run: %d captures, want 6", got)
	}
	full.Store(false)

	// The home page now links only /a. With a limit of three pages the
	// run stops after /, /a and one known URL: incomplete.
	limited := cfg
	limited.MaxPages = 3
	n0 := len(rec.requests())
	sum, err := crawl.Run(context.Background(), limited, st)
	if !errors.Is(err, crawl.ErrIncomplete) || sum.Status != archive.RunInterrupted {
		t.Fatalf("limited run: %v, status %s; want incomplete", err, sum.Status)
	}
	var paths []string
	for _, r := range rec.requests()[n0:] {
		paths = append(paths, r.Path)
	}
	if want := "/robots.txt / /a /b"; strings.Join(paths, " ") != want {
		t.Errorf("limited run requested %q, want %q (links first, then the known URLs in their order)", strings.Join(paths, " "), want)
	}
	// The resume fetches the rest, each once.
	resumed := cfg
	resumed.ResumeRunID = sum.RunID
	n1 := len(rec.requests())
	sum = mustRun(t, resumed, st)
	paths = paths[:0]
	for _, r := range rec.requests()[n1:] {
		paths = append(paths, r.Path)
	}
	if want := "/c"; strings.Join(paths, " ") != want { // robots.txt as archived by the run
		t.Errorf("resumed run requested %q, want %q", strings.Join(paths, " "), want)
	}
	fr := frontier(t, st, sum.RunID)
	want := fmt.Sprintf("known from run %d", first.RunID)
	for _, p := range []string{"/b", "/c"} {
		e := fr[srv.URL+p]
		if e.State != archive.FrontierDone || e.DiscoveredFrom != want {
			t.Errorf("%s in run %d: %+v, want done and discovered as %q", p, sum.RunID, e, want)
		}
	}
	caps := runCaptures(t, st, sum.RunID)
	if c := caps[srv.URL+"/b"]; c == nil || c.DiscoveredFrom != want || c.Depth != 1 {
		t.Errorf("capture of /b: %+v, want discovered as %q at depth 1", c, want)
	}
	// The repeated-segment trap holds for a URL captured under a looser
	// limit: it is recorded as skipped, not fetched.
	if e := fr[srv.URL+"/s/s/s/s/"]; e.State != archive.FrontierSkipped || e.Reason != crawl.SkipRepeatedSegment {
		t.Errorf("/s/s/s/s/ in run %d: %+v, want skipped as a trap", sum.RunID, e)
	}
	if rec.count("/s/s/s/s/") != 1 {
		t.Errorf("/s/s/s/s/ requested %d times, want once (by the first run)", rec.count("/s/s/s/s/"))
	}

	// Without revisiting, a run fetches only what is linked.
	off := cfg
	off.Revisit = false
	n2 := len(rec.requests())
	sum = mustRun(t, off, st)
	paths = paths[:0]
	for _, r := range rec.requests()[n2:] {
		paths = append(paths, r.Path)
	}
	if want := "/robots.txt / /a"; strings.Join(paths, " ") != want || sum.Revisited != 0 {
		t.Errorf("run without revisit requested %q (revisited %d), want %q", strings.Join(paths, " "), sum.Revisited, want)
	}
}

// TestRevisitFindsRemovedAndOrphanedPages crawls the demo portal on day 0
// and again on day 2, when the manifest has removed and orphaned articles:
// every one of them is fetched once in the second run, with its new status,
// though the portal no longer links to it; without revisiting, they are
// not.
func TestRevisitFindsRemovedAndOrphanedPages(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal three times")
	}
	day0, err := portal.New(portal.Config{Seed: 7, Articles: 40})
	if err != nil {
		t.Fatal(err)
	}
	day2, err := portal.New(portal.Config{Seed: 7, Articles: 40, Day: 2})
	if err != nil {
		t.Fatal(err)
	}
	v := &validators{}
	for _, vol := range day0.Manifest().Volatile {
		v.volatile = append(v.volatile, regexp.MustCompile(vol.Pattern))
	}
	h0, h2 := day0.Handler(), day2.Handler()
	v.h.Store(&h0)
	srv, rec := serve(t, v)
	st := openStore(t)
	cfg := testConfig(srv.URL + "/")
	for _, vol := range day0.Manifest().Volatile {
		cfg.Traps.Volatile = append(cfg.Traps.Volatile, vol.Pattern)
	}
	first := mustRun(t, cfg, st)
	seed, _ := url.Parse(srv.URL + "/")
	canon := crawl.NewCanonicalizer(cfg.Canon, []*url.URL{seed})
	key := func(rel string) string {
		u, err := url.Parse(srv.URL + rel)
		if err != nil {
			t.Fatal(err)
		}
		c, _ := canon.Canonical(u)
		return c
	}
	// Day 0 fetched each planted page: captured it, or collapsed it into
	// the capture of the same story under another section.
	fr1 := frontier(t, st, first.RunID)

	type planted struct {
		change portal.Change
		status int
	}
	var gone []planted
	for _, c := range day2.Manifest().Changes {
		switch c.Kind {
		case portal.ChangeRemoved:
			gone = append(gone, planted{c, c.Status})
		case portal.ChangeOrphaned:
			gone = append(gone, planted{c, http.StatusOK})
		default:
			continue
		}
		if e := fr1[key(c.URL)]; e.State != archive.FrontierDone {
			t.Fatalf("%s (%s on day %d) was not fetched on day 0: %+v", c.URL, c.Kind, c.Day, e)
		}
	}
	if len(gone) < 4 {
		t.Fatalf("day 2 plants %d removals and orphans, want at least 4", len(gone))
	}

	// Requests per path on day 0: redirect chains that end at a page
	// request it again.
	day0Requests := map[string]int{}
	for _, r := range rec.requests() {
		day0Requests[r.Path]++
	}
	v.h.Store(&h2)
	n0 := len(rec.requests())
	second := mustRun(t, cfg, st)
	caps2 := runCaptures(t, st, second.RunID)
	requested := map[string]int{}
	for _, r := range rec.requests()[n0:] {
		requested[r.Path]++
	}
	fr2 := frontier(t, st, second.RunID)
	known := fmt.Sprintf("known from run %d", first.RunID)
	viaKnown := 0
	for _, g := range gone {
		k := key(g.change.URL)
		if n := requested[g.change.URL]; n < 1 || n > day0Requests[g.change.URL] {
			t.Errorf("%s %s on day %d: requested %d times on day 2 (%d on day 0), want once or as often as on day 0",
				g.change.Kind, g.change.URL, g.change.Day, n, day0Requests[g.change.URL])
			continue
		}
		c, e := caps2[k], fr2[k]
		status := 0
		switch {
		case c == nil:
		case len(c.Redirects) > 0:
			status = c.Redirects[0].Status
		case c.Status == http.StatusNotModified:
			status = http.StatusOK // unchanged: a revisit of the 200 before
		default:
			status = c.Status
		}
		switch {
		case c != nil && status != g.status:
			t.Errorf("%s %s: status %d, want %d", g.change.Kind, g.change.URL, status, g.status)
		case c == nil && (g.status != http.StatusOK || !strings.HasPrefix(e.Reason, crawl.SkipDuplicate)):
			// Only a page still served can be collapsed into another.
			t.Errorf("%s %s: not captured on day 2 (%+v)", g.change.Kind, g.change.URL, e)
		}
		if e.DiscoveredFrom == known {
			viaKnown++
		}
	}
	if viaKnown == 0 {
		t.Errorf("none of the %d removed or orphaned pages was queued as %q: they are still linked, the test proves nothing", len(gone), known)
	}
	if second.Revisited < viaKnown {
		t.Errorf("summary: %d revisited, want at least %d", second.Revisited, viaKnown)
	}
	t.Logf("day 2: %d removed or orphaned pages fetched, %d of them only because run %d knew them; %d known URLs queued in all",
		len(gone), viaKnown, first.RunID, second.Revisited)

	// The same day without revisiting: the pages nothing links to are not
	// fetched.
	off := cfg
	off.Revisit = false
	third := mustRun(t, off, st)
	fr3 := frontier(t, st, third.RunID)
	for _, g := range gone {
		k := key(g.change.URL)
		if fr2[k].DiscoveredFrom == known && fr3[k].State != "" {
			t.Errorf("%s in the run without revisiting, though nothing links to it: %+v", g.change.URL, fr3[k])
		}
	}
}
