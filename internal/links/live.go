package links

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/polite"
)

// Config sets how the live checker behaves. Start from [DefaultConfig].
type Config struct {
	PerHost       int           // concurrent requests to one host
	Workers       int           // concurrent checks in CheckAll
	Delay         time.Duration // minimum gap between request starts to one host, or AutoDelay
	Timeout       time.Duration // for one request, body included
	Retries       int           // further attempts after a transient failure
	Backoff       time.Duration // first wait before a retry; doubles each time
	MaxBackoff    time.Duration // the longest wait between retries
	MaxRetryAfter time.Duration // a longer Retry-After is not waited for: the target stays unverified
	MaxRedirects  int           // hops followed before too-many-redirects
	MaxBody       int64         // bytes read from a body to find ids and the title
	UserAgent     string
	Guard         Guard             // which addresses may be connected to
	Cache         archive.LinkCache // nil: no caching between runs
	TTL           time.Duration     // how long a definite verdict is cached
	TransientTTL  time.Duration     // how long a transient verdict (refused, timeout, 5xx) is cached
	Now           func() time.Time  // the clock for CheckedAt and cache expiry
	TLSConfig     *tls.Config       // nil: the system's roots
}

// AutoDelay, as Config.Delay, is the crawler's adaptive politeness (package
// polite): requests to each host are spaced by twice its recent response
// time divided by the connections it is allowed, which start at one and
// grow to PerHost while it answers as fast as usual; a host that slows down,
// refuses (429, 5xx, a 403 after serving pages) or fails in transit gets
// fewer connections and more room, up to 10 s between requests. Refusals
// also pause the host whatever the delay.
const AutoDelay time.Duration = -1

// DefaultConfig returns the settings used unless told otherwise: polite to
// each host as the crawler is (AutoDelay, up to 4 connections, requests
// spaced by twice the host's response time divided by them), patient with rate limits (Retry-After up to a minute is
// honoured), and caching verdicts for a day (an hour for transient ones).
func DefaultConfig() Config {
	return Config{
		PerHost:       4,
		Workers:       16,
		Delay:         AutoDelay,
		Timeout:       15 * time.Second,
		Retries:       2,
		Backoff:       500 * time.Millisecond,
		MaxBackoff:    10 * time.Second,
		MaxRetryAfter: 60 * time.Second,
		MaxRedirects:  10,
		MaxBody:       4 << 20,
		UserAgent:     "archiver-linkcheck/1 (+https://github.com/archiver-dev/archiver)",
		TTL:           24 * time.Hour,
		TransientTTL:  time.Hour,
		Now:           time.Now,
	}
}

// Request asks for one target to be checked live.
type Request struct {
	URL string // an absolute http or https URL; a fragment is ignored
	// WantIDs asks for the body to be read (GET) so that #fragment targets,
	// soft-404 titles and empty day archives can be judged: Result.IDs and
	// Result.Title.
	WantIDs bool
	// FromPrivate says the linking page is itself served from a private or
	// loopback address (an intranet or a local test site): the SSRF guard
	// protects public pages only, so it does not apply.
	FromPrivate bool
}

// Checker checks link targets over HTTP. It is safe for concurrent use; one
// Checker should serve a whole check run so that its per-host politeness
// covers every request.
type Checker struct {
	cfg     Config
	hosts   *hosts
	guarded *http.Client
	open    *http.Client
}

