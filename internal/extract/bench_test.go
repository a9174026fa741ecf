package extract_test

import (
	"bufio"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/portal"
)

// evalDir is the development split of the public benchmarks, beside the
// repository (see the README); benchmarks skip when it is absent.
const evalDir = "../../../shared/evaldata"

// evalPages loads every page of the evaluation datasets with its URL.
func evalPages(tb testing.TB) []extract.Input {
	tb.Helper()
	var out []extract.Input
	for _, ds := range []string{"naeb", "htmldate-eval", "scrapinghub-aeb", "trafilatura-eval"} {
		f, err := os.Open(filepath.Join(evalDir, ds, "ground_truth.jsonl"))
		if err != nil {
			tb.Skipf("evaluation data not found (%v): put the development split in ../shared/evaldata", err)
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var rec struct {
				File string  `json:"file"`
				URL  *string `json:"url"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				tb.Fatal(err)
			}
			body, err := os.ReadFile(filepath.Join(evalDir, ds, rec.File))
			if err != nil {
				tb.Fatal(err)
			}
			in := extract.Input{Body: body}
			if rec.URL != nil {
				in.URL = *rec.URL
			}
			out = append(out, in)
		}
		f.Close()
	}
	return out
}

// BenchmarkPage extracts every evaluation page once per iteration on one
// goroutine and reports the median and 90th percentile time per page.
//
//	go test -run '^$' -bench 'BenchmarkPage$' -benchtime 1x ./internal/extract/
func BenchmarkPage(b *testing.B) {
	benchPages(b, evalPages(b), extract.Options{Now: fixedNow})
}

// BenchmarkPageLinks is BenchmarkPage for the links-level extraction
// (Options.LinksOnly) that the link checker uses.
//
//	go test -run '^$' -bench 'BenchmarkPage(Links)?$' -benchtime 1x ./internal/extract/
func BenchmarkPageLinks(b *testing.B) {
	benchPages(b, evalPages(b), extract.Options{Now: fixedNow, LinksOnly: true})
}

// BenchmarkPortal is BenchmarkPage over the HTML pages of a 60-article
// demo portal, generated in-process: every page of its manifest (all kinds
// and statuses) outside its crawler-trap families, the scope of
// `make bench-links`.
//
//	go test -run '^$' -bench 'BenchmarkPortal(Links)?$' -benchtime 1x ./internal/extract/
func BenchmarkPortal(b *testing.B) {
	benchPages(b, portalPages(b, portal.Config{Seed: 1}), extract.Options{Now: fixedNow})
}

// BenchmarkPortalLinks is BenchmarkPortal for the links-level extraction,
// the link checker's work on a crawl of the demo portal.
func BenchmarkPortalLinks(b *testing.B) {
	benchPages(b, portalPages(b, portal.Config{Seed: 1}), extract.Options{Now: fixedNow, LinksOnly: true})
}

// portalPages generates a demo portal and renders, in-process, every page
// of its manifest that answers with HTML, whatever its status, except the
// members of its trap families (which a same-scope crawl excludes).
func portalPages(tb testing.TB, cfg portal.Config) []extract.Input {
	tb.Helper()
	p, err := portal.New(cfg)
	if err != nil {
		tb.Fatal(err)
	}
	var traps []*regexp.Regexp
	for _, t := range p.Manifest().Traps {
		traps = append(traps, regexp.MustCompile(t.Pattern))
	}
	h := p.Handler()
	var out []extract.Input
	for _, pg := range p.Manifest().Pages {
		if !strings.Contains(pg.ContentType, "html") || slices.ContainsFunc(traps, func(re *regexp.Regexp) bool { return re.MatchString(pg.URL) }) {
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "http://portal.example"+pg.URL, nil))
		if !strings.Contains(rec.Header().Get("Content-Type"), "html") {
			continue
		}
		out = append(out, extract.Input{URL: "http://portal.example" + pg.URL, Header: rec.Header(), Body: rec.Body.Bytes()})
	}
	if len(out) < 100 {
		tb.Fatalf("only %d HTML pages in the demo portal", len(out))
	}
	return out
}

func benchPages(b *testing.B, pages []extract.Input, opts extract.Options) {
	x := extract.New(opts)
	// One OS thread: wall time per page, and the thread's own CPU time per
	// page, which stays meaningful when other processes share the cores.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var times, cpus []time.Duration
	var bytes int64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, in := range pages {
			cpu0, cpuOK := threadCPU()
			start := time.Now()
			if _, err := x.Page(in); err != nil {
				b.Fatal(err)
			}
			times = append(times, time.Since(start))
			if cpu1, ok := threadCPU(); ok && cpuOK {
				cpus = append(cpus, cpu1-cpu0)
			}
			bytes += int64(len(in.Body))
		}
	}
	b.StopTimer()
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
	sort.Slice(times, func(i, j int) bool { return times[i] < times[j] })
	b.ReportMetric(ms(times[len(times)/2]), "median-ms/page")
	b.ReportMetric(ms(times[len(times)*9/10]), "p90-ms/page")
	if len(cpus) > 0 {
		sort.Slice(cpus, func(i, j int) bool { return cpus[i] < cpus[j] })
		b.ReportMetric(ms(cpus[len(cpus)/2]), "median-cpu-ms/page")
		var total time.Duration
		for _, c := range cpus {
			total += c
		}
		b.ReportMetric(ms(total/time.Duration(len(cpus))), "mean-cpu-ms/page")
	}
	b.ReportMetric(float64(len(pages)), "pages")
	b.SetBytes(bytes / int64(b.N))
}

// BenchmarkPathological measures the pages of TestPathologicalPages.
func BenchmarkPathological(b *testing.B) {
	cases := map[string][]byte{
		"nested-100k": []byte("<html><body>" + strings.Repeat("<div>", 100000) + "x" + strings.Repeat("</div>", 100000) + "</body></html>"),
		"text-50MB":   []byte("<html><body><p>" + strings.Repeat("word ", 10<<20) + "</p></body></html>"),
		"attr-1MB":    []byte(`<html><body><a href="/` + strings.Repeat("a", 1<<20) + `">x</a></body></html>`),
	}
	x := extract.New(extract.Options{Now: fixedNow})
	for name, body := range cases {
		b.Run(name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := x.Page(extract.Input{URL: "https://portal.example/", Body: body}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
