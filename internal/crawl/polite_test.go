package crawl_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
)

// linksPage serves n linked pages under /p/N.
func linksPage(n int) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		if r.URL.Path == "/robots.txt" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "<html><body>%s %s", r.Host, r.URL.Path)
		if r.URL.Path == "/" {
			for i := range n {
				fmt.Fprintf(w, `<a href="/p/%d">p</a>`, i)
			}
		}
	}
}

func TestPerHostDelayHonoured(t *testing.T) {
	const delay = 150 * time.Millisecond
	srv, rec := serve(t, linksPage(4))
	cfg := testConfig(srv.URL + "/")
	cfg.Delay = delay
	cfg.HostConcurrency = 4 // the delay must hold even with concurrency allowed
	cfg.Workers = 4
	mustRun(t, cfg, openStore(t))
	reqs := rec.requests()
	if len(reqs) != 6 { // robots.txt, /, 4 pages
		t.Fatalf("%d requests, want 6", len(reqs))
	}
	assertSpaced(t, reqs, delay)
}

func TestDelayIsPerHost(t *testing.T) {
	// Two hosts (two servers): the delay of one does not slow the other,
	// and each host keeps its own gap.
	const delay = 200 * time.Millisecond
	srvA, recA := serve(t, linksPage(2))
	srvB, recB := serve(t, linksPage(2))
	cfg := testConfig(srvA.URL+"/", srvB.URL+"/")
	cfg.Delay = delay
	cfg.HostConcurrency = 1
	mustRun(t, cfg, openStore(t))
	for _, rec := range []*recorder{recA, recB} {
		reqs := rec.requests()
		if len(reqs) != 4 {
			t.Fatalf("%d requests, want 4", len(reqs))
		}
		assertSpaced(t, reqs, delay)
	}
	// The hosts ran side by side: B's first request did not wait for A's
	// four requests (which take at least 3 delays).
	if d := recB.requests()[0].At.Sub(recA.requests()[0].At).Abs(); d > 2*delay {
		t.Errorf("hosts did not run in parallel: first requests %v apart", d)
	}
}

func TestRetryAfterHonoured(t *testing.T) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="/busy">busy</a>`)
	})
	mux.HandleFunc("/busy", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		fmt.Fprint(w, "finally")
	})
	srv, rec := serve(t, mux)
	st := openStore(t)
	sum := mustRun(t, testConfig(srv.URL+"/"), st)
	var at []time.Time
	for _, r := range rec.requests() {
		if r.Path == "/busy" {
			at = append(at, r.At)
		}
	}
	if len(at) != 2 {
		t.Fatalf("/busy requested %d times, want 2", len(at))
	}
	if gap := at[1].Sub(at[0]); gap < time.Second {
		t.Errorf("retried after %v, want at least the Retry-After of 1s", gap)
	}
	if sum.Counts.Refused != 1 {
		t.Errorf("refused %d, want 1", sum.Counts.Refused)
	}
	c := runCaptures(t, st, sum.RunID)[srv.URL+"/busy"]
	if c == nil || c.Status != 200 || string(c.Body) != "finally" {
		t.Errorf("capture after retry: %+v", c)
	}
}

func TestRefusedAfterRetriesIsNotEmpty(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
	})
	srv, _ := serve(t, mux)
	st := openStore(t)
	cfg := testConfig(srv.URL + "/")
	cfg.Retries = 2
	sum := mustRun(t, cfg, st)
	if sum.Counts.Refused != 3 {
		t.Errorf("refused %d, want 3 (one try and two retries)", sum.Counts.Refused)
	}
	c := runCaptures(t, st, sum.RunID)[srv.URL+"/"]
	if c == nil || c.Verdict != archive.VerdictRefused || c.Status != 503 {
		t.Errorf("capture %+v, want a refused 503", c)
	}
}

func TestForbiddenStreakIsRefused(t *testing.T) {
	// Kremlin style: the host serves pages, then answers 403 to everything.
	var served atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if served.Add(1) > 2 {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		for i := range 6 {
			fmt.Fprintf(w, `<a href="/p/%d">p</a>`, i)
		}
	})
	srv, _ := serve(t, mux)
	cfg := testConfig(srv.URL + "/")
	cfg.Retries = 0
	cfg.Workers, cfg.HostConcurrency = 1, 1
	sum := mustRun(t, cfg, openStore(t))
	if sum.Counts.Refused < 3 {
		t.Errorf("refused %d, want the 403 streak counted as refusals", sum.Counts.Refused)
	}
}

func TestRobotsTransient5xxIsRetried(t *testing.T) {
	var robotsHits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		if robotsHits.Add(1) == 1 {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "User-agent: *\nDisallow: /no/\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="/yes">y</a><a href="/no/x">n</a>`)
	})
	srv, rec := serve(t, mux)
	st := openStore(t)
	sum := mustRun(t, testConfig(srv.URL+"/"), st)
	if robotsHits.Load() != 2 {
		t.Errorf("robots.txt fetched %d times, want 2", robotsHits.Load())
	}
	if rec.count("/yes") != 1 {
		t.Error("a transient 503 on robots.txt blocked the site")
	}
	if rec.count("/no/x") != 0 {
		t.Error("a disallowed URL was fetched")
	}
	if sum.Counts.Skipped["robots"] != 1 {
		t.Errorf("skipped %v", sum.Counts.Skipped)
	}
}

