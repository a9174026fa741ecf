package crawl

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sitemap"
)

// maxAliasesPerURL bounds the aliases recorded for one canonical URL in a
// run: a session id re-minted on every page would otherwise write one
// alias per link per page.
const maxAliasesPerURL = 8

// maxSkippedURLLength bounds the URL text recorded for a skipped href
// (javascript: and data: URLs can be long).
const maxSkippedURLLength = 2048

// found is what the links of one page tell the frontier: the entries to
// queue or to record as skipped, and the aliases met (a rel=canonical,
// tracking parameters). The caller writes them in the transaction that
// stores the page's capture.
type found struct {
	entries []archive.FrontierEntry
	aliases []archive.Alias
}

// add appends an entry; nil is ignored.
func (f *found) add(e *archive.FrontierEntry) {
	if e != nil {
		f.entries = append(f.entries, *e)
	}
}

// discoverLinks reads the links of an HTML page or a sitemap into f: the
// entries to queue, those in scope; the others as skipped, with the
// reason; and the aliases the links reveal.
func (c *crawler) discoverLinks(e archive.FrontierEntry, u, final *url.URL, header http.Header, body []byte, f *found) {
	// Dates from a calendar or day archive page do not widen the
	// learned range: it would grow with every page of the trap.
	learn := !isCalendar(u)
	var hrefs []string
	base := final
	switch {
	case isSitemap(header, body, final.Path):
		hrefs, _ = sitemap.Locs(body)
	case isHTML(header, body):
		s := scanHTML(body, header.Get("Content-Type"), c.cfg.Requisites)
		if s.Base != "" {
			if b, err := final.Parse(strings.TrimSpace(s.Base)); err == nil {
				base = b
			}
		}
		if learn {
			for _, d := range s.Dates {
				c.traps.learnDate(d)
			}
		}
		if s.Canonical != "" {
			if t, err := base.Parse(strings.TrimSpace(s.Canonical)); err == nil && (t.Scheme == "http" || t.Scheme == "https") {
				tc, _ := c.canon.Canonical(t)
				if tc != e.URL && c.scope.check(t, tc) == "" {
					c.alias(f, e.URL, tc, "rel-canonical")
				}
			}
		}
		for _, l := range s.Links {
			hrefs = append(hrefs, l.Href)
		}
	default:
		return
	}
	// Most links of a page were met on earlier pages (menus, calendars,
	// listings): an href already handled under the same origin is passed
	// over without parsing it again. Its first meeting queued or skipped
	// it, and a canonical URL is decided once per process anyway (see
	// resolve); only the dates a calendar link teaches are learned when it
	// is first met on a page that is not itself a calendar.
	want := hrefResolved
	if learn {
		want = hrefLearned
	}
	type pending struct {
		href string
		t    *url.URL
		err  error
	}
	todo := make([]pending, 0, len(hrefs))
	for _, raw := range hrefs {
		h := strings.TrimSpace(raw)
		if h == "" || h[0] == '#' {
			continue
		}
		had := hrefNew
		if key := hrefKey(base, h); key != "" {
			if had = c.markHref(key, want); had >= want {
				continue
			}
		}
		t, err := base.Parse(h)
		if learn && err == nil && c.canon.SameSite(t) {
			// A calendar or day archive linked from a page that is not
			// itself one (a widget that links the days with news, an
			// article linking its day) is evidence of content on that
			// date.
			if d, ok := contentDate(t); ok {
				c.traps.learnDate(d)
			}
		}
		if had == hrefNew {
			todo = append(todo, pending{h, t, err})
		}
	}
	for _, p := range todo {
		f.add(c.resolveParsed(e, p.href, p.t, p.err, f))
	}
}

// What the crawler did with an href (see markHref).
const (
	hrefNew      int8 = iota // not met yet
	hrefResolved             // resolved, met only on calendar pages so far
	hrefLearned              // resolved, and its calendar date learned
)

