package links_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/links"
)

// testConfig is a fast configuration for loopback servers: the guard lets
// loopback through explicitly, backoffs are milliseconds.
func testConfig() links.Config {
	cfg := links.DefaultConfig()
	cfg.Delay = 0
	cfg.Timeout = 2 * time.Second
	cfg.Backoff = 5 * time.Millisecond
	cfg.MaxBackoff = 20 * time.Millisecond
	cfg.MaxRetryAfter = 2 * time.Second
	cfg.Guard = links.Guard{AllowLoopback: true}
	return cfg
}

// site is a loopback server with one handler per path and request counts.
type site struct {
	*httptest.Server
	mu    sync.Mutex
	hits  map[string]int
	heads map[string]int
}

func newSite(t *testing.T, routes map[string]http.HandlerFunc) *site {
	t.Helper()
	s := &site{hits: map[string]int{}, heads: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		if r.Method == http.MethodHead {
			s.heads[r.URL.Path]++
		}
		s.mu.Unlock()
		h, ok := routes[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		h(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *site) count(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.hits[path]
}

func status(code int) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(code) }
}

func TestCheckVerdicts(t *testing.T) {
	var flaky atomic.Int32
	var limited atomic.Int32
	s := newSite(t, map[string]http.HandlerFunc{
		"/ok":   status(200),
		"/gone": status(410),
		"/teapot": func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusTeapot)
		},
		"/no-head": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusMethodNotAllowed)
				return
			}
			w.WriteHeader(200)
		},
		"/head-forbidden": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusForbidden)
				return
			}
			w.WriteHeader(200)
		},
		"/head-501": func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodHead {
				w.WriteHeader(http.StatusNotImplemented)
				return
			}
			w.WriteHeader(200)
		},
		"/down": status(500),
		"/flaky": func(w http.ResponseWriter, _ *http.Request) {
			if flaky.Add(1) <= 4 { // HEAD and GET of two attempts
				w.WriteHeader(502)
				return
			}
			w.WriteHeader(200)
		},
		"/limited-once": func(w http.ResponseWriter, _ *http.Request) {
			if limited.Add(1) == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			w.WriteHeader(200)
		},
		"/r1": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/r2", 301) },
		"/r2": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/r3", 302) },
		"/r3": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/ok", 307) },
		"/loop-a": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop-b", 302)
		},
		"/loop-b": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop-a", 302)
		},
		"/to-dead": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/missing", 301) },
		"/reset": func(w http.ResponseWriter, _ *http.Request) {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err == nil {
				if tc, ok := conn.(*net.TCPConn); ok {
					_ = tc.SetLinger(0) // close with RST
				}
				conn.Close()
			}
		},
		"/hang": func(_ http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		},
	})
	// Hosts that ask for a longer wait than the checker grants are not
	// asked again before then, so they get their own servers.
	longLimit := newSite(t, map[string]http.HandlerFunc{
		"/limited-long": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		},
		"/other": status(200),
	})
	unavailable := newSite(t, map[string]http.HandlerFunc{
		"/unavailable": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Retry-After", "7200")
			w.WriteHeader(http.StatusServiceUnavailable)
		},
	})
	// /chain-N redirects to /chain-(N+1), without end.
	endless := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var n int
		fmt.Sscanf(r.URL.Path, "/chain-%d", &n)
		http.Redirect(w, r, fmt.Sprintf("/chain-%d", n+1), 302)
	}))
	defer endless.Close()
	closed := httptest.NewServer(http.NotFoundHandler())
	closedURL := closed.URL
	closed.Close()
	tlsSrv := httptest.NewTLSServer(status(200))
	defer tlsSrv.Close()

	cfg := testConfig()
	cfg.Timeout = 300 * time.Millisecond
	c := links.NewChecker(cfg)
	defer c.Close()

	tests := []struct {
		name     string
		url      string
		verdict  links.Verdict
		status   int
		chain    int
		attempts int // 0: not asserted
	}{
		{"ok", s.URL + "/ok", links.OK, 200, 0, 1},
		{"not found", s.URL + "/nope", links.Broken, 404, 0, 1},
		{"gone", s.URL + "/gone", links.Broken, 410, 0, 1},
		{"other 4xx", s.URL + "/teapot", links.Broken, 418, 0, 1},
		{"HEAD 405 then GET", s.URL + "/no-head", links.OK, 200, 0, 1},
		{"HEAD 403 then GET", s.URL + "/head-forbidden", links.OK, 200, 0, 1},
		{"HEAD 501 then GET", s.URL + "/head-501", links.OK, 200, 0, 1},
		{"5xx after retries", s.URL + "/down", links.ServerError, 500, 0, 3},
		{"5xx then ok", s.URL + "/flaky", links.OK, 200, 0, 3},
		{"429 with Retry-After honoured", s.URL + "/limited-once", links.OK, 200, 0, 2},
		{"429 waiting too long", longLimit.URL + "/limited-long", links.Refused, 429, 0, 1},
		{"same host, not asked again", longLimit.URL + "/other", links.Refused, 0, 0, 1},
		{"503 with Retry-After", unavailable.URL + "/unavailable", links.Refused, 503, 0, 1},
		{"3-hop chain", s.URL + "/r1", links.OK, 200, 3, 1},
		{"redirect to 404", s.URL + "/to-dead", links.Broken, 404, 1, 1},
		{"redirect loop", s.URL + "/loop-a", links.RedirectLoop, 302, 2, 1},
		{"too many redirects", endless.URL + "/chain-0", links.TooManyRedirects, 302, 10, 1},
		{"reset", s.URL + "/reset", links.ConnectionReset, 0, 0, 3},
		{"hang", s.URL + "/hang", links.Timeout, 0, 0, 3},
		{"connection refused", closedURL + "/x", links.ConnectionRefused, 0, 0, 3},
		{"dns", "http://no-such-host.invalid/page", links.DNSError, 0, 0, 1},
		{"untrusted certificate", tlsSrv.URL + "/", links.TLSError, 0, 0, 0},
		{"not http", "ftp://example.org/file", links.InvalidURL, 0, 0, 0},
		{"no host", "http:///path", links.InvalidURL, 0, 0, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Check(context.Background(), links.Request{URL: tc.url})
			if r.Verdict != tc.verdict || r.Status != tc.status {
				t.Fatalf("verdict %s status %d (%s), want %s %d", r.Verdict, r.Status, r.Detail, tc.verdict, tc.status)
			}
			if len(r.Chain) != tc.chain {
				t.Errorf("chain %v, want %d hops", r.Chain, tc.chain)
			}
			if tc.attempts != 0 && r.Attempts != tc.attempts {
				t.Errorf("attempts %d, want %d", r.Attempts, tc.attempts)
			}
			if r.From != links.FromLive || r.CheckedAt.IsZero() {
				t.Errorf("from %q at %v, want live with a time", r.From, r.CheckedAt)
			}
			if r.Verdict.Problem() && r.Detail == "" {
				t.Errorf("verdict %s without detail", r.Verdict)
			}
		})
	}
	if got := longLimit.count("/other"); got != 0 {
		t.Errorf("a host that asked for an hour's pause was asked %d more times", got)
	}
	if got := s.count("/no-head"); got != 2 {
		t.Errorf("/no-head requested %d times, want HEAD then GET", got)
	}
	if heads, all := s.heads["/ok"], s.count("/ok"); heads == 0 || heads != all {
		t.Errorf("/ok: %d HEAD of %d requests, want HEAD only for a 200 target", heads, all)
	}
}

