package crawl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"

	"github.com/archiver-dev/archiver/internal/archive"
)

// fetched is the outcome of fetching one frontier URL, redirects followed.
type fetched struct {
	ex        *exchange
	redirects []archive.Redirect
	note      string    // why a redirect chain stopped, if it did
	robots    string    // a skip reason if robots.txt forbade the URL
	started   time.Time // when the first hop was sent
	exits     []*url.URL
}

// process fetches one claimed frontier entry and records the outcome. It
// returns only storage errors, which stop the crawl.
func (c *crawler) process(ctx context.Context, e archive.FrontierEntry) error {
	u, err := url.Parse(e.URL)
	if err != nil {
		return c.finishSkip(ctx, e, SkipInvalid)
	}
	// The scope and the traps are checked again: the calendar range may
	// have been learned since the URL was queued, and a resumed run may
	// have new limits.
	if r := c.scope.check(u, e.URL); r != "" {
		return c.finishSkip(ctx, e, r)
	}
	if r := c.traps.check(u, e.URL); r == parkCalendar {
		return c.retry(ctx, e, parkedUntil, parkCalendar)
	} else if r != "" {
		return c.finishSkip(ctx, e, r)
	}
	if c.cfg.MaxDepth > 0 && e.Depth > c.cfg.MaxDepth {
		return c.finishSkip(ctx, e, SkipMaxDepth)
	}
	var prev *archive.Capture
	err = archive.ErrNotFound
	if c.history {
		prev, err = c.store.LatestCapture(ctx, e.URL, 0)
	}
	switch {
	case errors.Is(err, archive.ErrNotFound):
		prev = nil
	case err != nil:
		if ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("latest capture of %s: %w", e.URL, err)
	case prev.RunID == c.runID:
		// Stored before the process died, not yet marked done.
		return c.finish(ctx, e, archive.FrontierDone, "already-captured")
	case prev.RunID > c.runID:
		prev = nil
	}
	f := c.fetchChain(ctx, e, prev)
	if f.robots != "" {
		return c.finishSkip(ctx, e, f.robots)
	}
	if ctx.Err() != nil {
		// Interrupted: the entry stays claimed and a resume releases it.
		return nil
	}
	for _, x := range f.exits {
		c.discoverURL(ctx, e, x, nil)
	}
	ex := f.ex
	now := c.cfg.Now()
	host := hostKey(u)
	switch {
	case ex.Err != nil:
		if errors.Is(ex.Err, colly.ErrRobotsTxtBlocked) {
			return c.finishSkip(ctx, e, SkipRobots)
		}
		if e.Attempts < c.cfg.Retries {
			return c.retry(ctx, e, now.Add(c.backoff(e.Attempts)), "error: "+ex.Err.Error())
		}
		c.errorsN.Add(1)
		return c.storeCapture(ctx, e, f, prev, archive.VerdictError)
	case c.isRefusal(host, ex):
		c.refused.Add(1)
		wait := c.retryAfter(ex, now, e.Attempts)
		if ex.Status == http.StatusForbidden && ex.Header.Get("Retry-After") == "" {
			// A 403 blocks a URL or an area, often for good: the URL is
			// tried again later, and the host slows down (adaptive mode),
			// but its other pages are not held up.
			c.hosts.Strained(host) // the other refusals backed off in fetchOne
		} else {
			c.hosts.Pause(host, time.Now().Add(wait))
		}
		c.log.Info("refused", "url", e.URL, "status", ex.Status, "retry_in", wait)
		if e.Attempts < c.cfg.Retries {
			return c.retry(ctx, e, now.Add(wait), "refused: "+strconv.Itoa(ex.Status))
		}
		return c.storeCapture(ctx, e, f, prev, archive.VerdictRefused)
	case ex.Status >= 500:
		if e.Attempts < c.cfg.Retries {
			return c.retry(ctx, e, now.Add(c.backoff(e.Attempts)), "http "+strconv.Itoa(ex.Status))
		}
		c.errorsN.Add(1)
		return c.storeCapture(ctx, e, f, prev, archive.VerdictOK)
	}
	return c.storeCapture(ctx, e, f, prev, archive.VerdictOK)
}

// backoff is the wait before retry number attempt+1.
func (c *crawler) backoff(attempt int) time.Duration {
	d := c.cfg.Backoff
	for i := 0; i < attempt && d < time.Hour; i++ {
		d *= 2
	}
	return d
}

