package portal_test

import (
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"

	"github.com/archiver-dev/archiver/internal/portal"
)

// benchArticles gives well over 10,000 URLs (about 20,000 with images,
// print versions, day archives and redirects).
const benchArticles = 1000

// BenchmarkNew measures generating a large portal (the indexes only).
func BenchmarkNew(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := portal.New(portal.Config{Seed: 1, Articles: benchArticles, Day: 30}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkManifest measures building the manifest of a large portal.
func BenchmarkManifest(b *testing.B) {
	b.ReportAllocs()
	var pages int
	for b.Loop() {
		p, err := portal.New(portal.Config{Seed: 1, Articles: benchArticles, Day: 30})
		if err != nil {
			b.Fatal(err)
		}
		pages = len(p.Manifest().Pages)
	}
	b.ReportMetric(float64(pages), "pages")
}

// BenchmarkRetained reports the heap a large portal keeps: after New (the
// indexes only) and after its Manifest is built.
func BenchmarkRetained(b *testing.B) {
	heap := func() float64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return float64(ms.HeapAlloc)
	}
	var afterNew, afterManifest float64
	for b.Loop() {
		before := heap()
		p, err := portal.New(portal.Config{Seed: 1, Articles: benchArticles, Day: 30})
		if err != nil {
			b.Fatal(err)
		}
		afterNew = heap() - before
		m := p.Manifest()
		afterManifest = heap() - before
		runtime.KeepAlive(m)
	}
	b.ReportMetric(afterNew/1e6, "MB-portal")
	b.ReportMetric(afterManifest/1e6, "MB-with-manifest")
}

// BenchmarkRender measures rendering pages of each kind of a large portal
// through its handler (no network).
func BenchmarkRender(b *testing.B) {
	p, err := portal.New(portal.Config{Seed: 1, Articles: benchArticles, Day: 30})
	if err != nil {
		b.Fatal(err)
	}
	byKind := map[portal.Kind][]string{}
	for _, pg := range p.Manifest().Pages {
		if pg.Status == 200 && (pg.DuplicateOf == "" || pg.Kind == portal.KindPrint) && len(byKind[pg.Kind]) < 200 {
			byKind[pg.Kind] = append(byKind[pg.Kind], pg.URL)
		}
	}
	h := p.Handler()
	for _, kind := range []portal.Kind{portal.KindArticle, portal.KindPhotoReport, portal.KindListing, portal.KindHome, portal.KindDayArchive, portal.KindCalendar, portal.KindPrint, portal.KindSitemap, portal.KindRSS, portal.KindImage} {
		urls := byKind[kind]
		if len(urls) == 0 {
			b.Fatalf("no %s pages", kind)
		}
		b.Run(string(kind), func(b *testing.B) {
			b.ReportAllocs()
			var n, bytes int
			for b.Loop() {
				r := httptest.NewRequest(http.MethodGet, urls[n%len(urls)], nil)
				w := httptest.NewRecorder()
				h.ServeHTTP(w, r)
				if w.Code != 200 {
					b.Fatalf("%s: %d", urls[n%len(urls)], w.Code)
				}
				bytes += w.Body.Len()
				n++
			}
			b.ReportMetric(float64(bytes)/float64(n), "bytes/page")
		})
	}
}