func TestRedirectChainRecorded(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{
		"/old": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/mid", 301) },
		"/mid": func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, "/new#top", 302) },
		"/new": status(200),
	})
	c := links.NewChecker(testConfig())
	r := c.Check(context.Background(), links.Request{URL: s.URL + "/old#frag"})
	want := []archive.Redirect{
		{URL: s.URL + "/old", Status: 301, Location: s.URL + "/mid"},
		{URL: s.URL + "/mid", Status: 302, Location: s.URL + "/new"},
	}
	if fmt.Sprint(r.Chain) != fmt.Sprint(want) || r.FinalURL != s.URL+"/new" || r.URL != s.URL+"/old" {
		t.Fatalf("chain %v final %s url %s, want %v", r.Chain, r.FinalURL, r.URL, want)
	}
}

func TestRateLimitedHostIsNeverBroken(t *testing.T) {
	// A Kremlin-style server: after 5 requests every answer is 403; a
	// second host answers 429 to every third request with a short
	// Retry-After. Neither may produce a single "broken" verdict.
	var n atomic.Int32
	blocking := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if n.Add(1) > 5 {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.WriteHeader(200)
	}))
	defer blocking.Close()
	var m atomic.Int32
	throttling := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if m.Add(1)%3 == 0 {
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(200)
	}))
	defer throttling.Close()

	var reqs []links.Request
	for i := range 30 {
		reqs = append(reqs, links.Request{URL: fmt.Sprintf("%s/page/%d", blocking.URL, i)})
		reqs = append(reqs, links.Request{URL: fmt.Sprintf("%s/page/%d", throttling.URL, i)})
	}
	c := links.NewChecker(testConfig())
	results := c.CheckAll(context.Background(), reqs)
	counts := map[links.Verdict]int{}
	for _, r := range results {
		counts[r.Verdict]++
		if r.Verdict.Problem() {
			t.Errorf("%s: %s (%s), want ok or refused", r.URL, r.Verdict, r.Detail)
		}
		if strings.HasPrefix(r.URL, throttling.URL) && r.Verdict == links.OK {
			counts["throttled-ok"]++
		}
	}
	if counts["throttled-ok"] < 25 {
		t.Errorf("%d of 30 pages of the throttling host ok, want most after honouring Retry-After", counts["throttled-ok"])
	}
	if counts[links.Refused] < 20 {
		t.Errorf("verdicts %v: want the blocked host's pages refused", counts)
	}
}