// retryAfter reads Retry-After (seconds or an HTTP date), capped at
// MaxRetryAfter; without one, the backoff.
func (c *crawler) retryAfter(ex *exchange, now time.Time, attempt int) time.Duration {
	d := c.backoff(attempt)
	if ra := strings.TrimSpace(ex.Header.Get("Retry-After")); ra != "" {
		if n, err := strconv.ParseInt(ra, 10, 64); err == nil && n >= 0 {
			d = time.Duration(n) * time.Second
		} else if t, err := http.ParseTime(ra); err == nil {
			d = t.Sub(now)
		}
	}
	if d < 0 {
		d = 0
	}
	if c.cfg.MaxRetryAfter > 0 && d > c.cfg.MaxRetryAfter {
		d = c.cfg.MaxRetryAfter
	}
	return d
}

// isRefusal reports whether a response is the server refusing the crawler
// (counted as refused, never as an empty page or a broken link): 429; 503
// with Retry-After; a 403 with Retry-After; or a 403 from a host that
// served pages before (Kremlin style: a host that blocks a crawler after a
// few hundred requests answers 403 to everything, or to one area; a 403
// that persists through the retries is recorded as refused, unverified).
func (c *crawler) isRefusal(host string, ex *exchange) bool {
	c.hostMu.Lock()
	defer c.hostMu.Unlock()
	switch {
	case ex.Status == http.StatusTooManyRequests:
		return true
	case ex.Status == http.StatusServiceUnavailable:
		return ex.Header.Get("Retry-After") != ""
	case ex.Status == http.StatusForbidden:
		return ex.Header.Get("Retry-After") != "" || c.served[host] > 0
	case ex.Status >= 200 && ex.Status < 300:
		c.served[host]++
	}
	return false
}

// fetchChain fetches a frontier URL and follows its redirects hop by hop:
// every hop is checked against the scope and robots.txt, a loop or a chain
// longer than MaxRedirects stops it, and the chain is recorded.
func (c *crawler) fetchChain(ctx context.Context, e archive.FrontierEntry, prev *archive.Capture) fetched {
	var f fetched
	target := e.URL
	seen := map[string]bool{target: true}
	prevFinal := ""
	if prevPage(prev) {
		prevFinal = prev.FinalURL
		if prevFinal == "" {
			prevFinal = prev.URL
		}
	}
	for hop := 0; ; hop++ {
		tu, err := url.Parse(target)
		if err != nil {
			f.note = "bad redirect target: " + err.Error()
			return f
		}
		if c.cfg.Robots {
			rules, err := c.robotsFor(ctx, tu)
			if err != nil {
				f.ex = &exchange{Err: err}
				return f
			}
			if !rules.allowed(tu) {
				reason := SkipRobots
				if rules.unavailable {
					reason = SkipRobotsUnavailable
				}
				if hop == 0 {
					f.robots = reason
					return f
				}
				f.note = "redirect target " + target + " not fetched: " + reason
				return f
			}
		}
		var cond http.Header
		if prevFinal != "" && target == prevFinal {
			cond = conditional(prev)
		}
		ex := c.fetchOne(ctx, tu, cond)
		if hop == 0 {
			f.started = ex.Started
		}
		if ex.Err != nil || !isRedirect(ex.Status) {
			f.ex = ex
			return f
		}
		loc := ex.Header.Get("Location")
		if loc == "" {
			f.ex = ex
			return f
		}
		f.ex = ex
		next, err := tu.Parse(strings.TrimSpace(loc))
		if err != nil || (next.Scheme != "http" && next.Scheme != "https") {
			f.note = fmt.Sprintf("redirect to an unusable Location %q", loc)
			return f
		}
		next.Fragment, next.RawFragment = "", ""
		f.redirects = append(f.redirects, archive.Redirect{URL: target, Status: ex.Status, Location: next.String()})
		nc, _ := c.canon.Canonical(next)
		switch {
		case seen[next.String()]:
			f.note = "redirect loop"
			return f
		case hop+1 > c.cfg.MaxRedirects:
			f.note = fmt.Sprintf("more than %d redirects", c.cfg.MaxRedirects)
			return f
		}
		if r := c.scope.check(next, nc); r != "" {
			f.note = "redirect to a URL out of scope (" + r + ")"
			f.exits = append(f.exits, next)
			return f
		}
		if r := c.traps.check(next, nc); r != "" {
			f.note = "redirect to a trap (" + r + ")"
			return f
		}
		seen[next.String()] = true
		target = next.String()
	}
}

