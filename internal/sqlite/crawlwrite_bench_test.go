package sqlite_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// crawlWriters is how many goroutines write at once in
// BenchmarkPutCaptureAndEnqueue, as the crawler's default workers do.
const crawlWriters = 8

// portalURL is the URL of page i of the benchmark's portal: about as long
// as the demo portal's article URLs.
func portalURL(i int) string {
	return fmt.Sprintf("https://www.portal.example/en/press-center/news/belarus-discusses-cooperation-in-the-region_i_%010d.html", i)
}

// portalPage is the body of page i: 6 KB of HTML, distinct per page.
func portalPage(i int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "<!doctype html><html><head><title>News %d</title></head><body><h1>Headline %d</h1>", i, i)
	for j := 0; b.Len() < 6<<10; j++ {
		fmt.Fprintf(&b, "<p>Paragraph %d of article %d: MINSK, 3 April (BelTA) - the delegation discussed item %d.</p>", j, i, (i*31+j*7)%1000)
	}
	b.WriteString("</body></html>")
	return []byte(b.String())
}

// linksOf returns the links of page i that the crawler queues: the pages
// it is the first to link to. The crawler queues a URL once per run (it
// remembers the URLs it has seen), so the portal is a tree in which page i
// discovers pages 3i+1 to 3i+3.
func linksOf(i, pages int) []archive.FrontierEntry {
	var links []archive.FrontierEntry
	for k := 3*i + 1; k <= 3*i+3 && k < pages; k++ {
		links = append(links, archive.FrontierEntry{URL: portalURL(k), Depth: 2, DiscoveredFrom: portalURL(i)})
	}
	return links
}

// requestHeader is what the crawler sends; a recrawl adds validators.
func requestHeader(etag, lastModified string) http.Header {
	h := http.Header{
		"User-Agent":      {"archiver/1.0 (+mailto:ops@portal.example)"},
		"Accept":          {"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"},
		"Accept-Encoding": {"gzip"},
	}
	if etag != "" {
		h["If-None-Match"] = []string{etag}
		h["If-Modified-Since"] = []string{lastModified}
	}
	return h
}