func TestForbiddenPageOnServingHostIsBroken(t *testing.T) {
	mux := http.NewServeMux()
	mux.Handle("/secret", status(403))
	mux.Handle("/", status(200))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	reqs := []links.Request{{URL: srv.URL + "/secret"}}
	for i := range 6 {
		reqs = append(reqs, links.Request{URL: fmt.Sprintf("%s/open/%d", srv.URL, i)})
	}
	cfg := testConfig()
	cfg.Workers = 1 // the 403 comes first, the host serves pages after it
	results := links.NewChecker(cfg).CheckAll(context.Background(), reqs)
	if r := results[0]; r.Verdict != links.Broken || r.Status != 403 {
		t.Fatalf("/secret: %s %d (%s), want broken 403", r.Verdict, r.Status, r.Detail)
	}
	for _, r := range results[1:] {
		if r.Verdict != links.OK {
			t.Errorf("%s: %s, want ok", r.URL, r.Verdict)
		}
	}
}

func TestBlockedAreaIsNeverBroken(t *testing.T) {
	// A server that blocks one area after a few requests there and keeps
	// serving the rest of the site: the area's 403s are refused, not
	// broken, although the host went on serving other pages.
	var n atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/speeches/", func(w http.ResponseWriter, _ *http.Request) {
		if n.Add(1) > 3 {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.WriteHeader(200)
	})
	mux.Handle("/", status(200))
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var reqs []links.Request
	for i := range 10 {
		reqs = append(reqs, links.Request{URL: fmt.Sprintf("%s/speeches/%d.html", srv.URL, i)}, links.Request{URL: fmt.Sprintf("%s/news/%d.html", srv.URL, i)})
	}
	cfg := testConfig()
	cfg.Workers = 1 // in order: the area is blocked while the host serves the news
	refused := 0
	for _, r := range links.NewChecker(cfg).CheckAll(context.Background(), reqs) {
		if r.Verdict.Problem() {
			t.Errorf("%s: %s (%s), want ok or refused", r.URL, r.Verdict, r.Detail)
		}
		if r.Verdict == links.Refused {
			refused++
		}
	}
	if refused < 5 {
		t.Errorf("%d refused, want the blocked area's pages refused", refused)
	}
}

