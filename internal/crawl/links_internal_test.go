package crawl

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/archiver-dev/archiver/internal/portal"
)

// scanPages returns pages to scan: some of the demo portal's (its home
// page and the pages of its manifest's first entries) and every 10th page
// of the evaluation data beside the repository, if present.
func scanPages(tb testing.TB) map[string][]byte {
	tb.Helper()
	p, err := portal.New(portal.Config{Seed: 1, Articles: 30})
	if err != nil {
		tb.Fatal(err)
	}
	h := p.Handler()
	pages := map[string][]byte{}
	for _, path := range []string{"/en/", "/ru/", "/be/", "/en/calendar/", "/en/all_news/", "/en/regions/news.html"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body, _ := io.ReadAll(rec.Result().Body)
		pages["portal"+path] = body
	}
	files, _ := filepath.Glob(filepath.Join("..", "..", "..", "shared", "evaldata", "*", "html", "*.html"))
	for i := 0; i < len(files); i += 10 {
		if b, err := os.ReadFile(files[i]); err == nil {
			pages[files[i]] = b
		}
	}
	return pages
}

// TestScanHTMLSkipsOnlyBarrenTags: scanHTML, which does not read the
// attributes of tags that cannot yield anything, finds on real pages
// exactly what reading every tag finds.
func TestScanHTMLSkipsOnlyBarrenTags(t *testing.T) {
	links := 0
	for name, body := range scanPages(t) {
		for _, req := range []bool{false, true} {
			got := scanHTML(body, "text/html", req)
			want := scanHTMLTags(body, "text/html", req, false)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (requisites %v): skipping tags found %d links, reading all %d", name, req, len(got.Links), len(want.Links))
			}
			links += len(got.Links)
		}
	}
	if links == 0 {
		t.Error("no links found at all")
	}
}

func TestMayYield(t *testing.T) {
	tests := []struct {
		raw        string
		requisites bool
		want       bool
	}{
		{`<a href="/x">`, false, true},
		{`<A HREF="/x">`, false, true},
		{`<a>`, false, true},
		{`<abbr title="x">`, false, false},
		{`<div class="x">`, false, false},
		{`<div ONCLICK="go('/x')">`, false, true},
		{`<span itemprop="datePublished" datetime="2024-01-02">`, false, true},
		{`<img src="/i.jpg">`, false, false},
		{`<img src="/i.jpg">`, true, true},
		{`<IFRAME src="/f">`, false, true},
		{`<meta/content="x">`, false, true},
		{"<time\fdatetime=2024-01-02>", false, true},
		{`<br/>`, true, false},
		{`<section data-onclick-x="1">`, false, true}, // only a prefilter: may say yes for nothing
		{`<`, false, false},
	}
	for _, tc := range tests {
		if got := mayYield([]byte(tc.raw), tc.requisites); got != tc.want {
			t.Errorf("mayYield(%q, %v) = %v, want %v", tc.raw, tc.requisites, got, tc.want)
		}
	}
}

// BenchmarkScanHTML scans the pages of scanPages, reading the attributes
// of the tags that may yield something, or of every tag.
func BenchmarkScanHTML(b *testing.B) {
	pages := scanPages(b)
	for _, tc := range []struct {
		name string
		skip bool
	}{{"skip", true}, {"every-tag", false}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, body := range pages {
					scanHTMLTags(body, "text/html", false, tc.skip)
				}
			}
		})
	}
}