// crawlPass is one crawl of the benchmark's portal from page 0, as the
// crawler does it: crawlWriters goroutines claim four URLs at a time and
// store each page with PutCaptureAndEnqueue and the links it discovers.
// capture builds the capture of page i.
func crawlPass(b *testing.B, s *sqlite.Store, pages int, capture func(run int64, i int, e archive.FrontierEntry) *archive.Capture) int64 {
	ctx := context.Background()
	run := mustRun(b, s)
	if _, err := s.Enqueue(ctx, run, []archive.FrontierEntry{{URL: portalURL(0), Depth: 0}}); err != nil {
		b.Fatal(err)
	}
	index := make(map[string]int, pages)
	for i := range pages {
		index[portalURL(i)] = i
	}
	var stored atomic.Int64
	b.StartTimer()
	var wg sync.WaitGroup
	for range crawlWriters {
		wg.Go(func() {
			for stored.Load() < int64(pages) {
				got, err := s.Claim(ctx, run, 4, t0.Add(time.Hour))
				if err != nil {
					b.Error(err)
					return
				}
				if len(got) == 0 {
					time.Sleep(100 * time.Microsecond) // pages in flight will queue more
					continue
				}
				for _, e := range got {
					i := index[e.URL]
					if _, _, _, err := s.PutCaptureAndEnqueue(ctx, capture(run, i, e), linksOf(i, pages)); err != nil {
						b.Error(err)
						return
					}
					stored.Add(1)
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	return run
}

// BenchmarkPutCaptureAndEnqueue measures the crawl's write path: b.N pages
// of 6 KB, each stored with the links it discovers by eight concurrent
// writers claiming four URLs at a time, as the crawler does (see
// crawlPass). "first"
// stores new bodies; "revisit" recrawls the same portal, unchanged (every
// page a 304 revisit with the validators of the first crawl), and reports
// what the recrawl added to the archive per page (B/revisit: the growth
// of the file, WAL included, divided by the pages).
//
//	go test -run '^$' -bench PutCaptureAndEnqueue -benchtime 5000x ./internal/sqlite
func BenchmarkPutCaptureAndEnqueue(b *testing.B) {
	ctx := context.Background()
	fresh := func(run int64, i int, e archive.FrontierEntry) *archive.Capture {
		body := portalPage(i)
		c := capture(run, e.URL, body)
		c.URL, c.FinalURL, c.DiscoveredFrom, c.Depth = e.URL, e.URL, e.DiscoveredFrom, e.Depth
		c.RequestHeader = requestHeader("", "")
		c.Header = http.Header{
			"Content-Type":   {"text/html; charset=utf-8"},
			"Content-Length": {fmt.Sprint(len(body))},
			"Date":           {t0.Format(http.TimeFormat)},
			"Etag":           {fmt.Sprintf(`"%016x"`, i*2654435761)},
			"Last-Modified":  {t0.Add(-time.Duration(i) * time.Hour).Format(http.TimeFormat)},
			"Server":         {"nginx"},
		}
		c.FetchedAt = t0.Add(time.Duration(i) * time.Millisecond)
		return c
	}
	b.Run("first", func(b *testing.B) {
		b.StopTimer()
		s, _ := mustOpen(b)
		before := fileBytes(b, s)
		cpu := sqlite.ProcessCPU()
		crawlPass(b, s, b.N, fresh)
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		reportCPU(b, cpu)
		b.ReportMetric(float64(fileBytes(b, s)-before)/float64(b.N), "B/page")
	})
	b.Run("revisit", func(b *testing.B) {
		b.StopTimer()
		s, _ := mustOpen(b)
		first := crawlPass(b, s, b.N, fresh)
		b.ResetTimer()
		b.StopTimer()
		prev := map[string]*archive.Capture{}
		err := s.EachCapture(ctx, sqlite.CaptureQuery{RunID: first}, func(c *archive.Capture) error {
			prev[c.CanonicalURL] = c
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		before := fileBytes(b, s)
		cpu := sqlite.ProcessCPU()
		crawlPass(b, s, b.N, func(run int64, i int, e archive.FrontierEntry) *archive.Capture {
			p := prev[e.URL]
			return &archive.Capture{
				RunID: run, URL: e.URL, CanonicalURL: e.URL, FinalURL: e.URL, Method: "GET",
				RequestHeader: requestHeader(p.Header.Get("Etag"), p.Header.Get("Last-Modified")),
				Status:        http.StatusNotModified, Proto: "HTTP/1.1",
				Header:     http.Header{"Date": {t0.Add(24 * time.Hour).Format(http.TimeFormat)}, "Last-Modified": p.Header["Last-Modified"]},
				RemoteAddr: p.RemoteAddr, FetchedAt: p.FetchedAt.Add(24 * time.Hour), Duration: 3 * time.Millisecond,
				ContentLength: 0, BodySHA256: p.BodySHA256, Depth: e.Depth, DiscoveredFrom: e.DiscoveredFrom,
				Verdict: archive.VerdictRevisit, RevisitOf: p.ID,
			}
		})
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
		reportCPU(b, cpu)
		b.ReportMetric(float64(fileBytes(b, s)-before)/float64(b.N), "B/revisit")
	})
}

// fileBytes is the archive's size in pages in use (the main file and the
// WAL, as the reader sees it), without free pages.
func fileBytes(b *testing.B, s *sqlite.Store) int64 {
	st, err := s.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	return st.FileBytes - st.FreeBytes
}

// BenchmarkSkip stores pages that each queue three links and skip one URL
// (about the share of skipped URLs, trap families excluded, in the
// 2,203-page demo portal's same-scope crawl): with the skip in its own
// transaction (Skip, as the crawler records it), and with the skip among
// the page's entries of PutCaptureAndEnqueue (one transaction a page).
//
//	go test -run '^$' -bench 'BenchmarkSkip$' -benchtime 3000x ./internal/sqlite
func BenchmarkSkip(b *testing.B) {
	ctx := context.Background()
	for _, together := range []bool{false, true} {
		name := "own-transaction"
		if together {
			name = "with-capture"
		}
		b.Run(name, func(b *testing.B) {
			s, _ := mustOpen(b)
			run := mustRun(b, s)
			i := 0
			cpu := sqlite.ProcessCPU()
			for b.Loop() {
				entries := linksOf(i, 1<<40)
				skip := archive.FrontierEntry{URL: portalURL(i) + "?calendar=1900-01", Depth: 2, DiscoveredFrom: portalURL(i),
					State: archive.FrontierSkipped, Reason: "excluded"}
				if together {
					entries = append(entries, skip)
				} else if err := s.Skip(ctx, run, skip); err != nil {
					b.Fatal(err)
				}
				c := capture(run, portalURL(i), portalPage(i))
				if _, _, _, err := s.PutCaptureAndEnqueue(ctx, c, entries); err != nil {
					b.Fatal(err)
				}
				i++
			}
			reportCPU(b, cpu)
		})
	}
}