// hrefKey is the key under which an href is remembered: the href itself
// when it is an absolute http(s) URL, the base's origin and the href when
// it is root-relative; "" for the others, which depend on the base's path.
func hrefKey(base *url.URL, h string) string {
	switch {
	case strings.HasPrefix(h, "http://") || strings.HasPrefix(h, "https://"):
		return h
	case len(h) > 1 && h[0] == '/' && h[1] != '/' || h == "/":
		return base.Scheme + "://" + base.Host + h
	}
	return ""
}

// markHref records that an href (by hrefKey) reached state want and
// returns the state it had.
func (c *crawler) markHref(key string, want int8) int8 {
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	had := c.hrefs[key]
	if want > had {
		c.hrefs[key] = want
	}
	return had
}

// discoverURL records one URL found outside a page (a redirect out of
// scope).
func (c *crawler) discoverURL(ctx context.Context, e archive.FrontierEntry, u *url.URL, _ error) {
	var f found
	t := *u // resolveParsed may drop its fragment
	f.add(c.resolveParsed(e, u.String(), &t, nil, &f))
	if _, err := c.writeFound(ctx, &f); err != nil {
		c.log.Warn("enqueue", "url", u.String(), "err", err)
	}
}

// writeFound writes f without a capture: the aliases, then the entries,
// and returns how many queued entries were new.
func (c *crawler) writeFound(ctx context.Context, f *found) (int, error) {
	for _, a := range f.aliases {
		if err := c.store.AddAlias(ctx, c.runID, a.Alias, a.Canonical, a.Reason); err != nil {
			return 0, err
		}
	}
	if len(f.entries) == 0 {
		return 0, nil
	}
	return c.store.Enqueue(ctx, c.runID, f.entries)
}

// resolveParsed turns one href found on the page of entry e, parsed
// against the page's base (t, or the parse error), into a frontier entry:
// one to queue, or one in state skipped that records why it is not
// fetched (see skipURL); nil for a URL already met. An alias it reveals
// goes to f.
func (c *crawler) resolveParsed(e archive.FrontierEntry, href string, t *url.URL, err error, f *found) *archive.FrontierEntry {
	depth := e.Depth + 1
	if err != nil {
		return c.skipURL(e, depth, "invalid:"+href, SkipInvalid)
	}
	switch t.Scheme {
	case "http", "https":
	default:
		return c.skipURL(e, depth, t.String(), SkipScheme)
	}
	if t.Host == "" || t.Hostname() == "" {
		return c.skipURL(e, depth, "invalid:"+href, SkipInvalid)
	}
	cu, reasons := c.canon.Canonical(t)
	if len(reasons) > 0 {
		t.Fragment, t.RawFragment = "", ""
		if alias := t.String(); alias != cu {
			c.alias(f, alias, cu, strings.Join(reasons, ","))
		}
	}
	if !c.markSeen(cu) {
		return nil
	}
	cuURL, err := url.Parse(cu)
	if err != nil {
		return c.skipURL(e, depth, cu, SkipInvalid)
	}
	return c.admit(e, cuURL, cu)
}

// admit decides a canonical URL cu (parsed as cuURL), met for the first
// time on the page of entry e: the entry to queue, or the entry that
// records why it is skipped (out of scope, too deep, a trap, disallowed by
// robots.txt; see skipURL).
func (c *crawler) admit(e archive.FrontierEntry, cuURL *url.URL, cu string) *archive.FrontierEntry {
	depth := e.Depth + 1
	if r := c.scope.check(cuURL, cu); r != "" {
		return c.skipURL(e, depth, cu, r)
	}
	if c.cfg.MaxDepth > 0 && depth > c.cfg.MaxDepth {
		return c.skipURL(e, depth, cu, SkipMaxDepth)
	}
	parked := false
	if r := c.traps.check(cuURL, cu); r == parkCalendar {
		parked = true
	} else if r != "" {
		return c.skipURL(e, depth, cu, r)
	}
	if c.cfg.Robots {
		if rules := c.robots.loaded(originOf(cuURL)); rules != nil && !rules.allowed(cuURL) {
			r := SkipRobots
			if rules.unavailable {
				r = SkipRobotsUnavailable
			}
			return c.skipURL(e, depth, cu, r)
		}
	}
	if parked {
		return &archive.FrontierEntry{URL: cu, Depth: depth, DiscoveredFrom: e.URL, NotBefore: parkedUntil, Reason: parkCalendar}
	}
	return &archive.FrontierEntry{URL: cu, Depth: depth, DiscoveredFrom: e.URL}
}

