package sitemap_test

import (
	"bytes"
	"compress/gzip"
	"slices"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/sitemap"
)

func TestLocs(t *testing.T) {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`<urlset><url><loc>https://e.gov/z</loc></url></urlset>`))
	zw.Close()
	// "/новости" written in windows-1251 in a sitemap declared as such.
	cp1251 := append([]byte(`<?xml version="1.0" encoding="windows-1251"?><urlset><url><loc>https://e.gov/`), 0xed, 0xee, 0xe2, 0xee, 0xf1, 0xf2, 0xe8)
	cp1251 = append(cp1251, []byte(`</loc></url></urlset>`)...)
	tests := []struct {
		name string
		body []byte
		want []string
		ok   bool
	}{
		{"urlset", []byte("<?xml version=\"1.0\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><url><loc> https://e.gov/a </loc><lastmod>2024-04-04</lastmod></url><url><loc>https://e.gov/b?x=1&amp;y=2</loc></url><url><loc>javascript:alert(1)</loc></url><url><loc>/relative</loc></url></urlset>"),
			[]string{"https://e.gov/a", "https://e.gov/b?x=1&y=2"}, true},
		{"index", []byte(`<sitemapindex><sitemap><loc>https://e.gov/s1.xml</loc></sitemap></sitemapindex>`), []string{"https://e.gov/s1.xml"}, true},
		{"gzipped", gz.Bytes(), []string{"https://e.gov/z"}, true},
		{"windows-1251", cp1251, []string{"https://e.gov/новости"}, true},
		{"an RSS feed is no sitemap", []byte(`<rss><channel><item><link>https://e.gov/a</link><loc>https://e.gov/x</loc></item></channel></rss>`), nil, false},
		{"truncated", []byte(`<urlset><url><loc>https://e.gov/a</loc></url><url><loc>https://e.g`), []string{"https://e.gov/a"}, true},
		{"not XML", []byte("<!DOCTYPE html><html><body>no</body></html>"), nil, false},
		{"broken gzip", []byte{0x1f, 0x8b, 0, 0}, nil, false},
		{"empty", nil, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := sitemap.Locs(tt.body)
			if ok != tt.ok || !slices.Equal(got, tt.want) {
				t.Errorf("got %q %v, want %q %v", got, ok, tt.want, tt.ok)
			}
		})
	}
}

func FuzzLocs(f *testing.F) {
	for _, s := range []string{
		`<urlset><url><loc>https://e.gov/a</loc></url></urlset>`,
		`<sitemapindex><sitemap><loc>x</loc></sitemap></sitemapindex>`,
		`<?xml version="1.0" encoding="utf-16"?><urlset><loc>`,
		`<!DOCTYPE x [<!ENTITY a "&a;&a;">]><urlset><url><loc>&a;</loc></url></urlset>`,
		"<urlset><loc>\x00</loc>", "\x1f\x8b\x08", "<a><loc>1</loc></a>",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		locs, ok := sitemap.Locs(body)
		if !ok && len(locs) > 0 {
			t.Fatal("locations from a document that is not a sitemap")
		}
		for _, l := range locs {
			if strings.TrimSpace(l) != l || (!strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://")) {
				t.Fatalf("location %q is not a trimmed http(s) URL", l)
			}
		}
	})
}