func TestPerHostConcurrency(t *testing.T) {
	var cur, peak atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		raisePeak(&peak, cur.Add(1))
		time.Sleep(5 * time.Millisecond)
		cur.Add(-1)
		w.WriteHeader(200)
	}))
	defer srv.Close()
	var reqs []links.Request
	for i := range 40 {
		reqs = append(reqs, links.Request{URL: fmt.Sprintf("%s/%d", srv.URL, i)})
	}
	cfg := testConfig()
	cfg.PerHost = 2
	cfg.Workers = 16
	for _, r := range links.NewChecker(cfg).CheckAll(context.Background(), reqs) {
		if r.Verdict != links.OK {
			t.Fatalf("%s: %s", r.URL, r.Verdict)
		}
	}
	if p := peak.Load(); p > 2 || p < 1 {
		t.Fatalf("peak concurrency %d on one host, want at most 2", p)
	}
}

func TestAutoDelayFollowsResponseTime(t *testing.T) {
	// A host that takes 30 ms to answer, checked over one connection: with
	// AutoDelay the requests to it are spaced by twice that once it has
	// answered (asserted with a margin: at least one and a half times),
	// and the second waits for the first answer.
	const took = 30 * time.Millisecond
	var mu sync.Mutex
	var starts []time.Time
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		starts = append(starts, time.Now())
		mu.Unlock()
		time.Sleep(took)
		w.WriteHeader(200)
	}))
	defer srv.Close()
	var reqs []links.Request
	for i := range 12 {
		reqs = append(reqs, links.Request{URL: fmt.Sprintf("%s/%d", srv.URL, i)})
	}
	cfg := testConfig()
	cfg.Delay = links.AutoDelay
	cfg.PerHost = 1
	for _, r := range links.NewChecker(cfg).CheckAll(context.Background(), reqs) {
		if r.Verdict != links.OK {
			t.Fatalf("%s: %s", r.URL, r.Verdict)
		}
	}
	if len(starts) != len(reqs) {
		t.Fatalf("%d requests, want %d (one HEAD each)", len(starts), len(reqs))
	}
	if gap := starts[1].Sub(starts[0]); gap < took {
		t.Errorf("second request %s after the first, before its answer: want one request at a time before the host answered", gap)
	}
	// The mean gap from the third request on (single gaps jitter with the
	// scheduling of arrivals; their mean does not).
	n := len(starts) - 3
	if mean := starts[len(starts)-1].Sub(starts[2]) / time.Duration(n); mean < 3*took/2 {
		t.Errorf("requests started %s apart on average, want about twice the %s response time", mean, took)
	}
}

func TestAutoDelayConnectionsGrowAndBackOff(t *testing.T) {
	// With AutoDelay a host gets one connection until it has answered,
	// then more while it answers healthy (up to PerHost); once it starts
	// answering 503, the connections fall back to one.
	var cur, peak, peakFailing, failed atomic.Int32
	var failing atomic.Bool
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := cur.Add(1)
		defer cur.Add(-1)
		top := &peak
		if failing.Load() {
			// Counted once the first four targets were refused (a
			// HEAD and a GET each): the requests let in before the
			// first refusal are done by then.
			if failed.Load() < 8 {
				top = new(atomic.Int32)
			} else {
				top = &peakFailing
			}
		}
		raisePeak(top, now)
		time.Sleep(2 * time.Millisecond)
		if strings.HasPrefix(r.URL.Path, "/fail") {
			failed.Add(1)
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		w.WriteHeader(200)
	}))
	defer srv.Close()
	var reqs []links.Request
	for i := range 60 {
		reqs = append(reqs, links.Request{URL: fmt.Sprintf("%s/%d", srv.URL, i)})
	}
	cfg := testConfig()
	cfg.Delay = links.AutoDelay
	cfg.PerHost = 4
	cfg.Workers = 16
	cfg.Retries = 0
	c := links.NewChecker(cfg)
	for _, r := range c.CheckAll(context.Background(), reqs) {
		if r.Verdict != links.OK {
			t.Fatalf("%s: %s", r.URL, r.Verdict)
		}
	}
	if p := peak.Load(); p < 2 || p > 4 {
		t.Errorf("peak %d requests in flight to a healthy host, want the connections grown beyond one, at most 4", p)
	}
	failing.Store(true)
	var fails []links.Request
	for i := range 8 {
		fails = append(fails, links.Request{URL: fmt.Sprintf("%s/fail%d", srv.URL, i)})
	}
	for _, r := range c.CheckAll(context.Background(), fails) {
		if r.Verdict != links.ServerError {
			t.Errorf("%s: %s, want %s", r.URL, r.Verdict, links.ServerError)
		}
	}
	if n := failed.Load(); n != 16 {
		t.Fatalf("%d 503 answers, want 16 (a HEAD and the GET that confirms it for each)", n)
	}
	if p := peakFailing.Load(); p > 2 {
		t.Errorf("peak %d requests in flight to a host answering 503, want its connections cut back from 4", p)
	}
}

