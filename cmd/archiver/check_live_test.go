package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
)

// liveSite is a small site on loopback whose home page links a page the
// crawl is told to exclude (it answers 404), an excluded page that works,
// and a page on another site (it answers 410). It counts the requests for
// each path.
type liveSite struct {
	mu   sync.Mutex
	hits map[string]int
}

func (s *liveSite) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func newLiveSite(t *testing.T) (*liveSite, *httptest.Server, *httptest.Server) {
	t.Helper()
	s := &liveSite{hits: map[string]int{}}
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits["other"+r.URL.Path]++
		s.mu.Unlock()
		http.Error(w, "gone", http.StatusGone)
	}))
	t.Cleanup(other.Close)
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		switch r.URL.Path {
		case "/":
			fmt.Fprintf(w, `<!doctype html><html lang="en"><head><title>Home</title></head><body><main>
<p><a href="/private/missing.html">A page that is gone</a></p>
<p><a href="/private/ok.html">A page that works</a></p>
<p><a href="%s/old-report.pdf">A report elsewhere</a></p>
</main></body></html>`, other.URL)
		case "/private/ok.html":
			fmt.Fprint(w, `<!doctype html><html lang="en"><head><title>Fine</title></head><body><main><p>Fine.</p></main></body></html>`)
		case "/robots.txt":
			http.NotFound(w, r)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(site.Close)
	return s, site, other
}

// brokenTargets runs a links check and returns the targets of its
// links/broken findings, with whether the evidence says they were judged
// live.
func brokenTargets(t *testing.T, args ...string) map[string]bool {
	t.Helper()
	out, errOut, code := appRun(t, append(args, "--only", "links/*", "--fail-on", "never", "--format", "json")...)
	if code != exitOK {
		t.Fatalf("check %v: exit %d\n%s", args, code, errOut)
	}
	var doc struct {
		Findings []archive.Finding `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("check output: %v\n%s", err, out)
	}
	got := map[string]bool{}
	for _, f := range doc.Findings {
		if f.RuleID == "links/broken" {
			got[f.URL] = strings.Contains(strings.ToLower(f.Evidence), "live")
		}
	}
	return got
}

// TestCheckLive: a link to a page of the site that the crawl did not
// capture (excluded) is judged live once and the verdict is cached in the
// archive; --live=false leaves it unjudged; links to other sites are
// checked only with --external.
func TestCheckLive(t *testing.T) {
	s, site, other := newLiveSite(t)
	db := filepath.Join(t.TempDir(), "archive.db")
	if _, errOut, code := appRun(t, "--db", db, "crawl", "--delay", "0", "--exclude", "*/private/*", site.URL+"/"); code != exitOK {
		t.Fatalf("crawl: exit %d\n%s", code, errOut)
	}
	if n := s.count("/private/missing.html"); n != 0 {
		t.Fatalf("the crawl fetched an excluded page %d times", n)
	}
	missing := site.URL + "/private/missing.html"
	report := other.URL + "/old-report.pdf"

	if got := brokenTargets(t, "--db", db, "check", "--live=false"); len(got) != 0 {
		t.Errorf("--live=false: broken %v, want nothing judged", got)
	}
	if n := s.count("/private/missing.html"); n != 0 {
		t.Errorf("--live=false fetched the excluded page %d times", n)
	}

	got := brokenTargets(t, "--db", db, "check")
	if live, ok := got[missing]; !ok || !live {
		t.Errorf("default check: broken %v, want %s judged live", got, missing)
	}
	if _, ok := got[report]; ok {
		t.Errorf("default check judged the other site's link without --external")
	}
	if len(got) != 1 {
		t.Errorf("default check: broken %v, want only %s", got, missing)
	}
	if n := s.count("other/old-report.pdf"); n != 0 {
		t.Errorf("the other site was asked %d times without --external", n)
	}
	fetched := s.count("/private/missing.html")
	if fetched == 0 {
		t.Fatal("the excluded page was never fetched live")
	}

	got = brokenTargets(t, "--db", db, "check", "--external")
	if _, ok := got[missing]; !ok {
		t.Errorf("--external: broken %v, want %s still", got, missing)
	}
	if live, ok := got[report]; !ok || !live {
		t.Errorf("--external: broken %v, want %s judged live", got, report)
	}
	if n := s.count("/private/missing.html"); n != fetched {
		t.Errorf("the cached verdict was not reused: the excluded page was fetched %d times, then %d", fetched, n)
	}
	if _, errOut, code := appRun(t, "--db", db, "check", "--external", "--live=false"); code != exitError {
		t.Errorf("--external --live=false: exit %d, want %d\n%s", code, exitError, errOut)
	}
}

// TestCheckIgnoreURL: targets matching --ignore-url are neither judged nor
// asked for, on the site or elsewhere; the others still are; a pattern
// that does not compile is a usage error.
func TestCheckIgnoreURL(t *testing.T) {
	s, site, other := newLiveSite(t)
	db := filepath.Join(t.TempDir(), "archive.db")
	if _, errOut, code := appRun(t, "--db", db, "crawl", "--delay", "0", "--exclude", "*/private/*", site.URL+"/"); code != exitOK {
		t.Fatalf("crawl: exit %d\n%s", code, errOut)
	}
	got := brokenTargets(t, "--db", db, "check", "--external", "--ignore-url", `/private/missing\.html$`, "--ignore-url", `old-report`)
	if len(got) != 0 {
		t.Errorf("broken %v, want the ignored targets unjudged", got)
	}
	if n := s.count("/private/missing.html") + s.count("other/old-report.pdf"); n != 0 {
		t.Errorf("ignored targets were asked for %d times", n)
	}
	if n := s.count("/private/ok.html"); n != 1 {
		t.Errorf("the excluded page that is not ignored was asked for %d times, want once", n)
	}
	// Without the patterns, the same archive gives both findings: the test
	// above could fail.
	got = brokenTargets(t, "--db", db, "check", "--external")
	if _, ok := got[site.URL+"/private/missing.html"]; !ok || !got[other.URL+"/old-report.pdf"] {
		t.Errorf("without --ignore-url: broken %v, want both targets", got)
	}
	if _, errOut, code := appRun(t, "--db", db, "check", "--ignore-url", "("); code != exitError {
		t.Errorf("--ignore-url '(': exit %d, want %d\n%s", code, exitError, errOut)
	}
}
