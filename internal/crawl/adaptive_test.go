package crawl_test

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/portal"
)

// pacedSite serves n pages linked from its home page, each answered after
// latency(k) where k counts the page requests, and records the most
// requests it had in flight at once.
type pacedSite struct {
	n        int
	latency  func(k int) time.Duration
	served   atomic.Int32
	mu       sync.Mutex
	inflight int
	peak     int
}

func (p *pacedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	p.mu.Lock()
	p.inflight++
	p.peak = max(p.peak, p.inflight)
	p.mu.Unlock()
	defer func() {
		p.mu.Lock()
		p.inflight--
		p.mu.Unlock()
	}()
	time.Sleep(p.latency(int(p.served.Add(1))))
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprintf(w, "<html><body><p>%s</p>", r.URL.Path)
	if r.URL.Path == "/" {
		for i := range p.n {
			fmt.Fprintf(w, `<a href="/p/%d">p</a>`, i)
		}
	}
}

// autoConfig is testConfig with the default, adaptive politeness.
func autoConfig(seed string) crawl.Config {
	cfg := testConfig(seed)
	d := crawl.DefaultConfig()
	cfg.Delay, cfg.HostConcurrency, cfg.Adaptive = d.Delay, d.HostConcurrency, d.Adaptive
	cfg.Workers = 8
	return cfg
}

// pageStarts returns the times the pages (not robots.txt) were requested.
func pageStarts(rec *recorder) []time.Time {
	var at []time.Time
	for _, r := range rec.requests() {
		if r.Path != "/robots.txt" {
			at = append(at, r.At)
		}
	}
	return at
}

// meanGap is the mean time between consecutive starts.
func meanGap(at []time.Time) time.Duration {
	if len(at) < 2 {
		return 0
	}
	return at[len(at)-1].Sub(at[0]) / time.Duration(len(at)-1)
}

func TestAdaptiveDelayFollowsResponseTime(t *testing.T) {
	const latency = 40 * time.Millisecond
	site := &pacedSite{n: 24, latency: func(int) time.Duration { return latency }}
	srv, rec := serve(t, site)
	cfg := autoConfig(srv.URL + "/")
	sum := mustRun(t, cfg, openStore(t))
	if len(sum.Hosts) != 1 {
		t.Fatalf("hosts %+v, want one", sum.Hosts)
	}
	h := sum.Hosts[0]
	// The pace follows the response time: requests start no faster than
	// factor × latency ÷ the concurrency limit (a crawl without
	// politeness would start one every latency ÷ 4).
	floor := time.Duration(cfg.Adaptive.Factor * float64(latency) / float64(cfg.HostConcurrency))
	if g := meanGap(pageStarts(rec)); g < floor*8/10 {
		t.Errorf("mean gap between request starts %v, want at least about %v (factor %v × %v ÷ %d)", g, floor, cfg.Adaptive.Factor, latency, cfg.HostConcurrency)
	}
	if site.peak > cfg.HostConcurrency {
		t.Errorf("%d requests in flight at once, the limit is %d", site.peak, cfg.HostConcurrency)
	}
	// A healthy host is allowed more than one request at a time.
	if h.MaxConcurrency < 2 {
		t.Errorf("healthy host: %+v, want the concurrency grown", h)
	}
	if h.Latency < latency || h.Delay < floor {
		t.Errorf("host %+v: response time below %v or delay below %v", h, latency, floor)
	}
	t.Logf("%d page requests, mean gap %v, peak %d in flight; %+v", len(pageStarts(rec)), meanGap(pageStarts(rec)), site.peak, h)
}

// slowBody answers every page at once and then takes transfer to send
// its body.
type slowBody struct{ transfer time.Duration }

func (s slowBody) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html")
	fmt.Fprint(w, "<html><body>")
	w.(http.Flusher).Flush()
	time.Sleep(s.transfer)
	fmt.Fprintf(w, "<p>%s</p>", r.URL.Path)
	if r.URL.Path == "/" {
		for i := range 6 {
			fmt.Fprintf(w, `<a href="/p/%d">p</a>`, i)
		}
	}
}