// NewChecker returns a checker with cfg; zero values that make no sense
// (no workers, no timeout, no clock) are replaced by the defaults.
func NewChecker(cfg Config) *Checker {
	def := DefaultConfig()
	if cfg.PerHost < 1 {
		cfg.PerHost = def.PerHost
	}
	if cfg.Workers < 1 {
		cfg.Workers = def.Workers
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = def.Timeout
	}
	if cfg.Delay < 0 {
		cfg.Delay = AutoDelay
	}
	if cfg.MaxRedirects < 1 {
		cfg.MaxRedirects = def.MaxRedirects
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = def.MaxBody
	}
	if cfg.Backoff <= 0 {
		cfg.Backoff = def.Backoff
	}
	if cfg.MaxBackoff < cfg.Backoff {
		cfg.MaxBackoff = cfg.Backoff
	}
	if cfg.UserAgent == "" {
		cfg.UserAgent = def.UserAgent
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Checker{
		cfg:     cfg,
		hosts:   newHosts(cfg.PerHost, cfg.Delay),
		guarded: newClient(cfg, cfg.Guard),
		open:    newClient(cfg, Guard{AllowLoopback: true, AllowPrivate: true}),
	}
}

func newClient(cfg Config, g Guard) *http.Client {
	t := &http.Transport{
		DialContext:           g.dialer(cfg.Timeout),
		TLSClientConfig:       cfg.TLSConfig,
		TLSHandshakeTimeout:   cfg.Timeout,
		ResponseHeaderTimeout: cfg.Timeout,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   cfg.PerHost,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
	}
	return &http.Client{
		Transport: t,
		// Redirects are followed by hand so that every hop is recorded and
		// goes through the host's politeness.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// Close releases idle connections.
func (c *Checker) Close() {
	c.guarded.CloseIdleConnections()
	c.open.CloseIdleConnections()
}

// Check judges one target, from the cache if it holds an unexpired verdict,
// live otherwise (and then stores the verdict in the cache).
func (c *Checker) Check(ctx context.Context, req Request) Result {
	now := c.cfg.Now().UTC()
	u, err := ParseTarget(req.URL)
	if err != nil {
		return Result{URL: req.URL, Verdict: InvalidURL, Detail: err.Error(), CheckedAt: now, From: FromLive}
	}
	key := u.String()
	if c.cfg.Cache != nil {
		v, err := c.cfg.Cache.LinkVerdict(ctx, key, now)
		// A request that wants the page's ids and title is answered from
		// the cache when they were read, or when the verdict is not OK:
		// a broken or refused target has no page to read them from.
		if err == nil && (!req.WantIDs || v.HasIDs || Verdict(v.Verdict) != OK) {
			r := fromStored(v)
			r.From = FromCache
			return r
		}
	}
	r := c.live(ctx, u, req)
	if c.cfg.Cache != nil && r.Verdict != Canceled && r.Verdict != Blocked && r.Verdict != InvalidURL {
		ttl := c.cfg.TTL
		if r.Verdict.Transient() {
			ttl = c.cfg.TransientTTL
		}
		if ttl > 0 {
			// A cache that cannot be written loses only time on the next
			// run; the verdict itself stands.
			_ = c.cfg.Cache.PutLinkVerdict(ctx, toStored(r, r.CheckedAt.Add(ttl)))
		}
	}
	return r
}

// CheckAll judges every request with cfg.Workers concurrent checks and
// returns the results in the order of reqs. A 403 answer counts as bot
// blocking (refused) unless the same host went on serving other pages after
// it and a second request gets the 403 again: then the page really is
// forbidden and the verdict is broken. A 403 that other pages of the same
// directory also got is an area the server blocks (as some portals block
// their speeches section after a few requests), not a forbidden page: it
// stays refused.
func (c *Checker) CheckAll(ctx context.Context, reqs []Request) []Result {
	return c.checkAll(ctx, reqs, nil)
}

// checkAll is CheckAll with the results of requests already checked (by
// a prefetcher) taken as they are.
func (c *Checker) checkAll(ctx context.Context, reqs []Request, done map[Request]Result) []Result {
	out := make([]Result, len(reqs))
	todo := func(i int) bool { return true }
	if len(done) > 0 {
		for i, r := range reqs {
			if res, ok := done[r]; ok && res.Verdict != Canceled {
				out[i] = res
			}
		}
		todo = func(i int) bool { return out[i].Verdict == "" }
	}
	c.run(ctx, reqs, out, todo)
	// Second pass over the 403s, now that the host's later answers are known.
	forbidden := map[string]int{} // host and directory → 403s
	for _, r := range out {
		if r.Verdict == Refused && r.Status == http.StatusForbidden && r.From == FromLive {
			forbidden[directoryOf(r.URL)]++
		}
	}
	var again []int
	for i, r := range out {
		if r.Verdict == Refused && r.Status == http.StatusForbidden && r.From == FromLive && forbidden[directoryOf(r.URL)] == 1 {
			if u, err := url.Parse(r.URL); err == nil && c.hosts.servingSince(u.Host, r.observed) {
				again = append(again, i)
			}
		}
	}
	if len(again) == 0 {
		return out
	}
	redo := map[int]bool{}
	for _, i := range again {
		redo[i] = true
	}
	second := make([]Result, len(reqs))
	c.run(ctx, reqs, second, func(i int) bool { return redo[i] })
	for _, i := range again {
		r := second[i]
		if r.Verdict == Refused && r.Status == http.StatusForbidden {
			r.Verdict = Broken
			r.Detail = "403 Forbidden on two requests while the host kept serving other pages"
		}
		if r.Verdict != Canceled {
			out[i] = r
		}
	}
	return out
}

func (c *Checker) run(ctx context.Context, reqs []Request, out []Result, want func(int) bool) {
	jobs := make(chan int)
	var wg sync.WaitGroup
	for w := 0; w < c.cfg.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				out[i] = c.Check(ctx, reqs[i])
			}
		}()
	}
	for i := range reqs {
		if want(i) {
			jobs <- i
		}
	}
	close(jobs)
	wg.Wait()
}

