package pipeline_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/links"
	"github.com/archiver-dev/archiver/internal/links/pipeline"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// TestPlantedLinksFound crawls the demo portal over loopback with the real
// crawler into a real SQLite archive, checks it with the links pack, and
// compares the findings with the manifest: every planted problem the crawl
// could see is found under the right rule, and nothing else is reported.
//
// The rate-limited variant turns on the portal's 429 share and its 403
// area: the crawl is refused, retries, and loses the 403 area for good;
// every planted problem outside it is still found, nothing else is
// reported, and every refused target is "unverified (refused)", never
// broken. Its portal is the smallest that plants every link-defect kind
// (24 articles a language), and the crawl caps Retry-After at 20 ms: the
// portal counts 429s per URL, not per second, so the wait does not change
// what is refused, only how long the test takes. Times are logged, not
// asserted.
func TestPlantedLinksFound(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls and checks the whole demo portal; runs without -short")
	}
	tests := []struct {
		name     string
		articles int
		quirks   portal.Quirks
	}{
		{"plain", 30, portal.Quirks{}},
		{"rate-limited", 24, portal.Quirks{RateLimit429: 0.1, RateLimit403: 4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			p, err := portal.New(portal.Config{Seed: 7, Articles: tc.articles, Quirks: tc.quirks})
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

			start := time.Now()
			cfg := crawl.DefaultConfig()
			cfg.Delay = 0
			cfg.HostConcurrency = 4
			cfg.Backoff = 20 * time.Millisecond
			cfg.MaxRetryAfter = 20 * time.Millisecond
			sum, err := pipeline.Crawl(ctx, store, cfg, srv.URL+"/")
			if err != nil {
				t.Fatal(err)
			}
			crawled := time.Now()
			a := pipeline.LinksArchive(store)

			lc := links.DefaultConfig()
			lc.Delay = 0
			lc.Backoff = 20 * time.Millisecond
			lc.MaxRetryAfter = 2 * time.Second // the portal's Retry-After is 1 s
			findings, err := pipeline.Check(ctx, a, sum.RunID, os.DirFS("../../../rules/links"), links.Options{Checker: links.NewChecker(lc)}, time.Now().UTC())
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("crawl %s (%d captures, %d refusals), check %s", crawled.Sub(start).Round(time.Millisecond), sum.Counts.Captured,
				sum.Counts.Refused, time.Since(crawled).Round(time.Millisecond))

			captured, linked, refused := map[string]bool{}, map[string]bool{}, map[string]bool{}
			err = a.EachCapture(ctx, sum.RunID, func(c *archive.Capture) error {
				if c.Verdict == archive.VerdictRefused {
					refused[c.URL] = true
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			err = a.EachPage(ctx, sum.RunID, func(c *archive.Capture, pg *archive.Page) error {
				if c.Status == 200 {
					// The page was captured under the URL asked for and,
					// after redirects, the one it ended at.
					captured[strings.TrimPrefix(c.URL, srv.URL)] = true
					captured[strings.TrimPrefix(c.FinalURL, srv.URL)] = true
				}
				for _, l := range pg.Links {
					if u := strings.TrimPrefix(l.URL, srv.URL); u != l.URL {
						linked[strings.SplitN(u, "#", 2)[0]] = true
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			m := p.Manifest()
			truth := pipeline.Truth(m, captured, linked, false)
			if len(truth) < 20 {
				t.Fatalf("only %d planted problems visible to the crawl (%d pages captured)", len(truth), len(captured))
			}
			in403 := pipeline.LimitedArea(m, "403")
			s := pipeline.ScoreFindings(findings, truth, srv.URL, in403)
			t.Logf("%d pages captured, %d planted problems visible, %d found, %d excused (rate-limited area), %d unverified, %d findings",
				len(captured), len(truth), len(s.Found), len(s.Excused), len(s.Unverified), len(findings))
			for _, k := range s.Missed {
				t.Errorf("planted problem not found: %s", k)
			}
			client := srv.Client()
			client.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
			for _, k := range s.Unexpected {
				// A finding the manifest does not list is a false positive
				// unless the portal really answers that way: the manifest
				// lists only the empty days inside its archive range, while
				// calendar pages also link days before it, which answer 404.
				// Likewise days before the range that answer 200 "no news",
				// and hygiene problems on pages the manifest files under
				// another URL: each is checked against what the portal
				// really serves.
				rule, target, _ := strings.Cut(k, " ")
				resp, err := client.Get(srv.URL + target)
				if err != nil {
					t.Errorf("false positive: %s (%v)", k, err)
					continue
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if servedAsFound(rule, resp.StatusCode, string(body)) {
					t.Logf("not in the manifest, but served so: %s", k)
					continue
				}
				t.Errorf("false positive: %s", k)
			}
			for _, f := range findings {
				if f.RuleID == "links/broken" && len(f.Occurrences) == 0 {
					t.Errorf("%s: no occurrences", f.URL)
				}
				// A target the crawl was refused is never judged by its
				// refusal: it is unverified, or judged by a later answer
				// that was not a refusal.
				if refused[f.URL] && f.RuleID != "links/unverified" && (f.Status == 403 || f.Status == 429) {
					t.Errorf("refused target reported as %s: %s (%d)", f.RuleID, f.URL, f.Status)
				}
				if f.RuleID == "links/unverified" && !in403(strings.TrimPrefix(f.URL, srv.URL)) {
					t.Errorf("unverified outside the 403 area: %s (%s)", f.URL, f.Evidence)
				}
			}
			if tc.quirks.RateLimit429 == 0 && tc.quirks.RateLimit403 == 0 {
				if len(s.Unverified) > 0 || len(refused) > 0 {
					t.Errorf("no rate limits, yet %d refused captures and %d unverified targets", len(refused), len(s.Unverified))
				}
				return
			}
			// The limits really bit: the crawl was refused (429s it
			// retried past, and the 403 area), and the targets it lost
			// are reported as unverified, every one of them.
			if sum.Counts.Refused < 20 || len(refused) == 0 {
				t.Errorf("%d refusals, %d refused captures: the rate limits did not bite", sum.Counts.Refused, len(refused))
			}
			unverified := map[string]bool{}
			for _, k := range s.Unverified {
				unverified[strings.TrimPrefix(k, "links/unverified ")] = true
			}
			host := strings.TrimPrefix(srv.URL, "http://")
			for u := range refused {
				rel := strings.TrimPrefix(u, srv.URL)
				if linked[rel] && !unverified[strings.ReplaceAll(rel, host, "{host}")] {
					t.Errorf("refused and linked, but not reported unverified: %s", rel)
				}
			}
		})
	}
}

// servedAsFound reports whether a page as served shows the problem a rule
// reported about it (for a target rule) or on it (for a hygiene rule).
func servedAsFound(rule string, status int, body string) bool {
	switch rule {
	case "links/broken":
		return status == 404 || status == 410
	case "links/soft-404":
		return status == 200 && strings.Contains(body, `class="no_news"`)
	case "links/empty-href":
		return status == 200 && strings.Contains(body, `href=""`)
	case "links/javascript-href":
		return status == 200 && strings.Contains(body, `href="javascript:`)
	case "links/malformed-url":
		return status == 200 && strings.Contains(body, `href="http:/`)
	case "links/onclick-only":
		return status == 200 && (strings.Contains(body, `onclick="return get_page('`) || strings.Contains(body, `onclick="window.location='`))
	}
	return false
}
