package crawl

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"github.com/archiver-dev/archiver/internal/portal"
)

// tokenizerScan is the reference for scanHTML: the same reading of a
// page's tags, with the x/net/html Tokenizer finding the tags and every
// attribute of each.
func tokenizerScan(body []byte, contentType string, requisites bool) scanned {
	var out scanned
	z := html.NewTokenizer(bytes.NewReader(body))
	var decode func(string) string
	dec := func(v []byte) string {
		s := string(v)
		if isASCII(s) {
			return s
		}
		if decode == nil {
			decode = pageDecoder(body, contentType)
		}
		return decode(s)
	}
	for {
		switch z.Next() {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		tag := string(name)
		var href, src, rel, onclick, content, httpEquiv, property, datetime, itemprop string
		for more := true; more; {
			var k, v []byte
			k, v, more = z.TagAttr()
			switch string(k) {
			case "href":
				href = dec(v)
			case "src":
				src = dec(v)
			case "rel":
				rel = strings.ToLower(string(v))
			case "onclick":
				onclick = dec(v)
			case "content":
				content = dec(v)
			case "http-equiv":
				httpEquiv = strings.ToLower(string(v))
			case "property", "name":
				if property == "" {
					property = strings.ToLower(string(v))
				}
			case "datetime":
				datetime = string(v)
			case "itemprop":
				itemprop = strings.ToLower(string(v))
			}
		}
		link := func(href, tag string) { out.Links = append(out.Links, foundLink{Href: href, Tag: tag}) }
		date := func(s string) {
			if d, ok := parseContentDate(s); ok {
				out.Dates = append(out.Dates, d)
			}
		}
		if u := onclickURL(onclick); u != "" {
			link(u, tag+"[onclick]")
		}
		switch tag {
		case "a", "area":
			if href != "" {
				link(href, tag)
			}
		case "base":
			if out.Base == "" && href != "" {
				out.Base = href
			}
		case "link":
			if hasToken(rel, "canonical") && out.Canonical == "" {
				out.Canonical = href
			}
			if hasToken(rel, "canonical") || hasToken(rel, "alternate") || hasToken(rel, "next") || hasToken(rel, "prev") || hasToken(rel, "sitemap") ||
				requisites && (hasToken(rel, "stylesheet") || hasToken(rel, "icon")) {
				link(href, "link")
			}
		case "iframe", "frame":
			if src != "" {
				link(src, tag)
			}
		case "img", "script", "source", "video", "audio", "embed":
			if requisites && src != "" {
				link(src, tag)
			}
		case "meta":
			if u := refreshURL(content); httpEquiv == "refresh" && u != "" {
				link(u, "meta")
			}
			if property == "article:published_time" || property == "article:modified_time" || itemprop == "datepublished" {
				date(content)
			}
		case "time":
			date(datetime)
		}
		if itemprop == "datepublished" && datetime != "" && tag != "time" {
			date(datetime)
		}
	}
}

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

// TestScanHTMLPortal: on every page of the demo portal (each URL of its
// manifest, the trap samples included, with the Content-Type it is served
// with) and on the pages of scanPages, scanHTML finds exactly what the
// x/net/html Tokenizer finds: the same links in the same order, with the
// same tags, the same base, canonical URL and dates.
func TestScanHTMLPortal(t *testing.T) {
	p, err := portal.New(portal.Config{Seed: 1, Articles: 30})
	if err != nil {
		t.Fatal(err)
	}
	h := p.Handler()
	type page struct {
		body []byte
		ct   string
	}
	pages := map[string]page{}
	m := p.Manifest()
	paths := []string{"/robots.txt", "/sitemap.xml"}
	for _, pg := range m.Pages {
		paths = append(paths, pg.URL)
	}
	for _, tr := range m.Traps {
		paths = append(paths, tr.Examples...)
	}
	for _, path := range paths {
		if strings.HasPrefix(path, "http") {
			continue
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		body, _ := io.ReadAll(rec.Result().Body)
		pages[path] = page{body, rec.Result().Header.Get("Content-Type")}
	}
	for name, body := range scanPages(t) {
		pages[name] = page{body, "text/html"}
	}
	if len(pages) < 500 {
		t.Fatalf("only %d pages", len(pages))
	}
	links, dates, canonical := 0, 0, 0
	for name, pg := range pages {
		for _, req := range []bool{false, true} {
			got := scanHTML(pg.body, pg.ct, req)
			want := tokenizerScan(pg.body, pg.ct, req)
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s (requisites %v): scanHTML found %d links, %d dates, base %q, canonical %q; the Tokenizer %d, %d, %q, %q",
					name, req, len(got.Links), len(got.Dates), got.Base, got.Canonical, len(want.Links), len(want.Dates), want.Base, want.Canonical)
			}
			links += len(got.Links)
			dates += len(got.Dates)
			if got.Canonical != "" {
				canonical++
			}
		}
	}
	if links == 0 || dates == 0 || canonical == 0 {
		t.Errorf("%d links, %d dates, %d canonical URLs found over %d pages", links, dates, canonical, len(pages))
	}
}