// ParseTarget parses an absolute http or https URL and drops its fragment.
func ParseTarget(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return nil, fmt.Errorf("parse target: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("parse target %q: scheme %q is not http or https", raw, u.Scheme)
	}
	if u.Hostname() == "" {
		return nil, fmt.Errorf("parse target %q: no host", raw)
	}
	u.Fragment, u.RawFragment = "", ""
	return u, nil
}

func (c *Checker) backoff(attempt int) time.Duration {
	d := c.cfg.Backoff
	for i := 1; i < attempt && d < c.cfg.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, c.cfg.MaxBackoff)
}

// live judges u by HTTP, retrying transient failures.
func (c *Checker) live(ctx context.Context, u *url.URL, req Request) Result {
	client := c.guarded
	if req.FromPrivate {
		client = c.open
	}
	res := Result{URL: u.String(), From: FromLive, CheckedAt: c.cfg.Now().UTC()}
	for attempt := 1; ; attempt++ {
		res.Attempts = attempt
		o := c.follow(ctx, client, u, req.WantIDs)
		if ctx.Err() != nil {
			res.Verdict, res.Detail = Canceled, ctx.Err().Error()
			return res
		}
		res.Status, res.Chain, res.FinalURL, res.Method = o.status, o.chain, o.final, o.method
		res.Title, res.IDs, res.HasIDs, res.RetryAfter = o.title, o.ids, o.hasIDs, o.retryAfter
		res.observed = time.Now()
		retry, wait := false, c.backoff(attempt)
		var refusing *hostRefusingError
		host := hostOf(o.final, u)
		switch {
		case o.verdict != "":
			res.Verdict, res.Detail = o.verdict, o.detail
		case errors.As(o.err, &refusing):
			res.Verdict, res.Detail = Refused, "not asked: "+o.err.Error()
		case o.err != nil:
			res.Verdict, res.Detail = classify(o.err), o.err.Error()
			switch res.Verdict {
			case Timeout, ConnectionReset, ConnectionError, ConnectionRefused:
				retry = true
			}
		case o.status == http.StatusTooManyRequests || (o.status == http.StatusServiceUnavailable && o.retryAfter > 0):
			res.Verdict = Refused
			res.Detail = fmt.Sprintf("%d %s", o.status, http.StatusText(o.status))
			if o.retryAfter > 0 {
				res.Detail += fmt.Sprintf(" (Retry-After %s)", o.retryAfter)
				wait = o.retryAfter
			}
			// The whole host waits, not only this target: the server said
			// it is overloaded with us.
			c.hosts.pause(host, time.Now().Add(wait), c.cfg.MaxRetryAfter)
			retry = wait <= c.cfg.MaxRetryAfter
			wait = 0
		case o.status == http.StatusForbidden:
			res.Verdict = Refused
			res.Detail = "403 Forbidden: unverified (the server may be blocking automated requests)"
			c.hosts.pause(host, time.Now().Add(wait), c.cfg.MaxRetryAfter)
			retry, wait = true, 0
		case o.status >= 500:
			res.Verdict, res.Detail = ServerError, fmt.Sprintf("%d %s", o.status, http.StatusText(o.status))
			retry = true
		case o.status >= 400:
			res.Verdict, res.Detail = Broken, fmt.Sprintf("%d %s", o.status, http.StatusText(o.status))
		case o.noNews:
			res.Verdict, res.Detail = SoftNotFound, fmt.Sprintf("%d with an empty day archive (\"no news\")", o.status)
		default:
			res.Verdict, res.Detail = OK, ""
		}
		if !retry || attempt > c.cfg.Retries {
			return res
		}
		if err := sleep(ctx, wait); err != nil {
			res.Verdict, res.Detail = Canceled, err.Error()
			return res
		}
	}
}

