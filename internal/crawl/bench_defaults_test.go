package crawl_test

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// BenchmarkCrawlDefaults crawls the demo portal (30 articles a language:
// over 2,000 pages) over loopback at the default settings, adaptive
// politeness included, as an operator would run "archiver crawl URL":
// plain, and with the portal's rate limits on (a 429 share with
// Retry-After 1 s, which pauses the host, and a 403 area after 3
// requests). It reports pages/s, the requests, and how the host was
// treated (backoffs, the concurrency reached).
//
//	go test -run '^$' -bench CrawlDefaults -benchtime 1x ./internal/crawl/
func BenchmarkCrawlDefaults(b *testing.B) {
	for _, bc := range []struct {
		name   string
		quirks portal.Quirks
	}{
		{"plain", portal.Quirks{}},
		{"rate-limited", portal.Quirks{RateLimit429: 0.003, RetryAfter: 1, RateLimit403: 3}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			p, err := portal.New(portal.Config{Seed: 7, Articles: 30, Quirks: bc.quirks})
			if err != nil {
				b.Fatal(err)
			}
			srv := httptest.NewServer(p.Handler())
			defer srv.Close()
			for range b.N {
				st, err := sqlite.Open(context.Background(), filepath.Join(b.TempDir(), "archive.db"))
				if err != nil {
					b.Fatal(err)
				}
				cfg := crawl.DefaultConfig()
				cfg.Seeds = []string{srv.URL + "/"}
				start := time.Now()
				sum, err := crawl.Run(context.Background(), cfg, st)
				el := time.Since(start)
				st.Close()
				if err != nil {
					b.Fatal(err)
				}
				pages := sum.Counts.Captured + sum.Counts.Revisits
				b.ReportMetric(float64(pages), "pages")
				b.ReportMetric(float64(pages)/el.Seconds(), "pages/s")
				b.ReportMetric(el.Seconds(), "wall-s")
				b.ReportMetric(float64(sum.Counts.Refused), "refused")
				for _, h := range sum.Hosts {
					b.ReportMetric(float64(h.Backoffs), "backoffs")
					b.ReportMetric(float64(h.MaxConcurrency), "max-host-concurrency")
					b.Logf("%s: %d requests, %d backoffs, concurrency %d (at most %d), delay %v, response time %v",
						h.Host, h.Requests, h.Backoffs, h.Concurrency, h.MaxConcurrency, h.Delay, h.Latency)
				}
				b.Logf("%d pages (%d requests) in %v; refused %d, errors %d", pages, sum.Fetches, el.Round(time.Millisecond), sum.Counts.Refused, sum.Counts.Errors)
			}
		})
	}
}