// TestAdaptiveResponseTimeIsToHeaders: the host's response time is the
// time to its response headers, as the link checker measures it, not
// the body's transfer.
func TestAdaptiveResponseTimeIsToHeaders(t *testing.T) {
	const transfer = 60 * time.Millisecond
	srv, _ := serve(t, slowBody{transfer: transfer})
	sum := mustRun(t, autoConfig(srv.URL+"/"), openStore(t))
	if len(sum.Hosts) != 1 {
		t.Fatalf("hosts %+v, want one", sum.Hosts)
	}
	if h := sum.Hosts[0]; h.Latency >= transfer/2 {
		t.Errorf("host %+v: response time %v, want the time to the headers, well below the %v body transfer", h, h.Latency, transfer)
	}
	if c := sum.Counts.Captured; c < 7 {
		t.Errorf("%d captured, want the home page and its 6 pages", c)
	}
}

func TestAdaptiveBacksOffWhenTheHostSlowsDown(t *testing.T) {
	// Fast for 30 requests, then fifty times slower.
	const fast, slow = 2 * time.Millisecond, 100 * time.Millisecond
	site := &pacedSite{n: 70, latency: func(k int) time.Duration {
		if k <= 30 {
			return fast
		}
		return slow
	}}
	srv, rec := serve(t, site)
	cfg := autoConfig(srv.URL + "/")
	sum := mustRun(t, cfg, openStore(t))
	h := sum.Hosts[0]
	if h.Backoffs == 0 {
		t.Errorf("no backoff though the host slowed down 50×: %+v", h)
	}
	at := pageStarts(rec)
	early, late := meanGap(at[:25]), meanGap(at[len(at)-20:])
	floor := time.Duration(cfg.Adaptive.Factor * float64(slow) / float64(cfg.HostConcurrency))
	if late < floor*8/10 || late <= early {
		t.Errorf("gaps between request starts: %v while fast, %v while slow; want the slow ones at least about %v and above the fast ones", early, late, floor)
	}
	t.Logf("mean gap %v while fast, %v while slow; %+v", early, late, h)
}

func TestAdaptiveBacksOffOnRefusals(t *testing.T) {
	// Every fifth page answers 503 with Retry-After 0 once.
	var refusedOnce sync.Map
	var refusals atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		var k int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &k); err == nil && k%5 == 0 {
			if _, again := refusedOnce.LoadOrStore(r.URL.Path, true); !again {
				refusals.Add(1)
				w.Header().Set("Retry-After", "0")
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "<p>page</p>")
		if r.URL.Path == "/" {
			for i := range 40 {
				fmt.Fprintf(w, `<a href="/p/%d">p</a>`, i)
			}
		}
	})
	srv, _ := serve(t, mux)
	st := openStore(t)
	sum := mustRun(t, autoConfig(srv.URL+"/"), st)
	h := sum.Hosts[0]
	if h.Backoffs < int(refusals.Load()) {
		t.Errorf("%d backoffs for %d refusals: %+v", h.Backoffs, refusals.Load(), h)
	}
	if sum.Counts.Refused != int(refusals.Load()) {
		t.Errorf("refused %d, want %d", sum.Counts.Refused, refusals.Load())
	}
	// Each refused page was fetched again, and is stored as the page.
	for u, c := range runCaptures(t, st, sum.RunID) {
		if c.Status != http.StatusOK && !strings.HasSuffix(u, "/robots.txt") {
			t.Errorf("%s: status %d, verdict %s", u, c.Status, c.Verdict)
		}
	}
}