func isRedirect(status int) bool {
	switch status {
	case 301, 302, 303, 307, 308:
		return true
	}
	return false
}

// conditional returns the validators of a previous capture as request
// headers.
func conditional(prev *archive.Capture) http.Header {
	h := http.Header{}
	if et := prev.Header.Get("ETag"); et != "" {
		h.Set("If-None-Match", et)
	}
	if lm := prev.Header.Get("Last-Modified"); lm != "" {
		h.Set("If-Modified-Since", lm)
	}
	return h
}

// hostKey is the politeness key of a URL: host and port.
func hostKey(u *url.URL) string {
	port := u.Port()
	if port == "" {
		port = "80"
		if strings.EqualFold(u.Scheme, "https") {
			port = "443"
		}
	}
	return net.JoinHostPort(strings.ToLower(u.Hostname()), port)
}

// fetchOne makes one request through colly, after the host's politeness
// slot, and returns the exchange the transport recorded.
//
// robots.txt itself is fetched with the HTTP client directly: colly would
// first check robots.txt for it.
func (c *crawler) fetchOne(ctx context.Context, u *url.URL, extra http.Header) *exchange {
	local := c.local != nil && c.isLocalHost(u.Host)
	if !local {
		release, err := c.hosts.Acquire(ctx, hostKey(u))
		if err != nil {
			return &exchange{Err: err}
		}
		defer release()
	}
	id, ex := c.tee.register()
	defer c.tee.unregister(id)
	hdr := http.Header{}
	hdr.Set(exchangeHeader, id)
	hdr.Set("User-Agent", c.cfg.UserAgent)
	hdr.Set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
	for k, v := range extra {
		hdr[k] = v
	}
	c.fetches.Add(1)
	var err error
	if u.Path == "/robots.txt" {
		err = c.direct(ctx, u, hdr)
	} else {
		err = c.colly.Request(http.MethodGet, u.String(), nil, nil, hdr)
	}
	if err != nil && ex.Err == nil && ex.Status == 0 {
		ex.Err = err
	}
	if !local {
		c.observe(hostKey(u), ex) // before the slot is released
	}
	if ex.URL == "" {
		ex.URL = u.String()
		ex.Method = http.MethodGet
	}
	if ex.Started.IsZero() {
		ex.Started = c.cfg.Now().UTC()
	}
	c.bytes.Add(int64(len(ex.Body)))
	c.log.Debug("fetch", "url", ex.URL, "status", ex.Status, "bytes", len(ex.Body), "truncated", ex.Truncated, "ms", ex.Duration.Milliseconds(), "err", errString(ex.Err))
	return ex
}

