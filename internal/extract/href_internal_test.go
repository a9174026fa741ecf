package extract

import (
	"math/rand"
	"net/url"
	"strings"
	"testing"
)

// hrefBases are page and <base> URLs the href tests resolve against.
var hrefBases = []string{"http://portal.example/en/news/", "https://portal.example:8443/a/b.html?x=1#f", "http://user:p%40ss@portal.example/",
	"http://[::1]:8080/x/", "HTTP://Portal.Example/", "http://portal.example", "https://пример.рф/путь/", "http://h/a/./b/../c?q#"}

// checkHref compares what parseHref and resolved give for href with
// url.Parse, url.URL.ResolveReference and url.URL.String.
func checkHref(t *testing.T, base, href string) {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	d := &doc{base: b}
	h := d.parseHref(href)
	u, err := url.Parse(href)
	if h.ok != (err == nil) {
		t.Fatalf("parseHref(%q).ok = %v, url.Parse says %v", href, h.ok, err)
	}
	if err != nil {
		return
	}
	r := b.ResolveReference(u)
	if s, abs := d.resolved(h); s != r.String() || abs != r.IsAbs() {
		t.Fatalf("%q against %q resolves to %q (absolute %v), want %q (%v)", href, base, s, abs, r.String(), r.IsAbs())
	}
}

// TestPlainRootRelative compares the resolution of plain root-relative
// hrefs, made without url.Parse, with the url package's, on hrefs built of
// path and query pieces (dot segments, empty segments, escapes, fragments).
func TestPlainRootRelative(t *testing.T) {
	pieces := []string{"/", "//", "a", "B9", "-", "_", "~", ".", "..", "...", "./", "../", "?", "=", "&", "#", "%41", "%2F", " ", "é", ";", ":", "@", "+", "news", "2024"}
	r := rand.New(rand.NewSource(1))
	for range 30000 {
		var sb strings.Builder
		sb.WriteString("/")
		for k := r.Intn(8); k >= 0; k-- {
			sb.WriteString(pieces[r.Intn(len(pieces))])
		}
		for _, base := range hrefBases {
			checkHref(t, base, sb.String())
		}
	}
	for _, href := range []string{"/", "/.", "/..", "/a/.", "/a/..", "/a/...", "/.a", "/a.", "/a?", "/a?b", "/a?b=c&d", "/a?b?c", "//host/x", "/a//b", "/a/"} {
		for _, base := range hrefBases {
			checkHref(t, base, href)
		}
	}
}

// FuzzHref compares parseHref and resolved with the url package on
// arbitrary hrefs.
func FuzzHref(f *testing.F) {
	for _, s := range []string{"/en/news/1.html", "/a/../b", "/?day=1&month=2", "//x/y", "rel/path", "http://h/a"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, href string) {
		for _, base := range hrefBases {
			checkHref(t, base, href)
		}
	})
}
