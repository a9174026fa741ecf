package crawl_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
)

// cp1251 is "Новости" (news) in windows-1251.
var cp1251 = []byte{0xcd, 0xee, 0xe2, 0xee, 0xf1, 0xf2, 0xe8}

// smallSite is a hand-made site with one example of each behaviour the
// crawler must handle, independent of the demo portal.
func smallSite() http.Handler {
	mux := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprintf(w, "<!doctype html><html><head><title>t</title></head><body>%s</body></html>", body)
		}
	}
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/{$}", page(`
		<a href="/a">a</a> <a href="/b?utm_source=x&amp;z=1&amp;a=2#frag">b</a>
		<a href="/private/secret">secret</a> <a href="https://elsewhere.example/x">ext</a>
		<a href="/ru">ru</a> <a href="/gz">gz</a> <a href="/old">old</a> <a href="/loop1">loop</a>
		<a href="/bin">bin</a> <a href="mailto:x@example.org">mail</a> <a href="javascript:void(0)">js</a>
		<a href="http://[::1">bad</a> <a href="/missing">404</a> <a href="/copy1">c1</a> <a href="/copy2">c2</a>
		<a href="/a;jsessionid=ABC123">a again</a> <a href="/malformed">m</a>`))
	mux.HandleFunc("/a", page(`<a href="/">home</a> <a href="b?a=2&amp;z=1">b, relative and reordered</a>`))
	mux.HandleFunc("/b", page(`b page`))
	mux.HandleFunc("/private/secret", page(`must never be fetched`))
	mux.HandleFunc("/ru", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=windows-1251")
		w.Write(append(append([]byte("<html><head><title>"), cp1251...), []byte("</title></head><body><a href=\"/a\">a</a></body></html>")...))
	})
	mux.HandleFunc("/gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Header().Set("Content-Encoding", "gzip")
		zw := gzip.NewWriter(w)
		zw.Write([]byte(`<html><body>gzipped <a href="/gz-child">child</a></body></html>`))
		zw.Close()
	})
	mux.HandleFunc("/gz-child", page("child of gz"))
	mux.HandleFunc("/old", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/hop1", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/hop1", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/hop2", http.StatusFound) })
	mux.HandleFunc("/hop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new", http.StatusMovedPermanently) })
	mux.HandleFunc("/new", page("the new page"))
	mux.HandleFunc("/loop1", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop2", http.StatusFound) })
	mux.HandleFunc("/loop2", func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/loop1", http.StatusFound) })
	mux.HandleFunc("/bin", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Write([]byte{0, 1, 2, 0xff, 0xfe, '<', 'a', ' ', 'h', 'r', 'e', 'f', '=', '"', '/', 'x', '"', '>'})
	})
	mux.HandleFunc("/copy1", page("same content"))
	mux.HandleFunc("/copy2", page("same content"))
	mux.HandleFunc("/malformed", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><div><a href='/b'>unclosed <p><table><td>\xff\xfe invalid utf-8 <a href=\"/a\"<<<>"))
	})
	return mux
}

func TestCrawlSmallSite(t *testing.T) {
	srv, rec := serve(t, smallSite())
	st := openStore(t)
	sum := mustRun(t, testConfig(srv.URL+"/"), st)
	caps := runCaptures(t, st, sum.RunID)
	fr := frontier(t, st, sum.RunID)
	base := srv.URL

	t.Run("pages captured once", func(t *testing.T) {
		for _, p := range []string{"/", "/a", "/ru", "/gz", "/gz-child", "/old", "/bin", "/missing", "/malformed", "/robots.txt"} {
			if caps[base+p] == nil {
				t.Errorf("%s not captured", p)
			}
		}
		// "/b" (linked from /malformed) and "/b?a=2&z=1" serve the same
		// body: whichever the workers fetch first owns the capture and the
		// other collapses into it as a same-content alias.
		if caps[base+"/b?a=2&z=1"] == nil && caps[base+"/b"] == nil {
			t.Errorf("/b?a=2&z=1 (or its same-content twin /b) not captured")
		}
		if n := rec.count("/b?a=2&z=1") + rec.count("/b?z=1&a=2") + rec.count("/b?utm_source=x&z=1&a=2"); n != 1 {
			t.Errorf("/b requested %d times under its variants, want 1", n)
		}
		if n := rec.count("/a"); n != 1 {
			t.Errorf("/a requested %d times, want 1 (;jsessionid= alias collapsed)", n)
		}
	})
	t.Run("robots.txt obeyed", func(t *testing.T) {
		if n := rec.count("/private/secret"); n != 0 {
			t.Errorf("disallowed page fetched %d times", n)
		}
		if e := fr[base+"/private/secret"]; e.State != archive.FrontierSkipped || e.Reason != "robots" {
			t.Errorf("disallowed page: frontier %+v, want skipped for robots", e)
		}
		if got := rec.requests()[0].Path; got != "/robots.txt" {
			t.Errorf("first request %s, want /robots.txt", got)
		}
	})
	t.Run("external links recorded not fetched", func(t *testing.T) {
		if e := fr["https://elsewhere.example/x"]; e.State != archive.FrontierSkipped || e.Reason != "external" {
			t.Errorf("external link: %+v", e)
		}
		if e := fr["mailto:x@example.org"]; e.Reason != "unsupported-scheme" {
			t.Errorf("mailto link: %+v", e)
		}
	})
	t.Run("windows-1251 bytes stored as served", func(t *testing.T) {
		c := caps[base+"/ru"]
		if c == nil || !bytes.Contains(c.Body, cp1251) {
			t.Fatalf("windows-1251 body not stored byte-identical: %q", c.Body)
		}
	})
	t.Run("gzip removed and links followed", func(t *testing.T) {
		c := caps[base+"/gz"]
		if !strings.Contains(string(c.Body), "gzipped") || c.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("gzip body %q header %v", c.Body, c.Header)
		}
	})
	t.Run("redirect chain recorded", func(t *testing.T) {
		c := caps[base+"/old"]
		if c.FinalURL != base+"/new" || len(c.Redirects) != 3 || c.Status != 200 {
			t.Fatalf("chain: final %s, %d hops, status %d", c.FinalURL, len(c.Redirects), c.Status)
		}
		if c.Redirects[0].URL != base+"/old" || c.Redirects[2].Location != base+"/new" {
			t.Errorf("chain %+v", c.Redirects)
		}
		if n := rec.count("/new"); n != 1 {
			t.Errorf("redirect target fetched %d times, want 1", n)
		}
	})
	t.Run("redirect loop stopped", func(t *testing.T) {
		c := caps[base+"/loop1"]
		if c == nil || !strings.Contains(c.Error, "redirect loop") || c.Status != http.StatusFound {
			t.Fatalf("loop capture %+v", c)
		}
		if n := rec.count("/loop1"); n > 1 {
			t.Errorf("loop fetched /loop1 %d times", n)
		}
	})
	t.Run("same content collapsed", func(t *testing.T) {
		c1, c2 := caps[base+"/copy1"], caps[base+"/copy2"]
		if (c1 == nil) == (c2 == nil) {
			t.Fatalf("want exactly one capture of the two copies, got %v %v", c1 != nil, c2 != nil)
		}
		aliases, err := st.Aliases(t.Context(), base+"/copy1")
		if err != nil || len(aliases) == 0 {
			t.Errorf("no alias recorded for the copies: %v %v", aliases, err)
		}
	})
	t.Run("binary stored not parsed", func(t *testing.T) {
		if c := caps[base+"/bin"]; c == nil || len(c.Body) != 18 {
			t.Fatalf("binary: %+v", c)
		}
		if rec.count("/x") != 0 {
			t.Error("a link inside binary content was followed")
		}
	})
	t.Run("404 stored", func(t *testing.T) {
		if c := caps[base+"/missing"]; c == nil || c.Status != 404 || c.Verdict != archive.VerdictOK {
			t.Fatalf("404: %+v", c)
		}
	})
	t.Run("counts", func(t *testing.T) {
		if sum.Counts.Skipped["robots"] != 1 || sum.Counts.Skipped["external"] != 1 {
			t.Errorf("skipped %v", sum.Counts.Skipped)
		}
		if sum.Counts.Captured < 10 {
			t.Errorf("captured %d", sum.Counts.Captured)
		}
	})
	if err := st.IntegrityCheck(t.Context()); err != nil {
		t.Fatal(err)
	}
}