// direct makes a request with the crawl's HTTP client, outside colly.
func (c *crawler) direct(ctx context.Context, u *url.URL, hdr http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	req.Header = hdr
	resp, err := c.client.Do(req)
	if err != nil {
		return err
	}
	return resp.Body.Close()
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// robotsFor returns the robots.txt rules of u's origin, fetching them the
// first time: a transport error, a 5xx or a 429 is retried with backoff
// (never read as "disallow all"); if robots.txt stays unreadable, the copy
// archived by an earlier run is used, and without one the origin is not
// crawled (recorded as robots-unavailable). The robots.txt response is
// archived as a capture.
func (c *crawler) robotsFor(ctx context.Context, u *url.URL) (*robotsRules, error) {
	origin := originOf(u)
	return c.robots.get(ctx, origin, func(ctx context.Context) (*robotsRules, error) {
		ru, err := url.Parse(origin + "/robots.txt")
		if err != nil {
			return nil, err
		}
		cu, _ := c.canon.Canonical(ru)
		// A resumed run reuses the robots.txt it archived before.
		if old, err := c.store.LatestCapture(ctx, cu, 0); err == nil && old.RunID == c.runID && old.Status < 500 && old.Status != http.StatusTooManyRequests {
			if full, err := c.store.Capture(ctx, old.ID, true); err == nil {
				rules := parseRobots(origin, c.cfg.UserAgent, full.Status, full.Body, "archived this run")
				if rules.crawlDelay > 0 {
					c.hosts.SetMinDelay(hostKey(u), rules.crawlDelay)
				}
				return rules, nil
			}
		}
		var ex *exchange
		for attempt := 0; ; attempt++ {
			ex = c.fetchOne(ctx, ru, nil)
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			transient := ex.Err != nil || ex.Status >= 500 || ex.Status == http.StatusTooManyRequests
			if !transient || attempt >= c.cfg.Retries {
				break
			}
			wait := c.retryAfter(ex, c.cfg.Now(), attempt)
			c.log.Warn("robots.txt not readable, retrying", "origin", origin, "status", ex.Status, "err", errString(ex.Err), "retry_in", wait)
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return nil, ctx.Err()
			}
		}
		if ex.Status != 0 {
			cap := c.captureOf(archive.FrontierEntry{URL: cu, Reason: "robots.txt"}, fetched{ex: ex}, archive.VerdictOK)
			cap.DiscoveredFrom = "robots.txt"
			if _, newBody, err := c.store.PutCapture(ctx, cap); err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				return nil, fmt.Errorf("store robots.txt: %w", err)
			} else if newBody {
				c.captured.Add(1)
			}
		}
		var rules *robotsRules
		switch {
		case ex.Err == nil && ex.Status < 500 && ex.Status != http.StatusTooManyRequests:
			rules = parseRobots(origin, c.cfg.UserAgent, ex.Status, ex.Body, "fetched")
		default:
			old, err := c.store.LatestCapture(ctx, cu, c.runID)
			if err == nil && old.Status >= 200 && old.Status < 300 && old.BodySHA256 != "" {
				if full, err := c.store.Capture(ctx, old.ID, true); err == nil {
					rules = parseRobots(origin, c.cfg.UserAgent, old.Status, full.Body, "archived copy")
					c.log.Warn("robots.txt unreadable; using the copy archived earlier", "origin", origin, "capture", old.ID)
				}
			}
			if rules == nil {
				rules = &robotsRules{origin: origin, unavailable: true, source: "none"}
				c.log.Warn("robots.txt unreadable after retries; not crawling the origin", "origin", origin, "status", ex.Status, "err", errString(ex.Err))
			}
		}
		if rules.crawlDelay > 0 {
			c.hosts.SetMinDelay(hostKey(u), rules.crawlDelay)
			c.log.Info("robots.txt Crawl-delay honoured", "origin", origin, "delay", rules.crawlDelay)
		}
		// The sitemaps robots.txt names are crawled as seeds.
		var sitemaps []archive.FrontierEntry
		for _, sm := range rules.sitemaps {
			su, err := ru.Parse(strings.TrimSpace(sm))
			if err != nil || (su.Scheme != "http" && su.Scheme != "https") {
				continue
			}
			sc, _ := c.canon.Canonical(su)
			if c.scope.check(su, sc) == "" && c.markSeen(sc) {
				sitemaps = append(sitemaps, archive.FrontierEntry{URL: sc, Depth: 1, DiscoveredFrom: cu, Reason: "sitemap in robots.txt"})
			}
		}
		if len(sitemaps) > 0 {
			if _, err := c.store.Enqueue(ctx, c.runID, sitemaps); err != nil {
				return nil, c.storeErr(ctx, err)
			}
		}
		return rules, nil
	})
}

// captureOf builds the capture of a fetch.
func (c *crawler) captureOf(e archive.FrontierEntry, f fetched, verdict archive.Verdict) *archive.Capture {
	ex := f.ex
	cap := &archive.Capture{
		RunID: c.runID, URL: e.URL, CanonicalURL: e.URL, FinalURL: ex.URL,
		Redirects: f.redirects, Method: ex.Method, RequestHeader: ex.RequestHeader,
		Status: ex.Status, Proto: ex.Proto, Header: ex.Header, RemoteAddr: ex.RemoteAddr,
		FetchedAt: ex.Started, Duration: ex.Duration, ContentLength: ex.ContentLength,
		Truncated: ex.Truncated, Depth: e.Depth, DiscoveredFrom: e.DiscoveredFrom,
		Verdict: verdict, Body: ex.Body,
	}
	if cap.Method == "" {
		cap.Method = http.MethodGet
	}
	if cap.FetchedAt.IsZero() {
		cap.FetchedAt = c.cfg.Now().UTC()
	}
	if ex.Status == 0 {
		cap.ContentLength = -1
	}
	if !f.started.IsZero() {
		cap.FetchedAt = f.started
	}
	var notes []string
	if ex.Err != nil {
		notes = append(notes, ex.Err.Error())
	}
	if ex.Note != "" {
		notes = append(notes, ex.Note)
	}
	if f.note != "" {
		notes = append(notes, f.note)
	}
	cap.Error = strings.Join(notes, "; ")
	if ex.Status != 0 && cap.Body == nil {
		cap.Body = []byte{}
	}
	return cap
}