func TestGuard(t *testing.T) {
	srv := httptest.NewServer(status(200))
	defer srv.Close()
	port := srv.Listener.Addr().(*net.TCPAddr).Port
	cfg := testConfig()
	cfg.Guard = links.Guard{} // the default: nothing private
	c := links.NewChecker(cfg)
	tests := []struct {
		name        string
		url         string
		fromPrivate bool
		want        links.Verdict
	}{
		{"loopback address", srv.URL + "/", false, links.Blocked},
		// A name that resolves to loopback is caught at dial time, where a
		// check of the URL's host string would have let it through.
		{"name resolving to loopback", fmt.Sprintf("http://localhost:%d/", port), false, links.Blocked},
		{"from a private page", srv.URL + "/", true, links.OK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := c.Check(context.Background(), links.Request{URL: tc.url, FromPrivate: tc.fromPrivate})
			if r.Verdict != tc.want {
				t.Fatalf("%s: %s (%s), want %s", tc.url, r.Verdict, r.Detail, tc.want)
			}
		})
	}
}

func TestGuardAllowed(t *testing.T) {
	tests := []struct {
		addr  string
		guard links.Guard
		want  bool
	}{
		{"93.184.215.14", links.Guard{}, true},
		{"2606:4700::1", links.Guard{}, true},
		{"127.0.0.1", links.Guard{}, false},
		{"127.0.0.1", links.Guard{AllowLoopback: true}, true},
		{"::1", links.Guard{}, false},
		{"::ffff:127.0.0.1", links.Guard{}, false},
		{"10.1.2.3", links.Guard{}, false},
		{"10.1.2.3", links.Guard{AllowLoopback: true}, false},
		{"10.1.2.3", links.Guard{AllowPrivate: true}, true},
		{"172.16.0.1", links.Guard{}, false},
		{"192.168.1.1", links.Guard{}, false},
		{"169.254.169.254", links.Guard{}, false}, // cloud metadata
		{"fe80::1", links.Guard{}, false},
		{"fd00::1", links.Guard{}, false},
		{"100.64.0.1", links.Guard{}, false},
		{"0.0.0.0", links.Guard{AllowLoopback: true, AllowPrivate: true}, false},
		{"224.0.0.1", links.Guard{AllowPrivate: true}, false},
	}
	for _, tc := range tests {
		if got := tc.guard.Allowed(mustAddr(t, tc.addr)); got != tc.want {
			t.Errorf("%+v.Allowed(%s) = %v, want %v", tc.guard, tc.addr, got, tc.want)
		}
	}
}

func TestFragmentIDsAndTitle(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{
		"/doc": func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, `<html><head><title> Page
			one </title></head><body><h2 id="intro">x</h2><a name="old-anchor"></a><p id="intro">dup</p></body></html>`)
		},
	})
	c := links.NewChecker(testConfig())
	r := c.Check(context.Background(), links.Request{URL: s.URL + "/doc#intro", WantIDs: true})
	if !r.HasIDs || fmt.Sprint(r.IDs) != "[intro old-anchor]" || r.Title != "Page one" || r.Method != http.MethodGet {
		t.Fatalf("ids %v (has %v) title %q method %s", r.IDs, r.HasIDs, r.Title, r.Method)
	}
}

