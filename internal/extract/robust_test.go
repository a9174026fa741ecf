package extract_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/extract"
)

// TestPathologicalPages checks that hostile input finishes with a page and a
// recorded warning. The time it takes is measured by BenchmarkPathological,
// not asserted here.
func TestPathologicalPages(t *testing.T) {
	tests := []struct {
		name string
		body []byte
		warn string
	}{
		{"100,000 nested elements", []byte("<html><body>" + strings.Repeat("<div>", 100000) + "deep" + strings.Repeat("</div>", 100000) + "</body></html>"), "nested"},
		{"100,000 unclosed inline elements", []byte("<html><body>" + strings.Repeat("<b><i>", 50000) + "deep</body></html>"), "nested"},
		{"50 MB of text", append(append([]byte("<html><body><p>"), bytes.Repeat([]byte("word "), 10<<20)...), "</p></body></html>"...), "cut"},
		{"1 MB attribute", []byte(`<html><body><a href="/` + strings.Repeat("a", 1<<20) + `" class="` + strings.Repeat("c ", 1<<19) + `">x</a><p>text</p></body></html>`), "attribute"},
		{"binary", bytes.Repeat([]byte{0, 1, 2, 0xff}, 1000), "binary"},
		{"empty", nil, "empty"},
	}
	for _, level := range []struct {
		name string
		x    *extract.Extractor
	}{{"full", extract.New(extract.Options{Now: fixedNow})}, {"links", extract.New(extract.Options{Now: fixedNow, LinksOnly: true})}} {
		for _, tt := range tests {
			t.Run(level.name+"/"+tt.name, func(t *testing.T) {
				p, err := level.x.Page(extract.Input{URL: "https://portal.example/x", Body: tt.body})
				if err != nil {
					t.Fatal(err)
				}
				if !strings.Contains(strings.Join(p.Warnings, "; "), tt.warn) {
					t.Errorf("warnings %q, want one about %q", p.Warnings, tt.warn)
				}
				for _, l := range p.Links {
					if len(l.Href) > 4096 {
						t.Errorf("link of %d bytes kept", len(l.Href))
					}
				}
			})
		}
	}
}

// FuzzPage feeds arbitrary bytes, headers and URLs to the extractor: it must
// never panic or fail, and what it returns must be bounded by the input.
func FuzzPage(f *testing.F) {
	f.Add([]byte(`<html><head><meta charset="windows-1251"><title>T | S</title></head><body><h1>H</h1><p>MINSK, 3 April (BelTA) - x</p></body></html>`), "text/html", "https://portal.example/a")
	f.Add([]byte("<a href='javascript:x' onclick=\"location.href='/y'\">"+strings.Repeat("<div>", 600)), "", "")
	f.Add([]byte{0xEF, 0xBB, 0xBF, '<', 'p', '>', 0xC0}, "text/html; charset=utf-16", "::bad url")
	f.Add([]byte(`<script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","author":[{"@type":"Person","name":"A B"}],"datePublished":"2024-13-45"}]}</script><table><tr><td>Su</td><td>Mo</td></tr></table>`), "text/html", "http://h/2024/04/03/x")
	// The libraries (go-trafilatura, go-htmldate) are left out: the fuzzer
	// exercises this package's own parsing, which it can then run fast.
	x := extract.New(extract.Options{Now: fixedNow, NoBody: true, HighPrecision: true})
	links := extract.New(extract.Options{Now: fixedNow, NoBody: true, LinksOnly: true})
	f.Fuzz(func(t *testing.T, body []byte, contentType, url string) {
		in := extract.Input{URL: url, Header: map[string][]string{"Content-Type": {contentType}}, Body: body}
		p, err := x.Page(in)
		if err != nil {
			t.Fatalf("error: %v", err)
		}
		if p == nil {
			t.Fatal("nil page")
		}
		lp, err := links.Page(in)
		if err != nil {
			t.Fatalf("links level: error: %v", err)
		}
		if lp == nil {
			t.Fatal("links level: nil page")
		}
		if len(lp.Links) != len(p.Links) || lp.Kind != p.Kind {
			t.Errorf("links level: %d links and kind %q, full extraction %d links and kind %q", len(lp.Links), lp.Kind, len(p.Links), p.Kind)
		}
		if len(p.Body) > 4*len(body)+64 {
			t.Errorf("body of %d bytes from %d bytes of input", len(p.Body), len(body))
		}
	})
}