func hostOf(final string, u *url.URL) string {
	if f, err := url.Parse(final); err == nil && f.Host != "" {
		return f.Host
	}
	return u.Host
}

// outcome is what following one target's redirects produced.
type outcome struct {
	status     int
	chain      []archive.Redirect
	final      string
	method     string
	err        error
	verdict    Verdict // set for redirect trouble
	detail     string
	retryAfter time.Duration
	title      string
	ids        []string
	hasIDs     bool
	noNews     bool
}

func (c *Checker) follow(ctx context.Context, client *http.Client, u *url.URL, wantIDs bool) outcome {
	var o outcome
	seen := map[string]bool{u.String(): true}
	cur := u
	for {
		o.final = cur.String()
		a := c.fetch(ctx, client, cur, wantIDs)
		o.method, o.status = a.method, a.status
		if a.err != nil {
			o.err = a.err
			return o
		}
		loc := a.header.Get("Location")
		if a.status >= 300 && a.status < 400 && a.status != http.StatusNotModified && loc != "" {
			next, err := cur.Parse(loc)
			if err != nil || (next.Scheme != "http" && next.Scheme != "https") || next.Hostname() == "" {
				o.verdict = InvalidURL
				o.detail = fmt.Sprintf("%d redirect to an unusable Location %q", a.status, loc)
				return o
			}
			next.Fragment, next.RawFragment = "", ""
			o.chain = append(o.chain, archive.Redirect{URL: cur.String(), Status: a.status, Location: next.String()})
			if seen[next.String()] {
				o.verdict = RedirectLoop
				o.detail = fmt.Sprintf("redirect loop back to %s after %d hops", next, len(o.chain))
				o.final = next.String()
				return o
			}
			if len(o.chain) >= c.cfg.MaxRedirects {
				o.verdict = TooManyRedirects
				o.detail = fmt.Sprintf("more than %d redirects", c.cfg.MaxRedirects)
				o.final = next.String()
				return o
			}
			seen[next.String()] = true
			cur = next
			continue
		}
		o.retryAfter = ParseRetryAfter(a.header.Get("Retry-After"), time.Now())
		o.title, o.ids, o.hasIDs, o.noNews = a.title, a.ids, a.hasIDs, a.noNews
		return o
	}
}

// answer is one HTTP exchange (HEAD, and GET where needed).
type answer struct {
	method string
	status int
	header http.Header
	err    error
	title  string
	ids    []string
	hasIDs bool
	noNews bool
	// took is the host's response time: from sending the request to its
	// response headers (or the failure), without reading and scanning the
	// body, which is the checker's own work.
	took time.Duration
	// starved reports that the process kept its processors busy for
	// nearly all of took: the answer was read late by its own doing
	// (polite.Stopwatch).
	starved bool
}

func (c *Checker) fetch(ctx context.Context, client *http.Client, u *url.URL, wantIDs bool) answer {
	release, err := c.hosts.acquire(ctx, u.Host)
	if err != nil {
		return answer{err: err}
	}
	defer release()
	if !wantIDs {
		a := c.do(ctx, client, http.MethodHead, u, false)
		// Many servers refuse or mishandle HEAD (405, 501, 403, even 404 or
		// 500): every error answer is confirmed with GET before it is
		// believed. Rate limits are not: a GET would only add to the load.
		if a.err != nil || a.status < 400 || a.status == http.StatusTooManyRequests ||
			(a.status == http.StatusServiceUnavailable && a.header.Get("Retry-After") != "") {
			c.hosts.answered(ctx, u.Host, a)
			return a
		}
	}
	a := c.do(ctx, client, http.MethodGet, u, wantIDs)
	c.hosts.answered(ctx, u.Host, a)
	return a
}