func TestCache(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{"/ok": status(200), "/busy": func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(429)
	}})
	now := time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC)
	cache := newMemCache()
	cfg := testConfig()
	cfg.Cache = cache
	cfg.TTL = 24 * time.Hour
	cfg.TransientTTL = time.Hour
	cfg.Now = func() time.Time { return now }
	c := links.NewChecker(cfg)
	ctx := context.Background()

	first := c.Check(ctx, links.Request{URL: s.URL + "/ok"})
	second := c.Check(ctx, links.Request{URL: s.URL + "/ok"})
	if first.From != links.FromLive || second.From != links.FromCache || second.Verdict != links.OK {
		t.Fatalf("first from %s, second from %s (%s)", first.From, second.From, second.Verdict)
	}
	if !second.CheckedAt.Equal(first.CheckedAt) {
		t.Errorf("cached result checked at %v, want the original time %v", second.CheckedAt, first.CheckedAt)
	}
	if got := s.count("/ok"); got != 1 {
		t.Errorf("/ok fetched %d times, want once", got)
	}
	// A cached result without ids does not answer a fragment question.
	if r := c.Check(ctx, links.Request{URL: s.URL + "/ok", WantIDs: true}); r.From != links.FromLive {
		t.Errorf("fragment check answered from %s without ids", r.From)
	}
	c.Check(ctx, links.Request{URL: s.URL + "/busy"})
	now = now.Add(2 * time.Hour) // past the transient TTL, within the TTL
	if r := c.Check(ctx, links.Request{URL: s.URL + "/ok"}); r.From != links.FromCache {
		t.Errorf("ok after 2h from %s, want cache", r.From)
	}
	if r := c.Check(ctx, links.Request{URL: s.URL + "/busy"}); r.From != links.FromLive {
		t.Errorf("refused after 2h from %s, want a new live check", r.From)
	}
	now = now.Add(24 * time.Hour)
	if r := c.Check(ctx, links.Request{URL: s.URL + "/ok"}); r.From != links.FromLive {
		t.Errorf("ok after 26h from %s, want a new live check", r.From)
	}
}

func TestCheckCanceled(t *testing.T) {
	s := newSite(t, map[string]http.HandlerFunc{"/hang": func(_ http.ResponseWriter, r *http.Request) { <-r.Context().Done() }})
	ctx, cancel := context.WithCancel(context.Background())
	cache := newMemCache()
	cfg := testConfig()
	cfg.Cache = cache
	c := links.NewChecker(cfg)
	go func() { time.Sleep(20 * time.Millisecond); cancel() }()
	r := c.Check(ctx, links.Request{URL: s.URL + "/hang"})
	if r.Verdict != links.Canceled {
		t.Fatalf("verdict %s, want canceled", r.Verdict)
	}
	if cache.len() != 0 {
		t.Errorf("a canceled check was cached")
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"120", 2 * time.Minute},
		{" 5 ", 5 * time.Second},
		{"-1", 0},
		{"1.5", 0},
		{"99999999999999999999999", 24 * time.Hour},
		{"Fri, 03 Apr 2026 10:00:30 GMT", 30 * time.Second},
		{"Fri, 03 Apr 2026 09:00:00 GMT", 0},
		{"soon", 0},
		{"Fri, 01 Apr 7000 00:00:00 GMT", 24 * time.Hour},
	}
	for _, tc := range tests {
		if got := links.ParseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("ParseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzParseRetryAfter(f *testing.F) {
	for _, s := range []string{"", "0", "120", "Fri, 03 Apr 2026 10:00:30 GMT", "-5", "1e9", "99999999999999999999"} {
		f.Add(s)
	}
	now := time.Date(2026, 4, 3, 10, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, s string) {
		if d := links.ParseRetryAfter(s, now); d < 0 || d > 24*time.Hour {
			t.Fatalf("ParseRetryAfter(%q) = %v", s, d)
		}
	})
}

// raisePeak raises peak to now if now is higher.
func raisePeak(peak *atomic.Int32, now int32) {
	for {
		p := peak.Load()
		if now <= p || peak.CompareAndSwap(p, now) {
			return
		}
	}
}
