package check

import (
	"bytes"
	"compress/gzip"
	"strings"
	"testing"
)

func TestSitemapLocs(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`<urlset><url><loc>https://e.gov/z</loc></url></urlset>`))
	zw.Close()
	tests := []struct {
		name string
		body []byte
		want []string
	}{
		{"urlset", []byte("<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc> https://e.gov/a </loc><lastmod>2024-04-04</lastmod></url><url><loc>https://e.gov/b?x=1&amp;y=2</loc></url></urlset>"),
			[]string{"https://e.gov/a", "https://e.gov/b?x=1&y=2"}},
		{"index", []byte(`<sitemapindex><sitemap><loc>https://e.gov/s1.xml</loc></sitemap></sitemapindex>`), []string{"https://e.gov/s1.xml"}},
		{"gzipped", gz.Bytes(), []string{"https://e.gov/z"}},
		{"an RSS feed is no sitemap", []byte(`<rss><channel><item><link>https://e.gov/a</link><loc>https://e.gov/x</loc></item></channel></rss>`), nil},
		{"truncated", []byte(`<urlset><url><loc>https://e.gov/a</loc></url><url><loc>https://e.g`), []string{"https://e.gov/a"}},
		{"not XML", []byte("<!DOCTYPE html><html><body>no</body></html>"), nil},
		{"empty", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := sitemapLocs(tt.body)
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzSitemapLocs(f *testing.F) {
	for _, s := range []string{
		`<urlset><url><loc>https://e.gov/a</loc></url></urlset>`,
		`<sitemapindex><sitemap><loc>x</loc></sitemap></sitemapindex>`,
		"<urlset><loc>\x00</loc>", "\x1f\x8b\x08", "<a><loc>1</loc></a>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, l := range sitemapLocs(body) {
			if strings.TrimSpace(l) != l || l == "" {
				t.Fatalf("location %q not trimmed or empty", l)
			}
		}
	})
}

// TestBetterRepresentative checks the order of the signals that pick the
// URL a page is reported under.
func TestBetterRepresentative(t *testing.T) {
	tests := []struct {
		name string
		a, b member
	}{
		{"self-canonical over listed", member{url: "https://e.gov/b/x", selfCanonical: true, crumbs: 2}, member{url: "https://e.gov/a/x", listed: true}},
		{"listed over breadcrumbs", member{url: "https://e.gov/b/x", listed: true, crumbs: 2}, member{url: "https://e.gov/a/x"}},
		{"breadcrumbs over no query", member{url: "https://e.gov/a/x?page=2", query: true}, member{url: "https://e.gov/b/x", crumbs: 2}},
		{"no query over depth", member{url: "https://e.gov/a/x", depth: 5}, member{url: "https://e.gov/a/x?page=2", query: true, depth: 1}},
		{"depth over length", member{url: "https://e.gov/long/path/x", depth: 1}, member{url: "https://e.gov/x", depth: 2}},
		{"shorter", member{url: "https://e.gov/x", captureID: 9}, member{url: "https://e.gov/xy", captureID: 1}},
		{"first captured", member{url: "https://e.gov/x", captureID: 1}, member{url: "https://e.gov/y", captureID: 2}},
	}
	for _, tt := range tests {
		if !betterRepresentative(&tt.a, &tt.b) || betterRepresentative(&tt.b, &tt.a) {
			t.Errorf("%s: %s should win over %s, and not the other way round", tt.name, tt.a.url, tt.b.url)
		}
	}
}
