package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// benchPages is the size of the synthetic archive of BenchmarkCheck:
// ARCHIVER_BENCH_PAGES, default 100,000.
func benchPages(b *testing.B) int {
	if s := os.Getenv("ARCHIVER_BENCH_PAGES"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("ARCHIVER_BENCH_PAGES=%q: want a positive number", s)
		}
		return n
	}
	return 100_000
}

// syntheticArchive writes a real SQLite archive of one crawl run with n
// HTML captures and their extracted pages (current extractor version, so
// the check reads them as stored): articles with a byline, a date, a
// dateline, an image with its credit, breadcrumbs and links, and about one
// page in ten with an editorial defect.
func syntheticArchive(b *testing.B, path string, n int) {
	ctx := context.Background()
	store, err := sqlite.Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer store.Close()
	at := time.Date(2024, 4, 3, 6, 0, 0, 0, time.UTC)
	run, err := store.CreateRun(ctx, archive.Run{Seeds: []string{"https://www.example.gov/"}, StartedAt: at, Status: archive.RunRunning})
	if err != nil {
		b.Fatal(err)
	}
	sections := []string{"government", "economy", "society", "regions", "president"}
	body := "The Prime Minister met the delegation to discuss trade, logistics and joint industrial projects. " +
		"The sides agreed to prepare a roadmap for cooperation in agriculture, education and healthcare. " +
		"Mutual trade grew by a quarter last year and there is room to grow further, the official said. "
	for i := 0; i < n; i++ {
		sec := sections[i%len(sections)]
		day := 1 + i%28
		u := fmt.Sprintf("https://www.example.gov/%s/events/2024/03/%02d/article-%06d.html", sec, day, i)
		html := fmt.Sprintf("<!DOCTYPE html><html lang=\"en\"><head><title>Article %d</title></head><body><h1>Article %d</h1><p>%s</p></body></html>", i, i, body)
		id, _, err := store.PutCapture(ctx, &archive.Capture{
			RunID: run, URL: u, CanonicalURL: u, FinalURL: u, Method: "GET", Status: 200,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, FetchedAt: at.Add(time.Duration(i) * 50 * time.Millisecond),
			Body: []byte(html), Verdict: archive.VerdictOK,
		})
		if err != nil {
			b.Fatal(err)
		}
		date := fmt.Sprintf("2024-03-%02d", day)
		p := &archive.Page{
			CaptureID: id, URL: u, ExtractorVersion: extract.Version, Kind: archive.KindArticle,
			Lang: "en", DetectedLang: "en", Title: fmt.Sprintf("Article %d | Belarus", i),
			Headline: fmt.Sprintf("Prime Minister meets delegation number %d on trade", i), HeadlineEvidence: "h1 matching the structured title",
			Published: archive.Date{Value: date, Text: fmt.Sprintf("%d Mar 2024", day), Source: "time"},
			Dateline:  archive.Dateline{Raw: fmt.Sprintf("MINSK, %d March (BelTA) -", day), Place: "MINSK", DateText: fmt.Sprintf("%d March", day), Date: date, Agency: "BelTA", Dash: "-"},
			Source:    "BelTA", Authors: []string{"Anna Ivanova"},
			Images:  []archive.Image{{Src: fmt.Sprintf("https://www.example.gov/img/%d.jpg", i), Alt: "The meeting", Caption: "Photo by sectsco.org", Credit: "sectsco.org", CreditText: "Photo by sectsco.org", CreditSource: "figcaption"}},
			Credits: []archive.Credit{{Kind: "photo", Name: "sectsco.org", Text: "Photo by sectsco.org", Image: fmt.Sprintf("https://www.example.gov/img/%d.jpg", i)}},
			Breadcrumbs: []archive.Crumb{{Text: "Home", URL: "https://www.example.gov/"}, {Text: sec, URL: "https://www.example.gov/" + sec + "/"},
				{Text: "Events", URL: "https://www.example.gov/" + sec + "/events/"}},
			Body: fmt.Sprintf("MINSK, %d March (BelTA) - %s%s", day, body, body), WordCount: 95,
		}
		for k := 0; k < 5; k++ {
			p.Links = append(p.Links, archive.Link{Href: fmt.Sprintf("/%s/events/%d.html", sec, (i+k+1)%n), URL: fmt.Sprintf("https://www.example.gov/%s/events/%d.html", sec, (i+k+1)%n), Text: "Related", Place: archive.PlaceBody, Attr: "href", Tag: "a"})
		}
		switch i % 10 { // one page in ten has a defect
		case 1:
			p.Authors, p.Source = nil, ""
		case 3:
			p.Images[0].Credit, p.Images[0].CreditText, p.Images[0].CreditSource = "", "", ""
		case 5:
			p.Lang = ""
		case 7:
			p.Body += " Lorem ipsum dolor sit amet."
		}
		if err := store.PutPage(ctx, p); err != nil {
			b.Fatal(err)
		}
	}
	if err := store.FinishRun(ctx, run, archive.RunComplete, archive.RunCounts{Captured: n}, at.Add(2*time.Hour)); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkCheck runs `archiver check` (the built binary, GOMAXPROCS=2,
// the editorial pack, JSON output) over a synthetic archive of
// ARCHIVER_BENCH_PAGES pages (default 100,000) in a real SQLite file, and
// reports the wall time, pages a second, the child's CPU time (user and
// system) and its peak RSS. The archive is built before the timer starts
// (about 2 minutes for 100,000 pages); use -benchtime 1x:
//
//	go test ./cmd/archiver -run '^$' -bench 'BenchmarkCheck$' -benchtime 1x
func BenchmarkCheck(b *testing.B) {
	n := benchPages(b)
	dir := b.TempDir()
	db := filepath.Join(dir, "bench.db")
	start := time.Now()
	syntheticArchive(b, db, n)
	b.Logf("built a %d-page archive in %s", n, time.Since(start).Round(time.Second))
	bin := archiverBinary(b)
	b.ResetTimer()
	for range b.N {
		cmd := exec.Command(bin, "--db", db, "check", "--only", "editorial/*", "--fail-on", "never", "--format", "json", "--out", filepath.Join(dir, "out.json"))
		cmd.Env = append(os.Environ(), "GOMAXPROCS=2", "ARCHIVER_NOW=2024-04-04T12:00:00Z")
		t0 := time.Now()
		out, err := cmd.CombinedOutput()
		elapsed := time.Since(t0)
		if err != nil {
			b.Fatalf("check: %v\n%s", err, out)
		}
		ru, _ := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		b.ReportMetric(elapsed.Seconds(), "s/check")
		b.ReportMetric(float64(n)/elapsed.Seconds(), "pages/s")
		if ru != nil {
			b.ReportMetric(float64(ru.Maxrss)/1024, "peak-RSS-MB") // Linux reports KiB
			cpu := time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
			b.ReportMetric(cpu.Seconds(), "cpu-s/check") // user + system, less sensitive to other load
		}
	}
}