func TestRobotsPersistent5xxStopsTheHost(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "home") })
	srv, rec := serve(t, mux)
	cfg := testConfig(srv.URL + "/")
	cfg.Retries = 1
	sum := mustRun(t, cfg, openStore(t))
	if rec.count("/") != 0 {
		t.Error("pages fetched although robots.txt could never be read")
	}
	if sum.Counts.Skipped["robots-unavailable"] != 1 {
		t.Errorf("skipped %v", sum.Counts.Skipped)
	}
}

func TestCrawlDelayHonoured(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nCrawl-delay: 1\n")
	})
	mux.HandleFunc("/", linksPage(2))
	srv, rec := serve(t, mux)
	mustRun(t, testConfig(srv.URL+"/"), openStore(t))
	reqs := rec.requests()
	if len(reqs) < 3 {
		t.Fatalf("%d requests, want robots.txt and at least two pages", len(reqs))
	}
	assertSpaced(t, reqs[1:], time.Second) // robots.txt comes before the Crawl-delay is known
}

func TestCollyEnvironmentIgnored(t *testing.T) {
	// Each of these would change colly's behaviour if it were read.
	cache := t.TempDir()
	t.Setenv("COLLY_IGNORE_ROBOTSTXT", "yes")
	t.Setenv("COLLY_MAX_BODY_SIZE", "10")
	t.Setenv("COLLY_USER_AGENT", "hijacked")
	t.Setenv("COLLY_FOLLOW_REDIRECTS", "no")
	t.Setenv("COLLY_CACHE_DIR", cache)
	t.Setenv("COLLY_ALLOWED_DOMAINS", "nowhere.example")
	t.Setenv("COLLY_MAX_DEPTH", "1")
	t.Setenv("COLLY_DETECT_CHARSET", "yes")
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="/private">p</a><a href="/deep">d</a> a body longer than ten bytes`)
	})
	mux.HandleFunc("/deep", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, `<a href="/deeper">d</a>`) })
	mux.HandleFunc("/deeper", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "deepest page") })
	srv, rec := serve(t, mux)
	st := openStore(t)
	cfg := testConfig(srv.URL + "/")
	sum := mustRun(t, cfg, st)
	caps := runCaptures(t, st, sum.RunID)
	if rec.count("/private") != 0 {
		t.Error("COLLY_IGNORE_ROBOTSTXT turned robots.txt off")
	}
	if c := caps[srv.URL+"/"]; c == nil || c.Truncated || len(c.Body) < 20 {
		t.Errorf("COLLY_MAX_BODY_SIZE applied: %+v", c)
	}
	if caps[srv.URL+"/deeper"] == nil {
		t.Error("COLLY_MAX_DEPTH or COLLY_ALLOWED_DOMAINS applied")
	}
	for _, r := range rec.requests() {
		if ua := r.Header.Get("User-Agent"); ua != cfg.UserAgent {
			t.Errorf("User-Agent %q", ua)
		}
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Error("COLLY_CACHE_DIR was used")
	}
}

func TestBadInput(t *testing.T) {
	const limit = 1 << 20
	big := bytes.Repeat([]byte("<p>0123456789abcdef</p>\n"), 50<<20/24)
	var bomb bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 64 { // 64 MiB of zeros, about 64 KB compressed
		zw.Write(zeros)
	}
	zw.Close()
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, `<a href="/big">big</a> <a href="/bomb">bomb</a> <a href="/slow">slow</a> <a href="/reset">reset</a>
			<a href="/badgzip">badgzip</a> <a href="/`+strings.Repeat("x", 5000)+`">long</a>
			<a href="/a/b/a/b/a/b/a/b/">rep</a> <a href="/q?start=1&start=1">param</a>
			<a href="http://">empty host</a> <a href="%%%">pct</a> <a href=" /spaced ">sp</a>
			<a href="data:text/html,`+strings.Repeat("y", 3000)+`">data</a> <a href="//">slashes</a>
			<a href="http://999.999.999.999:99999/">bad port</a>`)
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Length", fmt.Sprint(len(big)))
		w.Write(big)
	})
	mux.HandleFunc("/bomb", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb.Bytes())
	})
	mux.HandleFunc("/badgzip", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte("this is not gzip at all"))
	})
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(200)
		for i := 0; i < 100; i++ {
			if _, err := w.Write([]byte("x")); err != nil {
				return
			}
			w.(http.Flusher).Flush()
			select {
			case <-time.After(50 * time.Millisecond):
			case <-r.Context().Done():
				return
			}
		}
	})
	mux.HandleFunc("/reset", func(w http.ResponseWriter, r *http.Request) {
		conn, buf, err := w.(http.Hijacker).Hijack()
		if err != nil {
			return
		}
		buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nContent-Type: text/html\r\n\r\npartial")
		buf.Flush()
		if tc, ok := conn.(*net.TCPConn); ok {
			tc.SetLinger(0)
		}
		conn.Close()
	})
	mux.HandleFunc("/spaced", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	srv, rec := serve(t, mux)
	st := openStore(t)
	cfg := testConfig(srv.URL + "/")
	cfg.MaxBodySize = limit
	cfg.Timeout = 1 * time.Second
	cfg.Retries = 1
	sum := mustRun(t, cfg, st)
	caps := runCaptures(t, st, sum.RunID)
	fr := frontier(t, st, sum.RunID)
	u := func(p string) string { return srv.URL + p }

	if c := caps[u("/big")]; c == nil || !c.Truncated || len(c.Body) != limit || c.ContentLength != int64(len(big)) || !bytes.Equal(c.Body, big[:limit]) {
		t.Errorf("50 MB page: truncated %v, %d bytes stored, content length %d", c != nil && c.Truncated, len(c.Body), c.ContentLength)
	}
	if c := caps[u("/bomb")]; c == nil || !c.Truncated || len(c.Body) != limit {
		t.Errorf("gzip bomb not cut at the limit: %+v", c)
	}
	if c := caps[u("/badgzip")]; c == nil || string(c.Body) != "this is not gzip at all" || !strings.Contains(c.Error, "not removed") {
		t.Errorf("undecodable gzip: %q %q", c.Body, c.Error)
	}
	if c := caps[u("/slow")]; c == nil || c.Verdict != archive.VerdictError {
		t.Errorf("slow server: %+v", c)
	}
	if c := caps[u("/reset")]; c == nil || c.Verdict != archive.VerdictError || c.Status != 200 || string(c.Body) != "partial" {
		t.Errorf("reset: %+v", c)
	}
	if rec.count("/reset") != 2 || rec.count("/slow") != 2 {
		t.Errorf("errors not retried once: reset %d, slow %d", rec.count("/reset"), rec.count("/slow"))
	}
	if sum.Counts.Errors != 2 {
		t.Errorf("errors %d, want 2", sum.Counts.Errors)
	}
	if caps[u("/spaced")] == nil {
		t.Error("an href with spaces around it was not followed")
	}
	reasons := map[string]int{}
	for _, e := range fr {
		if e.State == archive.FrontierSkipped {
			reasons[e.Reason]++
		}
	}
	for _, want := range []string{"trap:url-length", "trap:repeated-segment", "trap:repeated-param", "invalid-url", "unsupported-scheme"} {
		if reasons[want] == 0 {
			t.Errorf("no URL skipped for %s (skipped: %v)", want, reasons)
		}
	}
	if err := st.IntegrityCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestLocalDirectorySeed(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("index.html", `<a href="https://www.portal.example/en/">en</a> <a href="/about.html">about</a> <a href="http://portal.example/en">no slash</a> <a href="https://other.example/">ext</a> <a href="/../../etc/passwd">escape</a>`)
	write("en/index.html", `<a href="news/a.html">a</a>`)
	write("en/news/a.html", `article`)
	write("about.html", `about`)
	st := openStore(t)
	cfg := testConfig(dir)
	cfg.BaseURL = "https://www.portal.example/"
	sum := mustRun(t, cfg, st)
	caps := runCaptures(t, st, sum.RunID)
	for _, p := range []string{"/", "/en/", "/en/news/a.html", "/about.html"} {
		c := caps["https://www.portal.example"+p]
		if c == nil || c.Status != 200 {
			t.Errorf("%s: %+v", p, c)
		}
	}
	if c := caps["https://www.portal.example/en"]; c == nil || c.FinalURL != "https://www.portal.example/en/" {
		t.Errorf("directory without slash: %+v", c)
	}
	if c := caps["https://www.portal.example/etc/passwd"]; c == nil || c.Status != 404 {
		t.Errorf("path escape: %+v", c)
	}
	if e := frontier(t, st, sum.RunID)["https://other.example/"]; e.Reason != "external" {
		t.Errorf("external link: %+v", e)
	}
}

func TestConditionalRecrawl(t *testing.T) {
	var version atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, `<a href="/etag">e</a> <a href="/plain">p</a> <a href="/changing">c</a>`)
	})
	mux.HandleFunc("/etag", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		fmt.Fprint(w, `<a href="/only-from-etag">x</a> stable page with an etag`)
	})
	mux.HandleFunc("/only-from-etag", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "linked only from /etag") })
	mux.HandleFunc("/plain", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "stable page without validators") })
	mux.HandleFunc("/changing", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "version %d", version.Load()) })
	srv, rec := serve(t, mux)
	st := openStore(t)
	first := mustRun(t, testConfig(srv.URL+"/"), st)
	version.Add(1)
	second := mustRun(t, testConfig(srv.URL+"/"), st)
	caps := runCaptures(t, st, second.RunID)
	if c := caps[srv.URL+"/etag"]; c == nil || c.Status != 304 || c.Verdict != archive.VerdictRevisit || c.RevisitOf == 0 {
		t.Errorf("etag page: %+v", c)
	}
	if c := caps[srv.URL+"/plain"]; c == nil || c.Verdict != archive.VerdictRevisit {
		t.Errorf("identical body not a revisit: %+v", c)
	}
	if c := caps[srv.URL+"/changing"]; c == nil || c.Verdict != archive.VerdictOK {
		t.Errorf("changed page: %+v", c)
	}
	if caps[srv.URL+"/only-from-etag"] == nil {
		t.Error("links of a 304 page were not followed from the archived body")
	}
	if second.Counts.Captured != 1 {
		t.Errorf("second crawl stored %d new bodies, want 1 (the changed page)", second.Counts.Captured)
	}
	var sawINM bool
	for _, r := range rec.requests() {
		if r.Path == "/etag" && r.Header.Get("If-None-Match") == `"v1"` {
			sawINM = true
		}
	}
	if !sawINM {
		t.Error("no conditional request sent")
	}
	_ = first
}

func TestMaxPagesLeavesResumableRun(t *testing.T) {
	srv, rec := serve(t, linksPage(10))
	st := openStore(t)
	cfg := testConfig(srv.URL + "/")
	cfg.MaxPages = 4
	sum, err := crawl.Run(context.Background(), cfg, st)
	if err == nil || sum.Status != archive.RunInterrupted {
		t.Fatalf("want an incomplete run, got %v %+v", err, sum)
	}
	cfg.MaxPages = 0
	cfg.ResumeRunID = sum.RunID
	sum2 := mustRun(t, cfg, st)
	if sum2.RunID != sum.RunID {
		t.Fatalf("resume made run %d", sum2.RunID)
	}
	for i := range 10 {
		if n := rec.count(fmt.Sprintf("/p/%d", i)); n != 1 {
			t.Errorf("/p/%d fetched %d times", i, n)
		}
	}
}

// jitter is the tolerance of gaps measured at the server: the scheduler
// spaces the starts of requests, and their arrival varies by a few
// milliseconds (more under the race detector on a shared machine).
const jitter = 25 * time.Millisecond

// assertSpaced checks that requests arrived at least delay apart. The
// scheduler spaces their starts; a late arrival (a loaded machine) shortens
// the gap after it by as much as it lengthens the one before, so the span
// of all of them is held to the delays between every start, and each
// single gap only to half a delay: two requests let through at once still
// fail.
func assertSpaced(t *testing.T, reqs []recorded, delay time.Duration) {
	t.Helper()
	for i := 1; i < len(reqs); i++ {
		if gap := reqs[i].At.Sub(reqs[i-1].At); gap < delay/2 {
			t.Errorf("gap between %s and %s is %v, want about %v", reqs[i-1].Path, reqs[i].Path, gap, delay)
		}
	}
	if n := len(reqs); n > 1 {
		if span, want := reqs[n-1].At.Sub(reqs[0].At), time.Duration(n-1)*delay-jitter; span < want {
			t.Errorf("%d requests arrived within %v, want at least %v (%v apart)", n, span, want, delay)
		}
	}
}