// TestAdaptiveRateLimitedPortal crawls the demo portal with its 429 share
// and its Kremlin-style 403 area switched on, at the default politeness:
// no refusal is stored as an answer (which the link check would call
// broken), the 403 area is recorded as refused, and the host backed off.
func TestAdaptiveRateLimitedPortal(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the rate-limited demo portal")
	}
	p, err := portal.New(portal.Config{Seed: 7, Articles: 24, Quirks: portal.Quirks{RateLimit429: 0.003, RetryAfter: 1, RateLimit403: 3}})
	if err != nil {
		t.Fatal(err)
	}
	srv, rec := serve(t, p.Handler())
	st := openStore(t)
	cfg := autoConfig(srv.URL + "/")
	for _, v := range p.Manifest().Volatile {
		cfg.Traps.Volatile = append(cfg.Traps.Volatile, v.Pattern)
	}
	cfg.Backoff = 100 * time.Millisecond
	cfg.MaxRetryAfter = 2 * time.Second
	sum := mustRun(t, cfg, st)

	area := ""
	for _, rl := range p.Manifest().RateLimits {
		if rl.ID == "403" {
			area = strings.TrimPrefix(rl.Prefix, "/*")
		}
	}
	if area == "" {
		t.Fatal("the manifest names no 403 area")
	}
	refused403, refused429 := 0, 0
	for u, c := range runCaptures(t, st, sum.RunID) {
		switch {
		case c.Status == http.StatusTooManyRequests || c.Status == http.StatusForbidden:
			if c.Verdict != archive.VerdictRefused {
				t.Errorf("%s: %d stored as %s, would be judged broken", u, c.Status, c.Verdict)
			}
			if c.Status == http.StatusForbidden {
				refused403++
				if !strings.Contains(u, area) {
					t.Errorf("%s: 403 outside the rate-limited area %s", u, area)
				}
			} else {
				refused429++
			}
		case c.Status >= 400 && strings.Contains(u, area):
			t.Errorf("%s: %d in the rate-limited area", u, c.Status)
		}
	}
	if refused403 == 0 {
		t.Error("no page of the 403 area recorded as refused: the limit was not reached, the test proves nothing")
	}
	planted429 := 0
	for _, r := range rec.requests() {
		if p.Limited429(r.Path) {
			planted429++
		}
	}
	if planted429 == 0 || sum.Counts.Refused == 0 {
		t.Errorf("%d requests in the 429 share, %d refusals counted", planted429, sum.Counts.Refused)
	}
	h := sum.Hosts[0]
	if h.Backoffs == 0 {
		t.Errorf("no backoff: %+v", h)
	}
	byStatus := map[int]int{}
	for _, c := range runCaptures(t, st, sum.RunID) {
		byStatus[c.Status]++
	}
	paths := map[string]int{}
	for _, r := range rec.requests() {
		k := r.Path
		if i := strings.IndexAny(k[1:], "/?"); i > 0 {
			k = k[:i+1]
		}
		paths[k]++
	}
	t.Logf("captures by status %v; requests by first segment %v; %d requests", byStatus, paths, len(rec.requests()))
	t.Logf("%d captures refused with 403 (area %s), %d still refused with 429 after retries; %d refusals in all; %+v",
		refused403, area, refused429, sum.Counts.Refused, h)
}

func TestParseDelay(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"auto", crawl.AutoDelay, true},
		{" AUTO ", crawl.AutoDelay, true},
		{"1s", time.Second, true},
		{"0", 0, true},
		{"250ms", 250 * time.Millisecond, true},
		{"-1s", 0, false},
		{"soon", 0, false},
		{"", 0, false},
	} {
		got, err := crawl.ParseDelay(tc.in)
		if (err == nil) != tc.ok || (tc.ok && got != tc.want) {
			t.Errorf("ParseDelay(%q) = %v, %v; want %v, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
		if err != nil && !errors.Is(err, crawl.ErrConfig) {
			t.Errorf("ParseDelay(%q): %v does not wrap ErrConfig", tc.in, err)
		}
	}
	// The default politeness is adaptive and valid; a bad factor is not.
	cfg := crawl.DefaultConfig()
	cfg.Seeds = []string{"http://127.0.0.1:1/"}
	if cfg.Delay != crawl.AutoDelay || cfg.Validate() != nil {
		t.Errorf("default delay %v, validate %v", cfg.Delay, cfg.Validate())
	}
	cfg.Adaptive.Factor = 0
	if err := cfg.Validate(); !errors.Is(err, crawl.ErrConfig) {
		t.Errorf("factor 0: %v", err)
	}
	cfg.Delay = 2 * time.Second // a fixed delay ignores the adaptive options
	if err := cfg.Validate(); err != nil {
		t.Errorf("fixed delay: %v", err)
	}
}

// FuzzParseDelay: any text gives AutoDelay, a duration that is not
// negative, or an error wrapping ErrConfig; never a panic.
func FuzzParseDelay(f *testing.F) {
	for _, s := range []string{"auto", "AUTO", "1s", "0", "1h2m3.5s", "-1s", "", "soon", "9999999999999h", "1e3s", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := crawl.ParseDelay(s)
		switch {
		case err != nil:
			if !errors.Is(err, crawl.ErrConfig) {
				t.Errorf("ParseDelay(%q): %v does not wrap ErrConfig", s, err)
			}
		case d != crawl.AutoDelay && d < 0:
			t.Errorf("ParseDelay(%q) = %v: negative", s, d)
		}
	})
}
