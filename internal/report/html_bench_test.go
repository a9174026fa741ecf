package report

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/archiver-dev/archiver/internal/report/htmltest"
)

// scaleAudit is the audit of the scale: 100,000 pages checked,
// 50,000 findings, and the default budget of embedded copies (300 pages of
// about 40 KB each).
func scaleAudit() *Audit {
	a := fixtureAudit(100_000, 50_000)
	page := strings.Repeat("<p>MINSK, 3 April (BelTA) - The minister visited the plant and met the workers there.</p>\n", 450)
	a.Copies = a.Copies[:0]
	for i := 0; i < 300; i++ {
		a.Copies = append(a.Copies, Copy{CaptureID: int64(1000 + i), URL: fmt.Sprintf("https://www.belarus.example/en/news/%d.html", i),
			Status: 200, FetchedAt: fixtureTime, SHA256: fmt.Sprintf("%064x", i), ContentType: "text/html; charset=utf-8",
			Body: []byte("<html><head><title>Item</title><script>x()</script></head><body>" + page + "</body></html>")})
	}
	return a
}

// BenchmarkHTML writes the report of 100,000 pages and 50,000 findings.
// It reports the file size; -benchmem gives the allocations.
//
//	go test -run '^$' -bench HTML -benchtime 3x -benchmem ./internal/report/
func BenchmarkHTML(b *testing.B) {
	a := scaleAudit()
	var size int
	b.ResetTimer()
	for b.Loop() {
		var cw countingWriter
		if err := HTML(&cw, a); err != nil {
			b.Fatal(err)
		}
		size = cw.n
	}
	b.ReportMetric(float64(size)/(1<<20), "MB/report")
}

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

var _ io.Writer = (*countingWriter)(nil)

// BenchmarkHTMLInBrowser opens the report of 100,000 pages and 50,000
// findings in headless Chromium and measures how long the page takes to
// load and render the first page of findings, and how long a filter takes
// over all 50,000.
//
//	go test -run '^$' -bench HTMLInBrowser -benchtime 1x ./internal/report/
func BenchmarkHTMLInBrowser(b *testing.B) {
	var buf bytes.Buffer
	if err := HTML(&buf, scaleAudit()); err != nil {
		b.Fatal(err)
	}
	path := filepath.Join(b.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		br := htmltest.Open(b, true)
		start := time.Now()
		br.Run(b, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#findings-list .finding", chromedp.ByQuery))
		load := time.Since(start)
		var ms float64
		br.Eval(b, `(() => { const t = performance.now(); const s = document.getElementById("f-sev"); s.value = "error"; s.dispatchEvent(new Event("input", {bubbles: true})); return performance.now() - t; })()`, &ms)
		var status string
		br.Eval(b, `document.getElementById("findings-status").textContent`, &status)
		if !strings.Contains(status, "filtered") {
			b.Fatalf("filter did not apply: %q", status)
		}
		b.ReportMetric(load.Seconds()*1000, "ms-load")
		b.ReportMetric(ms, "ms-filter")
	}
}