func (c *Checker) do(ctx context.Context, client *http.Client, method string, u *url.URL, read bool) answer {
	a := answer{method: method}
	ctx, cancel := context.WithTimeout(ctx, c.cfg.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, u.String(), nil)
	if err != nil {
		a.err = fmt.Errorf("build request: %w", err)
		return a
	}
	req.Header.Set("User-Agent", c.cfg.UserAgent)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,*/*;q=0.8")
	w := polite.Start()
	resp, err := client.Do(req)
	a.took, a.starved = w.Stop()
	if err != nil {
		a.err = err
		return a
	}
	defer resp.Body.Close()
	a.status, a.header = resp.StatusCode, resp.Header
	if method == http.MethodGet && read && resp.StatusCode < 300 && isHTML(resp.Header.Get("Content-Type")) {
		doc, err := ScanHTML(io.LimitReader(resp.Body, c.cfg.MaxBody))
		if err == nil {
			a.title, a.ids, a.hasIDs, a.noNews = doc.Title, doc.IDs, true, doc.NoNews
		}
		return a
	}
	// Drain a little so the connection can be reused; a body that does not
	// come is not our concern here.
	_, _ = io.CopyN(io.Discard, resp.Body, 64<<10)
	return a
}

func isHTML(contentType string) bool {
	if contentType == "" {
		return true
	}
	mt, _, err := mime.ParseMediaType(contentType)
	return err == nil && (mt == "text/html" || mt == "application/xhtml+xml")
}

// ParseRetryAfter reads a Retry-After header value, in seconds or as an HTTP
// date relative to now. It returns 0 for an absent, malformed or past value.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, ok := parseSeconds(v); ok {
		return n
	}
	if t, err := http.ParseTime(v); err == nil {
		// t.Sub saturates for dates centuries away; cap like seconds.
		if d := t.Sub(now); d > 0 {
			return min(d.Round(time.Second), maxRetryAfterValue)
		}
	}
	return 0
}

// maxRetryAfterValue caps what a Retry-After header can ask for.
const maxRetryAfterValue = 24 * time.Hour

// parseSeconds parses a non-negative delay in seconds, capping absurd values
// at a day so that the result never overflows.
func parseSeconds(v string) (time.Duration, bool) {
	n := int64(0)
	for _, r := range v {
		if r < '0' || r > '9' {
			return 0, false
		}
		n = n*10 + int64(r-'0')
		if n > int64(maxRetryAfterValue/time.Second) {
			n = int64(maxRetryAfterValue / time.Second)
		}
	}
	return time.Duration(n) * time.Second, true
}

func toStored(r Result, expires time.Time) archive.LinkVerdict {
	return archive.LinkVerdict{
		URL: r.URL, Verdict: string(r.Verdict), Status: r.Status, FinalURL: r.FinalURL,
		Redirects: r.Chain, Method: r.Method, Attempts: r.Attempts, Detail: r.Detail,
		RetryAfter: r.RetryAfter, Title: r.Title, IDs: r.IDs, HasIDs: r.HasIDs,
		CheckedAt: r.CheckedAt, ExpiresAt: expires,
	}
}

func fromStored(v archive.LinkVerdict) Result {
	return Result{
		URL: v.URL, Verdict: Verdict(v.Verdict), Status: v.Status, FinalURL: v.FinalURL,
		Chain: v.Redirects, Method: v.Method, Attempts: v.Attempts, Detail: v.Detail,
		RetryAfter: v.RetryAfter, Title: v.Title, IDs: v.IDs, HasIDs: v.HasIDs,
		CheckedAt: v.CheckedAt,
	}
}

// directoryOf returns the host and the directory of a URL's path (up to
// its last slash), lower-cased host: the area a server's block may cover.
func directoryOf(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return s
	}
	p := u.Path
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[:i+1]
	}
	return strings.ToLower(u.Host) + p
}

// prefetcher checks targets live while the audit is still reading pages,
// so that the network-bound live checks overlap the reading (and
// extraction) of the archive. It never blocks its caller: a request that
// finds the queue full is left for the audit's own pass.
type prefetcher struct {
	c   *Checker
	ctx context.Context
	in  chan Request
	wg  sync.WaitGroup

	mu   sync.Mutex
	seen map[Request]bool
	done map[Request]Result
}

func newPrefetcher(ctx context.Context, c *Checker) *prefetcher {
	p := &prefetcher{c: c, ctx: ctx, in: make(chan Request, 4096), seen: map[Request]bool{}, done: map[Request]Result{}}
	for range c.cfg.Workers {
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			for r := range p.in {
				res := c.Check(ctx, r)
				p.mu.Lock()
				p.done[r] = res
				p.mu.Unlock()
			}
		}()
	}
	return p
}

// add queues a request once; it is dropped if the queue is full.
func (p *prefetcher) add(r Request) {
	if p.seen[r] {
		return
	}
	select {
	case p.in <- r:
		p.seen[r] = true
	default:
	}
}

// results waits for the queued checks and returns their results.
func (p *prefetcher) results() map[Request]Result {
	close(p.in)
	p.wg.Wait()
	return p.done
}

// sleep waits for d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