// parkedUntil is the NotBefore of a parked calendar URL: it is claimed only
// when the crawler unparks it.
var parkedUntil = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

// unpark decides the parked calendar URLs once nothing else is left to
// crawl: those now within the learned range go back in the queue; if none
// is, all are skipped as out of range. It reports whether any was queued.
func (c *crawler) unpark(ctx context.Context) (bool, error) {
	var parked []archive.FrontierEntry
	err := c.store.FrontierEntries(ctx, c.runID, archive.FrontierQueued, func(e archive.FrontierEntry) error {
		if !e.NotBefore.Before(parkedUntil) {
			parked = append(parked, e)
		}
		return nil
	})
	if err != nil {
		return false, err
	}
	queued := false
	for _, e := range parked {
		u, err := url.Parse(e.URL)
		if err == nil && c.traps.check(u, e.URL) == "" {
			if err := c.store.Retry(ctx, c.runID, e.URL, time.Time{}, "unparked: calendar date within the learned range"); err != nil {
				return false, err
			}
			queued = true
		}
	}
	if queued {
		return true, nil
	}
	for _, e := range parked {
		c.countSkip(SkipCalendarRange)
		if err := c.store.Finish(ctx, c.runID, e.URL, archive.FrontierSkipped, SkipCalendarRange); err != nil {
			return false, err
		}
	}
	return len(parked) > 0, nil
}

// skipURL counts a URL that will not be fetched and returns the frontier
// entry that records it (state skipped, with the reason), to be written
// with the other entries of the page it was found on; nil if it was
// recorded before.
func (c *crawler) skipURL(e archive.FrontierEntry, depth int, u, reason string) *archive.FrontierEntry {
	if len(u) > maxSkippedURLLength {
		u = u[:maxSkippedURLLength]
	}
	if !strings.HasPrefix(reason, "trap:") && reason != SkipExternal && reason != SkipRobots && reason != SkipMaxDepth && reason != SkipExcluded && reason != SkipNotIncluded && reason != SkipRobotsUnavailable {
		// invalid and unsupported URLs are not canonical: dedupe them here.
		if !c.markSeen(reason + " " + u) {
			return nil
		}
	}
	c.countSkip(reason)
	return &archive.FrontierEntry{URL: u, Depth: depth, DiscoveredFrom: e.URL, State: archive.FrontierSkipped, Reason: reason}
}

// alias adds alias → canonical to f once per process, up to
// maxAliasesPerURL per canonical URL.
func (c *crawler) alias(f *found, alias, canonical, reason string) {
	c.seenMu.Lock()
	defer c.seenMu.Unlock()
	key := "alias " + alias
	if c.seen[key] || c.aliases[canonical] >= maxAliasesPerURL {
		return
	}
	c.seen[key] = true
	c.aliases[canonical]++
	f.aliases = append(f.aliases, archive.Alias{RunID: c.runID, Alias: alias, Canonical: canonical, Reason: reason})
}

// contentDate returns the day a calendar or day-archive link names, when it
// is evidence of content on that day: a link to a whole month (a calendar
// widget's previous and next month) is navigation, and learning its first
// day would widen the archive's range by a month at each end.
func contentDate(u *url.URL) (time.Time, bool) {
	d, ok, valid := calendarDate(u)
	if !ok || !valid || monthOnly(u) {
		return time.Time{}, false
	}
	return d, true
}