func sha256Hex(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// storeCapture records a fetch: revisits against the previous capture,
// duplicates of a body already fetched under another URL this run, the
// links of HTML pages and sitemaps. The capture, the links it queues or
// skips, the aliases they reveal and the end of the entry's claim (for an
// ok or revisit verdict the capture's own; other verdicts are finished
// after it) are one write (see submit): with the crawl's writer one
// transaction, shared with other pages, so a crash at any point loses
// nothing and duplicates nothing. The frontier reason of a page stored as
// ok or revisit is its verdict.
func (c *crawler) storeCapture(ctx context.Context, e archive.FrontierEntry, f fetched, prev *archive.Capture, verdict archive.Verdict) error {
	ex := f.ex
	cap := c.captureOf(e, f, verdict)
	linkBody, linkHeader := ex.Body, ex.Header
	linkBase := ex.URL
	var repeated *archive.Capture // what a 304 revisit repeats, with its body
	if verdict == archive.VerdictOK && ex.Status == http.StatusNotModified && prev != nil && prev.BodySHA256 != "" {
		cap.Verdict = archive.VerdictRevisit
		cap.RevisitOf = revisitBase(prev)
		cap.Body = nil
		cap.BodySHA256 = prev.BodySHA256
		// Links come from the body the revisit repeats, typed by the
		// headers of its capture (a 304 need not carry Content-Type).
		linkBody, linkHeader = nil, prev.Header
		if old, err := c.store.Capture(ctx, cap.RevisitOf, true); err == nil {
			linkBody = old.Body
			linkHeader = old.Header
			repeated = old
		} else if ctx.Err() == nil {
			c.log.Warn("revisit: cannot load the repeated body for its links", "url", e.URL, "capture", cap.RevisitOf, "err", err)
		}
	} else if verdict == archive.VerdictOK && prevPage(prev) && ex.Status == http.StatusOK &&
		prev.BodySHA256 == sha256Hex(ex.Body) && !ex.Truncated {
		cap.Verdict = archive.VerdictRevisit
		cap.RevisitOf = revisitBase(prev)
	}
	ok := ex.Err == nil && (ex.Status >= 200 && ex.Status < 300 || cap.Verdict == archive.VerdictRevisit)
	u, _ := url.Parse(e.URL)
	finalURL, _ := url.Parse(linkBase)
	if finalURL == nil {
		finalURL = u
	}

	// A body already fetched this run under another URL: one capture, the
	// other URLs are its aliases. A redirect chain is always captured: the
	// chain is what is new.
	if ok && ex.Status != http.StatusNotModified && !ex.Truncated {
		key, tkey := c.traps.keys(ex.Body)
		tkey = "trap " + tkey
		owner := e.URL
		if len(f.redirects) > 0 {
			// The content belongs to the chain's final URL, which may
			// still be fetched on its own.
			owner, _ = c.canon.Canonical(finalURL)
		}
		c.seenMu.Lock()
		first, dup := c.bodies[key]
		if !dup {
			c.bodies[key] = owner
		}
		tfirst, tdup := c.bodies[tkey]
		if !tdup {
			c.bodies[tkey] = owner
		}
		c.seenMu.Unlock()
		c.traps.sawContent(u, tdup && tfirst != e.URL)
		if dup && first != e.URL && len(f.redirects) == 0 {
			c.countSkip(SkipDuplicate)
			return c.submit(ctx, archive.CaptureWrite{
				Aliases: []archive.Alias{{RunID: c.runID, Alias: e.URL, Canonical: first, Reason: AliasSameContent}},
				End:     ended(e, archive.FrontierDone, SkipDuplicate+" of "+first),
			})
		}
	}

	// The final URL of a redirect chain is captured here; it is not fetched
	// again on its own. What the page tells the frontier (fnd) is written
	// with its capture.
	var fnd found
	if len(f.redirects) > 0 && f.note == "" && ex.Err == nil {
		fc, _ := c.canon.Canonical(finalURL)
		if fc != e.URL && c.scope.check(finalURL, fc) == "" && c.markSeen(fc) {
			fnd.add(&archive.FrontierEntry{URL: fc, Depth: e.Depth, DiscoveredFrom: e.URL, State: archive.FrontierSkipped, Reason: SkipRedirectTarget})
			fnd.aliases = append(fnd.aliases, archive.Alias{RunID: c.runID, Alias: fc, Canonical: e.URL, Reason: AliasRedirect})
			c.countSkip(SkipRedirectTarget)
		}
	}

	// Links are read from every response with a body, error pages
	// included: a 404 page of a portal still carries its navigation.
	if ex.Err == nil && linkBody != nil && (ok || ex.Status >= 400) {
		c.discoverLinks(e, u, finalURL, linkHeader, linkBody, &fnd)
	}

	pw := archive.CaptureWrite{Capture: cap, Entries: fnd.entries, Aliases: fnd.aliases, Page: c.derive(cap, repeated)}
	if (cap.Verdict != archive.VerdictOK && cap.Verdict != archive.VerdictRevisit) || cap.CanonicalURL != e.URL {
		// The capture of an ok or revisit verdict moves the claimed
		// entry to done, with the verdict as its reason, itself.
		reason := "http " + strconv.Itoa(ex.Status)
		switch {
		case cap.Verdict == archive.VerdictRefused:
			reason = "refused"
		case cap.Verdict == archive.VerdictError:
			reason = "error"
		}
		pw.End = ended(e, archive.FrontierDone, reason)
	}
	return c.submit(ctx, pw)
}

// captureWriter is implemented by stores that write a capture with the
// links found on its page (entries to queue or to record as skipped) and
// the aliases they revealed, in one transaction (internal/sqlite does).
type captureWriter interface {
	PutCaptureWith(ctx context.Context, c *archive.Capture, entries []archive.FrontierEntry, aliases []archive.Alias) (id int64, newBody bool, added int, err error)
}

// putCapture stores cap with what its page told the frontier: in one
// transaction if the store can, else the links first, so that a crash
// between the writes loses no link (the entry stays claimed and is
// fetched again on resume).
func (c *crawler) putCapture(ctx context.Context, cap *archive.Capture, f *found) (id int64, newBody bool, added int, err error) {
	if cw, ok := c.store.(captureWriter); ok {
		return cw.PutCaptureWith(ctx, cap, f.entries, f.aliases)
	}
	if added, err = c.writeFound(ctx, f); err != nil {
		return 0, false, 0, err
	}
	id, newBody, err = c.store.PutCapture(ctx, cap)
	return id, newBody, added, err
}

// prevPage reports whether a previous capture is of a page whose
// validators and body a recrawl can use: a 200, or a 304 revisit of one
// (its headers carry the validators).
func prevPage(prev *archive.Capture) bool {
	if prev == nil || prev.BodySHA256 == "" {
		return false
	}
	switch {
	case prev.Status == http.StatusOK:
		return prev.Verdict == archive.VerdictOK || prev.Verdict == archive.VerdictRevisit
	case prev.Status == http.StatusNotModified:
		return prev.Verdict == archive.VerdictRevisit && prev.RevisitOf != 0
	}
	return false
}

// revisitBase is the capture a revisit of prev points at: never a revisit.
func revisitBase(prev *archive.Capture) int64 {
	if prev.Verdict == archive.VerdictRevisit && prev.RevisitOf != 0 {
		return prev.RevisitOf
	}
	return prev.ID
}

// storeErr turns a storage error into the crawl's fatal error, unless the
// crawl was cancelled (then the entry stays claimed for a resume).
func (c *crawler) storeErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil
	}
	return fmt.Errorf("archive: %w", err)
}

