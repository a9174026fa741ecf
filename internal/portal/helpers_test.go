package portal_test

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/portal"
	"golang.org/x/net/html"
	"golang.org/x/text/encoding/charmap"
)

// served starts a portal on a real loopback server.
func served(t testing.TB, cfg portal.Config) (*portal.Portal, *httptest.Server) {
	t.Helper()
	p, err := portal.New(cfg)
	if err != nil {
		t.Fatalf("portal.New: %v", err)
	}
	srv := httptest.NewServer(p.Handler())
	t.Cleanup(srv.Close)
	return p, srv
}

// noRedirect is a client that returns redirects instead of following them
// and does not ask for gzip.
func noRedirect() *http.Client {
	return &http.Client{
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		Transport:     &http.Transport{DisableCompression: true},
	}
}

// fetched is one raw answer.
type fetched struct {
	status int
	header http.Header
	raw    []byte // as sent (after removing a gzip content encoding)
}

// get fetches a root-relative URL without following redirects.
func get(t testing.TB, c *http.Client, base, u string) fetched {
	t.Helper()
	resp, err := c.Get(base + u)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read: %v", u, err)
	}
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("GET %s: gzip: %v", u, err)
		}
		if b, err = io.ReadAll(zr); err != nil {
			t.Fatalf("GET %s: gunzip: %v", u, err)
		}
	}
	return fetched{status: resp.StatusCode, header: resp.Header, raw: b}
}

// decode turns the bytes into text with the page's real charset.
func decode(t testing.TB, raw []byte, cs string) string {
	t.Helper()
	if cs == "windows-1251" {
		b, err := charmap.Windows1251.NewDecoder().Bytes(raw)
		if err != nil {
			t.Fatalf("windows-1251: %v", err)
		}
		return string(b)
	}
	return string(raw)
}

// doc is what the tests read from an HTML page.
type doc struct {
	title, langAttr, metaCharset, canonical string
	hasLang                                 bool
	h1                                      []string
	text                                    string
	links                                   []link
	ids                                     map[string]bool
}

type link struct{ tag, attr, val string }

var reMetaCharset = regexp.MustCompile(`(?i)charset=([a-z0-9-]+)`)

// parse reads a decoded HTML page.
func parse(t testing.TB, s string) doc {
	t.Helper()
	n, err := html.Parse(strings.NewReader(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	d := doc{ids: map[string]bool{}}
	var text strings.Builder
	var walk func(*html.Node, bool)
	walk = func(n *html.Node, inH1 bool) {
		if n.Type == html.TextNode {
			if n.Parent != nil && (n.Parent.Data == "script" || n.Parent.Data == "style") {
				return
			}
			text.WriteString(n.Data)
			if inH1 {
				d.h1[len(d.h1)-1] += n.Data
			}
		}
		if n.Type == html.ElementNode {
			attr := map[string]string{}
			for _, a := range n.Attr {
				attr[a.Key] = a.Val
			}
			if id, ok := attr["id"]; ok {
				d.ids[id] = true
			}
			switch n.Data {
			case "html":
				d.langAttr, d.hasLang = attr["lang"], attr["lang"] != "" || hasAttr(n, "lang")
			case "title":
				if n.FirstChild != nil {
					d.title = n.FirstChild.Data
				}
			case "meta":
				if cs, ok := attr["charset"]; ok {
					d.metaCharset = strings.ToLower(cs)
				} else if strings.EqualFold(attr["http-equiv"], "content-type") {
					if m := reMetaCharset.FindStringSubmatch(attr["content"]); m != nil {
						d.metaCharset = strings.ToLower(m[1])
					}
				}
			case "link":
				if attr["rel"] == "canonical" {
					d.canonical = attr["href"]
				}
				d.links = append(d.links, link{"link", "href", attr["href"]})
			case "a":
				if v, ok := attr["href"]; ok {
					d.links = append(d.links, link{"a", "href", v})
				}
			case "img":
				d.links = append(d.links, link{"img", "src", attr["src"]})
			case "h1":
				d.h1 = append(d.h1, "")
				inH1 = true
			case "time":
				if inH1 {
					// The <time> inside an h1 is not part of the headline.
					return
				}
			}
			for _, a := range n.Attr {
				if a.Key == "onclick" {
					d.links = append(d.links, link{n.Data, "onclick", a.Val})
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inH1)
		}
		if n.Type == html.ElementNode && (n.Data == "p" || n.Data == "div" || n.Data == "li" || n.Data == "h1") {
			text.WriteString("\n")
		}
	}
	walk(n, false)
	d.text = text.String()
	for k := range d.h1 {
		d.h1[k] = strings.TrimSpace(d.h1[k])
	}
	return d
}

func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key {
			return true
		}
	}
	return false
}

// manifestPage finds a page of the manifest by URL.
func manifestPage(m *portal.Manifest, u string) (portal.Page, bool) {
	for _, pg := range m.Pages {
		if pg.URL == u {
			return pg, true
		}
	}
	return portal.Page{}, false
}

// pagesWhere returns the pages that satisfy f.
func pagesWhere(m *portal.Manifest, f func(portal.Page) bool) []portal.Page {
	var out []portal.Page
	for _, pg := range m.Pages {
		if f(pg) {
			out = append(out, pg)
		}
	}
	return out
}

// stripVolatile removes the manifest's volatile parts from raw HTML.
func stripVolatile(t testing.TB, m *portal.Manifest, b []byte) []byte {
	t.Helper()
	for _, v := range m.Volatile {
		re, err := regexp.Compile(v.Pattern)
		if err != nil {
			t.Fatalf("volatile %s: %v", v.ID, err)
		}
		b = re.ReplaceAll(b, []byte("<"+v.ID+">"))
	}
	return b
}