// TestScanHTMLTokenization: the corners of HTML tokenization that decide
// which tags there are and what their attributes say, each scanned as the
// Tokenizer scans it.
func TestScanHTMLTokenization(t *testing.T) {
	tests := []struct {
		name string
		page string
		want []string // the hrefs found
	}{
		{"plain", `<a href="/x">x</a>`, []string{"/x"}},
		{"case and quotes", `<A HREF='/x'><a href=/y><a href = "/z" >`, []string{"/x", "/y", "/z"}},
		{"first of a name wins", `<a HREF="/first" href="/second">`, []string{"/first"}},
		{"unquoted up to space or >", `<a href=/x?a=1&amp;b=2>`, []string{"/x?a=1&b=2"}},
		{"entities", `<a href="/x?a=1&b=2&lt;&copy=3&copy;&#47;&#x41">`, []string{"/x?a=1&b=2<&copy=3©/A"}},
		{"newlines and NUL", "<a href=\"/x\r\ny\rz\x00\">", []string{"/x\ny\nz\uFFFD"}},
		{"equals first in a name", `<a =href="/no" href="/yes">`, []string{"/yes"}},
		{"slash between attributes", `<a/href="/x"/>`, []string{"/x"}},
		{"empty value before >", `<a href=>`, nil},
		{"value cut by the end", `<a href="/x`, nil},
		{"tag cut by the end", `<a href="/x"`, nil},
		{"comment", `<!-- <a href="/no"> --><a href="/yes">`, []string{"/yes"}},
		{"short comments", `<!--><a href="/1"><!---><a href="/2"><!-- --!><a href="/3">`, []string{"/1", "/2", "/3"}},
		{"comment --!-", `<!-- --!- <a href="/no"> --><a href="/yes">`, []string{"/yes"}},
		{"unclosed comment", `<!-- <a href="/no">`, nil},
		{"doctype and bogus comments", `<!DOCTYPE html><!x <a href="/no"><? <a href="/no2"><a href="/yes">`, []string{"/yes"}},
		{"end tags with attributes", `</a title=">"><a href="/yes"></ a href="/bogus"><a href="/also">`, []string{"/yes", "/also"}},
		{"empty end tag", `</><a href="/yes">`, []string{"/yes"}},
		{"text <", `a < b <<a href="/yes">`, []string{"/yes"}},
		{"title is text", `<title><a href="/no"></title ><a href="/yes">`, []string{"/yes"}},
		{"textarea end tag case", `<textarea><a href="/no"></TEXTAREA><a href="/yes">`, []string{"/yes"}},
		{"raw end tag must end", `<style></styles><a href="/no"></style><a href="/yes">`, []string{"/yes"}},
		{"self-closing script is raw", `<script/><a href="/no"></script><a href="/yes">`, []string{"/yes"}},
		{"script", `<script>if (a<b) document.write('<a href="/no">')</script><a href="/yes">`, []string{"/yes"}},
		{"script escaped", `<script><!-- document.write("</script>") --></script><a href="/yes">`, []string{"/yes"}},
		{"script double escaped", `<script><!--<script></script><a href="/no"></script>--></script><a href="/yes">`, []string{"/yes"}},
		{"script dash dash >", `<script><!-- x --><script></script><a href="/yes">`, []string{"/yes"}},
		{"plaintext", `<plaintext><a href="/no">`, nil},
		{"noscript is raw", `<noscript><a href="/no"></noscript><a href="/yes">`, []string{"/yes"}},
		{"xmp iframe noembed noframes", `<xmp><a href="/1"></xmp><iframe><a href="/2"></iframe><noembed><a href="/3"></noembed><noframes><a href="/4"></noframes><a href="/5">`, []string{"/5"}},
		{"onclick", `<DIV ONCLICK="go('/x')"><a href="#" onclick='f("/y")'>`, []string{"/x", "/y", "#"}},
		{"NUL in a tag name", "<d\x00v onclick=\"go('/x')\">", []string{"/x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := scanHTML([]byte(tc.page), "text/html", false)
			if want := tokenizerScan([]byte(tc.page), "text/html", false); !reflect.DeepEqual(got, want) {
				t.Errorf("scanHTML found %+v, the Tokenizer %+v", got, want)
			}
			var hrefs []string
			for _, l := range got.Links {
				hrefs = append(hrefs, l.Href)
			}
			if !reflect.DeepEqual(hrefs, tc.want) {
				t.Errorf("hrefs %q, want %q", hrefs, tc.want)
			}
		})
	}
}

// BenchmarkScanHTML scans the pages of scanPages with scanHTML, and with
// its reference, the x/net/html Tokenizer.
func BenchmarkScanHTML(b *testing.B) {
	pages := scanPages(b)
	for _, tc := range []struct {
		name string
		scan func([]byte, string, bool) scanned
	}{{"scanner", scanHTML}, {"tokenizer", tokenizerScan}} {
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				for _, body := range pages {
					tc.scan(body, "text/html", false)
				}
			}
		})
	}
}