// finish moves the claimed entry e to state (done or skipped) with a
// reason, through submit.
func (c *crawler) finish(ctx context.Context, e archive.FrontierEntry, state archive.FrontierState, reason string) error {
	return c.submit(ctx, archive.CaptureWrite{End: ended(e, state, reason)})
}

// ended is the frontier entry e in its new state, for archive.CaptureWrite.End.
func ended(e archive.FrontierEntry, state archive.FrontierState, reason string) archive.FrontierEntry {
	return archive.FrontierEntry{RunID: e.RunID, URL: e.URL, State: state, Reason: reason}
}

func (c *crawler) finishSkip(ctx context.Context, e archive.FrontierEntry, reason string) error {
	c.countSkip(reason)
	return c.finish(ctx, e, archive.FrontierSkipped, reason)
}

// retry puts the claimed entry e back in the queue, not to be claimed
// before at, through submit.
func (c *crawler) retry(ctx context.Context, e archive.FrontierEntry, at time.Time, reason string) error {
	end := ended(e, archive.FrontierQueued, reason)
	end.NotBefore = at
	return c.submit(ctx, archive.CaptureWrite{End: end})
}

// markSeen records a canonical URL as handled by this process and reports
// whether it was new.
func (c *crawler) markSeen(cu string) bool {
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	if c.seen[cu] {
		return false
	}
	c.seen[cu] = true
	return true
}
