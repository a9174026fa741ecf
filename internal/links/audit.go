package links

import (
	"cmp"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/fold"
)

// Canonicalizer gives the canonical form of a URL as the crawl made it, and
// why it differs from the URL ("tracking-param", "session-id",
// "host-variant"); cmd/archiver builds it from the crawl package and the
// run's configuration.
type Canonicalizer func(u *url.URL) (canonical string, reasons []string)

// Pages is what the auditor reads from the archive: the captures of a run
// and its extracted pages. check.Archive satisfies it.
type Pages interface {
	// EachCapture calls fn for every capture of a run, without bodies.
	EachCapture(ctx context.Context, runID int64, fn func(*archive.Capture) error) error
	// EachPage calls fn for every capture of a run that has a page.
	EachPage(ctx context.Context, runID int64, fn func(*archive.Capture, *archive.Page) error) error
}

// FrontierReader lists the frontier of a run, with the reasons URLs were
// skipped. The SQLite store implements it.
type FrontierReader interface {
	FrontierEntries(ctx context.Context, runID int64, state archive.FrontierState, fn func(archive.FrontierEntry) error) error
}

// Options configure an audit and the rule kinds.
type Options struct {
	// Checker checks targets live. Nil: nothing is checked live; targets
	// the archive cannot judge are left unjudged (never guessed).
	Checker *Checker
	// External asks for links to other sites to be checked live.
	External bool
	// Canonicalize maps a run to the crawl's canonicalizer; nil: URLs are
	// only stripped of their fragment.
	Canonicalize func(run archive.Run) (Canonicalizer, error)
	// Frontier reads skip reasons; nil: the archive is asked if it
	// implements FrontierReader, else reasons are not known.
	Frontier FrontierReader
	// Ignore lists the targets not to check at all, as linkinator's
	// --skip, lychee's --exclude and LinkChecker's --ignore-url do: a link
	// whose URL (absolute, as linked, without its #fragment) or canonical
	// URL matches one of them
	// is neither judged from the archive nor checked live, and gives no
	// finding about its target (insecure and duplicate-url included); how
	// its href is written (empty, javascript:, malformed, onclick-only,
	// mailto: and tel: syntax) is still judged. Report.Ignored counts them.
	Ignore []*regexp.Regexp
}

// Occurrence is one link to a target: the page it stands on, its anchor
// text, its place and the href as written.
type Occurrence struct {
	Page      string // canonical URL of the source page
	CaptureID int64
	Text      string
	Place     archive.LinkPlace
	Href      string
	Fragment  string // the #fragment of the link, "" if none
	Tag       string // the element the link is on (a, img, link, span for an onclick, …)
}

// Target is one linked URL (without fragment) and its judgement.
type Target struct {
	URL      string // canonical
	Internal bool   // on one of the crawled sites
	Result   Result // Verdict "" when it was not judged
	Skipped  string // why the crawl did not fetch it, if it did not
	// Judged reports whether Result holds a verdict.
	Judged bool
	// CrossLanguage is set on broken targets that another language of
	// the site has under the same slug (evidence in CrossEvidence).
	CrossLanguage bool
	CrossEvidence string
	Occurrences   []Occurrence
	// MissingFragments lists the #fragments of links to the target that
	// name no element of it, each with its occurrences.
	MissingFragments map[string][]Occurrence
}

// Hygiene is one problem with how links are written, grouped by the href
// as written.
type Hygiene struct {
	Problem     string // empty-href, javascript, malformed, onclick-only, bad-scheme, mailto-syntax, tel-syntax, insecure, duplicate-url, …
	Href        string
	Target      string // the canonical URL a duplicate-url link should use, or the target of an insecure link
	Detail      string
	Occurrences []Occurrence
}

// Report is the outcome of an audit of one crawl run.
type Report struct {
	RunID   int64
	Targets []*Target  // sorted by URL
	Hygiene []*Hygiene // sorted by problem, then href
	Pages   int
	Links   int
	Live    int // targets checked live (or from the cache)
	// Ignored counts the links whose target matched Options.Ignore.
	Ignored int
}

// pageInfo is what the audit keeps of a page that may be a link target.
type pageInfo struct {
	title     string
	kind      archive.PageKind
	ids       map[string]bool
	canonical string // <link rel=canonical>, resolved
	noNews    bool
	ok        bool // a 2xx page: how its links are written is judged
}

// resolvedURL is a link URL parsed and canonicalized (read only: shared by
// every link to it).
type resolvedURL struct {
	u        *url.URL
	doc      string   // u without its fragment, as sameDoc compares it
	key      string   // canonical, without fragment
	reasons  []string // why key differs from the URL (tracking-param, session-id, …)
	internal bool     // on one of the crawled sites
	ignored  bool     // matched by Options.Ignore
}

type capInfo struct {
	capt     *archive.Capture
	viaFinal bool // found by its final URL: the chain belongs to another URL
}

// The signs of a soft 404: a title that says the page is not there, and
// the text of an empty day archive. They match as the case-insensitive
// regular expressions of their phrases, (?i)(\b404\b|not found|…), do.
var (
	notFoundTitle = fold.New(fold.Phrase{Text: "404", Bounded: true}, fold.Phrase{Text: "not found"}, fold.Phrase{Text: "page does not exist"},
		fold.Phrase{Text: "page doesn't exist"}, fold.Phrase{Text: "no longer available"}, fold.Phrase{Text: "страница не найдена"},
		fold.Phrase{Text: "не найдено"}, fold.Phrase{Text: "старонка не знойдзена"}, fold.Phrase{Text: "не знойдзена"})
	noNewsText = fold.New(fold.Phrase{Text: "no news for this day"}, fold.Phrase{Text: "no news on this day"}, fold.Phrase{Text: "there is no news"},
		fold.Phrase{Text: "no news found"}, fold.Phrase{Text: "новостей за этот день нет"}, fold.Phrase{Text: "нет новостей"},
		fold.Phrase{Text: "навін за гэты дзень няма"}, fold.Phrase{Text: "няма навін"})
)

// Audit judges every link of every page of a run. site hosts are the hosts
// of the run's captures; links elsewhere are external.
func Audit(ctx context.Context, a Pages, run archive.Run, opts Options) (*Report, error) {
	canon := func(u *url.URL) (string, []string) {
		c := *u
		c.Fragment, c.RawFragment = "", ""
		return c.String(), nil
	}
	if opts.Canonicalize != nil {
		c, err := opts.Canonicalize(run)
		if err != nil {
			return nil, fmt.Errorf("links: canonical URLs of run %d: %w", run.ID, err)
		}
		if c != nil {
			canon = c
		}
	}
	rep := &Report{RunID: run.ID}

	// Captures, by canonical URL, requested URL and final URL.
	caps := map[string]capInfo{}
	hosts := map[string]bool{}
	took := map[string][]time.Duration{} // the crawl's fetch times, by host
	for _, s := range run.Seeds {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			hosts[strings.ToLower(u.Host)] = true
		}
	}
	err := a.EachCapture(ctx, run.ID, func(c *archive.Capture) error {
		key := c.CanonicalURL
		if key == "" {
			key = c.URL
		}
		caps[key] = capInfo{capt: c}
		if _, ok := caps[c.URL]; !ok {
			caps[c.URL] = capInfo{capt: c}
		}
		if u, err := url.Parse(key); err == nil {
			hosts[strings.ToLower(u.Host)] = true
			if c.Error == "" && c.Status > 0 && c.Status < 400 && c.Duration > 0 {
				took[u.Host] = append(took[u.Host], c.Duration)
			}
		}
		if c.FinalURL != "" && len(c.Redirects) > 0 && c.Error == "" {
			if u, err := url.Parse(c.FinalURL); err == nil {
				fk, _ := canon(u)
				if _, ok := caps[fk]; !ok {
					caps[fk] = capInfo{capt: c, viaFinal: true}
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("links: captures of run %d: %w", run.ID, err)
	}
	if opts.Checker != nil {
		// The crawl's median fetch time is what a crawled host is expected
		// to answer in, until it answers the checker (polite.Expect).
		for host, ds := range took {
			slices.Sort(ds)
			opts.Checker.hosts.limiter.Expect(host, ds[len(ds)/2])
		}
	}

	// Frontier: why URLs were not fetched, and duplicates.
	skipped := map[string]string{}
	fr := opts.Frontier
	if fr == nil {
		fr, _ = a.(FrontierReader)
	}
	if fr != nil {
		err := fr.FrontierEntries(ctx, run.ID, "", func(e archive.FrontierEntry) error {
			if _, ok := caps[e.URL]; ok {
				return nil
			}
			if e.State == archive.FrontierDone && strings.HasPrefix(e.Reason, "duplicate of ") {
				if c, ok := caps[strings.TrimPrefix(e.Reason, "duplicate of ")]; ok {
					caps[e.URL] = capInfo{capt: c.capt, viaFinal: true}
					return nil
				}
			}
			skipped[e.URL] = e.Reason
			if e.Reason == "" {
				skipped[e.URL] = string(e.State)
			}
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("links: frontier of run %d: %w", run.ID, err)
		}
	}

	// Pages and their links.
	pages := map[int64]*pageInfo{}
	lastSeg := map[string][]string{} // URL without its language segment → captured 2xx page URLs
	targets := map[string]*Target{}
	hyg := map[string]*Hygiene{}
	addHygiene := func(problem, href, target, detail string, o Occurrence) {
		k := problem + "\x00" + href
		h, ok := hyg[k]
		if !ok {
			h = &Hygiene{Problem: problem, Href: href, Target: target, Detail: detail}
			hyg[k] = h
		}
		h.Occurrences = append(h.Occurrences, o)
	}
	private := map[string]bool{} // target → every linking page is private
	// Targets the archive cannot judge are checked live while the pages
	// are still being read.
	var pre *prefetcher
	if opts.Checker != nil {
		pctx, stop := context.WithCancel(ctx)
		defer stop()
		pre = newPrefetcher(pctx, opts.Checker)
		defer func() {
			if pre != nil { // the pages were not all read: stop checking
				stop()
				pre.results()
			}
		}()
	}
	// resolve parses and canonicalizes a link's URL once per distinct URL:
	// a site's menus and footers repeat the same links on every page.
	resolved := map[string]*resolvedURL{}
	ignore := newIgnoreSet(opts.Ignore)
	var order pageOrder
	resolve := func(raw string) *resolvedURL {
		if r, ok := resolved[raw]; ok {
			return r
		}
		var r *resolvedURL
		if u, err := url.Parse(raw); err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" {
			key, reasons := canon(u)
			internal := hosts[strings.ToLower(u.Host)]
			if !internal {
				// A host variant of a crawled site (http/https, www) is internal.
				if cu, err := url.Parse(key); err == nil && hosts[strings.ToLower(cu.Host)] {
					internal = true
				}
			}
			if len(reasons) == 0 {
				reasons = duplicateReasons(u)
			}
			doc := withoutFragment(u)
			r = &resolvedURL{u: u, doc: doc, key: key, reasons: reasons, internal: internal,
				ignored: ignore.match(key) || doc != key && ignore.match(doc)}
		}
		resolved[raw] = r
		return r
	}
	err = a.EachPage(ctx, run.ID, func(c *archive.Capture, p *archive.Page) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.Pages++
		src := c.CanonicalURL
		if src == "" {
			src = c.URL
		}
		info := &pageInfo{title: p.Title, kind: p.Kind, ids: make(map[string]bool, len(p.IDs))}
		for _, id := range p.IDs {
			info.ids[id] = true
		}
		if p.CanonicalURL != "" {
			if cu, err := url.Parse(p.CanonicalURL); err == nil {
				info.canonical, _ = canon(cu)
			}
		}
		info.noNews = p.WordCount < 400 && noNewsText.MatchString(p.Body)
		info.ok = c.Status >= 200 && c.Status < 300
		pages[c.ID] = info
		if c.Status >= 200 && c.Status < 300 {
			if u, err := url.Parse(src); err == nil {
				if rest, ok := langRest(u); ok {
					lastSeg[rest] = append(lastSeg[rest], src)
				}
			}
		}
		if redirectedToCapture(c, caps, canon) {
			// A redirect to a page captured on its own: its links are
			// that page's, counted once, where they stand.
			return nil
		}
		srcURL, _ := url.Parse(firstNonEmpty(c.FinalURL, src))
		srcDoc, hasSrc := "", srcURL != nil
		if hasSrc {
			srcDoc = withoutFragment(srcURL)
		}
		// sameDoc reports whether a link's URL names this page, but for
		// its fragment (compared as strings made once per page and once
		// per distinct URL).
		sameDoc := func(r *resolvedURL) bool { return hasSrc && r.doc == srcDoc }
		https := srcURL != nil && srcURL.Scheme == "https"
		fromPrivate := remotePrivate(c.RemoteAddr) || (srcURL != nil && remotePrivate(srcURL.Hostname()))
		// The links stand on the page the capture ended at: the home page
		// /en/ a bare / redirected to.
		onPage := src
		if srcURL != nil && c.FinalURL != "" && c.FinalURL != c.URL {
			onPage, _ = canon(srcURL)
		}
		order.add(onPage)
		// How links are written is judged on the site's pages, not on its
		// error pages (a 404 page's "load more" handler is not a page's).
		flag := func(problem, href, target, detail string, o Occurrence) {
			if info.ok {
				addHygiene(problem, href, target, detail, o)
			}
		}
		for _, l := range p.Links {
			rep.Links++
			o := Occurrence{Page: onPage, CaptureID: c.ID, Text: l.Text, Place: l.Place, Href: l.Href, Tag: l.Tag}
			if problem := hygieneIssue(l); problem != "" {
				href := l.Href
				if problem == "onclick-only" && l.Raw != "" {
					href = l.Raw
				}
				flag(problem, href, "", "", o)
			}
			switch href := strings.TrimSpace(l.Href); {
			case fold.HasPrefixLower(href, "mailto:"):
				if d := mailtoProblem(href); d != "" {
					flag("mailto-syntax", l.Href, "", d, o)
				}
				continue
			case fold.HasPrefixLower(href, "tel:"):
				if d := telProblem(href); d != "" {
					flag("tel-syntax", l.Href, "", d, o)
				}
				continue
			}
			if l.URL == "" || skipRel(l.Rel) {
				continue
			}
			r := resolve(l.URL)
			if r == nil {
				continue
			}
			if r.ignored {
				rep.Ignored++
				continue
			}
			u, key, reasons, internal := r.u, r.key, r.reasons, r.internal
			o.Fragment = u.Fragment
			if https && u.Scheme == "http" && (l.Tag == "a" || l.Tag == "area" || l.Tag == "") {
				flag("insecure", l.Href, key, "an http:// link on an https page", o)
			} else if https && u.Scheme == "http" {
				flag("insecure", l.Href, key, "an http:// resource on an https page (mixed content)", o)
			} else if internal && u.Scheme == "http" && strings.HasPrefix(key, "https://") {
				flag("insecure", l.Href, key, "an http:// link to a site served over https", o)
			}
			for _, r := range reasons {
				if r == "tracking-param" || r == "session-id" {
					flag("duplicate-url", l.Href, key, "the URL carries a "+strings.ReplaceAll(r, "-", " ")+"; link to the canonical URL", o)
					break
				}
			}
			t, ok := targets[key]
			if !ok {
				t = &Target{URL: key, Internal: internal}
				targets[key] = t
				private[key] = fromPrivate
			} else if !fromPrivate {
				private[key] = false
			}
			if pre != nil && (internal || opts.External) && !sameDoc(r) {
				if _, captured := caps[key]; !captured || !internal {
					pre.add(Request{URL: key, WantIDs: wantBody(o, internal), FromPrivate: private[key]})
				}
			}
			if l.Issue == "fragment" || (u.Fragment != "" && sameDoc(r)) {
				// A same-page #fragment: judged against this page's ids.
				if u.Fragment != "" && !fragmentOK(u.Fragment, info.ids) {
					if t.MissingFragments == nil {
						t.MissingFragments = map[string][]Occurrence{}
					}
					t.MissingFragments[u.Fragment] = append(t.MissingFragments[u.Fragment], o)
				}
				continue
			}
			t.Occurrences = append(t.Occurrences, o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("links: pages of run %d: %w", run.ID, err)
	}

	// Judge every target: from the archive, else live.
	var live []Request
	var liveTargets []*Target
	for _, t := range targets {
		if len(t.Occurrences) == 0 {
			continue
		}
		needIDs := false
		for _, o := range t.Occurrences {
			needIDs = needIDs || wantBody(o, t.Internal)
		}
		if ci, ok := caps[t.URL]; ok && t.Internal {
			r, recheck := fromCapture(ci, pages, caps, canon)
			t.Result, t.Judged = r, true
			if recheck && opts.Checker != nil {
				live = append(live, Request{URL: t.URL, WantIDs: needIDs, FromPrivate: private[t.URL]})
				liveTargets = append(liveTargets, t)
			}
			continue
		}
		t.Skipped = skipped[t.URL]
		if t.Internal && t.Skipped == "" {
			t.Skipped = "not in the crawl"
		}
		if opts.Checker != nil && (t.Internal || opts.External) {
			live = append(live, Request{URL: t.URL, WantIDs: needIDs, FromPrivate: private[t.URL]})
			liveTargets = append(liveTargets, t)
		}
	}
	var prefetched map[Request]Result
	if pre != nil {
		prefetched, pre = pre.results(), nil
	}
	if len(live) > 0 {
		results := opts.Checker.checkAll(ctx, live, prefetched)
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		for i, r := range results {
			t := liveTargets[i]
			if t.Judged && (r.Verdict == Refused || t.Result.Verdict == Refused && (r.Status == http.StatusForbidden || r.Status == http.StatusTooManyRequests)) {
				// The live re-check of a refused capture was refused too
				// (a 403 again is the block going on, whatever the host
				// serves elsewhere): keep the archive's evidence.
				continue
			}
			if r.Verdict == OK && r.HasIDs {
				if notFoundTitle.MatchString(r.Title) {
					r.Verdict, r.Detail = SoftNotFound, fmt.Sprintf("200 with the title %q", r.Title)
				}
			}
			t.Result, t.Judged = r, r.Verdict != Canceled
			rep.Live++
		}
	}

	// Fragments, and cross-language 404s.
	for _, t := range targets {
		if !t.Judged {
			continue
		}
		if t.Result.Verdict == OK {
			ids, known := targetIDs(t, caps, pages, canon)
			if known {
				for _, o := range t.Occurrences {
					if o.Fragment == "" || fragmentOK(o.Fragment, ids) {
						continue
					}
					if t.MissingFragments == nil {
						t.MissingFragments = map[string][]Occurrence{}
					}
					t.MissingFragments[o.Fragment] = append(t.MissingFragments[o.Fragment], o)
				}
			}
		}
		if t.Result.Verdict == Broken && t.Internal {
			t.CrossLanguage, t.CrossEvidence = crossLanguage(t, lastSeg)
		}
	}
	// Links to a page that names another page as its canonical URL (a
	// print version, an alias under another section): duplicates, like
	// links with tracking parameters or session ids.
	for _, t := range targets {
		if !t.Judged || t.Result.Verdict != OK || t.Result.From != FromArchive || !t.Internal {
			continue
		}
		if canonical, ok := duplicateOf(caps[t.URL], pages); ok {
			for _, o := range t.Occurrences {
				if samePath(o.Page, canonical) {
					// A page's link to its own print version, also from a
					// copy of the page under other query parameters
					// (?page=2 of a one-page photo report).
					continue
				}
				if src := pages[o.CaptureID]; src == nil || !src.ok {
					continue // an error page
				}
				addHygiene("duplicate-url", o.Href, canonical, "the target names "+canonical+" as its canonical URL (<link rel=canonical>); link to the canonical URL", o)
			}
		}
	}

	// Same-page fragments of pages that are never linked from elsewhere
	// still count: they are judged already, as targets with only
	// MissingFragments.
	for _, t := range targets {
		if len(t.Occurrences) == 0 && len(t.MissingFragments) > 0 {
			t.Judged = true
			t.Result.Verdict = OK
		}
	}

	order.rank()
	for _, t := range targets {
		order.sort(t.Occurrences)
		for _, os := range t.MissingFragments {
			order.sort(os)
		}
		rep.Targets = append(rep.Targets, t)
	}
	sort.Slice(rep.Targets, func(i, j int) bool { return rep.Targets[i].URL < rep.Targets[j].URL })
	for _, h := range hyg {
		order.sort(h.Occurrences)
		rep.Hygiene = append(rep.Hygiene, h)
	}
	sort.Slice(rep.Hygiene, func(i, j int) bool {
		if rep.Hygiene[i].Problem != rep.Hygiene[j].Problem {
			return rep.Hygiene[i].Problem < rep.Hygiene[j].Problem
		}
		return rep.Hygiene[i].Href < rep.Hygiene[j].Href
	})
	return rep, nil
}

// wantBody reports whether a live check of a link's target reads its body
// (GET) rather than asking for its status (HEAD): for a #fragment, and for
// a link to a page of the site the crawl did not capture, whose body may
// show a soft 404 (a "not found" title, an empty day archive). Images,
// scripts and other resources are only asked for their status.
func wantBody(o Occurrence, internal bool) bool {
	if o.Fragment != "" && !ignorableFragment(o.Fragment) {
		return true
	}
	if !internal {
		return false
	}
	switch o.Tag {
	case "img", "script", "link", "source", "video", "audio", "iframe", "embed", "object", "track", "input", "image":
		return false
	}
	return true
}

// fromCapture judges an internal target from its capture. recheck asks for
// a live check: the crawl was refused or failed in transit, so the
// archive does not know.
func fromCapture(ci capInfo, pages map[int64]*pageInfo, caps map[string]capInfo, canon Canonicalizer) (Result, bool) {
	c := ci.capt
	r := Result{
		URL: firstNonEmpty(c.CanonicalURL, c.URL), Status: c.Status, FinalURL: c.FinalURL,
		CheckedAt: c.FetchedAt.UTC(), From: FromArchive, CaptureID: c.ID, BodySHA256: c.BodySHA256,
	}
	if !ci.viaFinal {
		r.Chain = c.Redirects
	}
	errText := strings.ToLower(c.Error)
	switch {
	case strings.Contains(errText, "redirect loop"):
		r.Verdict, r.Detail = RedirectLoop, c.Error
		return r, false
	case strings.Contains(errText, "redirects") && strings.Contains(errText, "more than"):
		r.Verdict, r.Detail = TooManyRedirects, c.Error
		return r, false
	case c.Verdict == archive.VerdictRefused:
		r.Verdict, r.Detail = Refused, fmt.Sprintf("the crawl was refused (%d): %s", c.Status, c.Error)
		return r, true
	case c.Verdict == archive.VerdictError && c.Status == 0:
		r.Verdict, r.Detail = classifyText(c.Error), c.Error
		return r, true
	case strings.HasPrefix(errText, "redirect to") || strings.Contains(errText, "not fetched"):
		// The chain left the crawl (out of scope, robots): only a live
		// check can say where it ends.
		r.Verdict, r.Detail = "", c.Error
		return r, true
	}
	switch {
	case c.Status >= 200 && c.Status < 300 || c.Status == 304 || c.Verdict == archive.VerdictRevisit:
		r.Verdict = OK
		if p := pages[c.ID]; p != nil {
			r.Title = p.title
			switch {
			case notFoundTitle.MatchString(p.title):
				r.Verdict, r.Detail = SoftNotFound, fmt.Sprintf("%d with the title %q", c.Status, p.title)
			case p.noNews:
				r.Verdict, r.Detail = SoftNotFound, fmt.Sprintf("%d with an empty day archive (\"no news\")", c.Status)
			case !ci.viaFinal && len(c.Redirects) > 0 && p.kind == archive.KindHome && !isHomePath(r.URL):
				r.Verdict, r.Detail = SoftNotFound, "redirected to the home page "+c.FinalURL
			}
		}
	case c.Status >= 500:
		r.Verdict, r.Detail = ServerError, fmt.Sprintf("%d %s", c.Status, statusText(c.Status))
		return r, true
	case c.Status >= 400:
		r.Verdict, r.Detail = Broken, fmt.Sprintf("%d %s", c.Status, statusText(c.Status))
	case c.Status >= 300:
		r.Verdict, r.Detail = OK, fmt.Sprintf("%d without a followable Location", c.Status)
	default:
		r.Verdict, r.Detail = classifyText(c.Error), c.Error
		return r, true
	}
	return r, false
}

// targetIDs returns the ids of the page a target ends at.
func targetIDs(t *Target, caps map[string]capInfo, pages map[int64]*pageInfo, canon Canonicalizer) (map[string]bool, bool) {
	if t.Result.From != FromArchive {
		if !t.Result.HasIDs {
			return nil, false
		}
		ids := make(map[string]bool, len(t.Result.IDs))
		for _, id := range t.Result.IDs {
			ids[id] = true
		}
		return ids, true
	}
	p := pages[t.Result.CaptureID]
	if p == nil {
		return nil, false // not HTML (a PDF's #page=2 is not ours to judge)
	}
	return p.ids, true
}

// crossLanguage reports whether a broken internal target is served under
// another language prefix with the rest of its URL unchanged: another
// language's slug and id pasted under this language.
func crossLanguage(t *Target, byRest map[string][]string) (bool, string) {
	u, err := url.Parse(t.URL)
	if err != nil {
		return false, ""
	}
	rest, ok := langRest(u)
	if !ok {
		return false, ""
	}
	for _, other := range byRest[rest] {
		if other != t.URL {
			return true, fmt.Sprintf("the same URL under another language exists: %s", other)
		}
	}
	return false, ""
}

// langRest returns the host and the URL after a leading language segment
// (/en/, /ru/, …), and whether there is one; only article-like paths (a
// last segment with a digit) count.
func langRest(u *url.URL) (string, bool) {
	lang := firstSegment(u.Path)
	if !isLangCode(lang) {
		return "", false
	}
	last := path0Last(u.Path)
	if !strings.ContainsAny(last, "0123456789") {
		return "", false
	}
	return u.Host + strings.TrimPrefix(u.Path, "/"+lang) + "?" + u.RawQuery, true
}

func isLangCode(s string) bool {
	if len(s) == 2 {
		return s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z'
	}
	return len(s) == 5 && s[2] == '-'
}

func firstSegment(p string) string {
	p = strings.TrimPrefix(p, "/")
	seg, _, _ := strings.Cut(p, "/")
	return seg
}

func path0Last(p string) string {
	p = strings.TrimSuffix(p, "/")
	return p[strings.LastIndexByte(p, '/')+1:]
}

func isHomePath(u string) bool {
	pu, err := url.Parse(u)
	if err != nil {
		return false
	}
	p := strings.Trim(pu.Path, "/")
	return p == "" || isLangCode(p)
}

// hygieneIssue maps the extractor's link issues to hygiene problems.
func hygieneIssue(l archive.Link) string {
	switch l.Issue {
	case "empty-href":
		return "empty-href"
	case "javascript":
		return "javascript"
	case "malformed":
		return "malformed"
	case "onclick":
		return "onclick-only"
	case "bad-scheme":
		return "bad-scheme"
	case "local-file":
		return "local-file"
	case "whitespace":
		return "whitespace"
	}
	return ""
}

// skipRel reports link relations that are hints, not links to check.
func skipRel(rel string) bool {
	for r := range strings.FieldsSeq(rel) {
		switch r {
		case "preconnect", "dns-prefetch", "prefetch", "prerender":
			return true
		}
	}
	return false
}

// ignorableFragment reports fragments that are not element ids: "top"
// (defined by HTML to mean the top of the page), client-side routes
// ("#!/…", "#/…") and media fragments.
func ignorableFragment(f string) bool {
	return f == "" || strings.EqualFold(f, "top") || strings.HasPrefix(f, "!") || strings.HasPrefix(f, "/") ||
		strings.HasPrefix(f, ":~:") || strings.HasPrefix(f, "page=") || strings.HasPrefix(f, "t=")
}

func fragmentOK(f string, ids map[string]bool) bool {
	if ignorableFragment(f) || ids[f] {
		return true
	}
	if d, err := url.PathUnescape(f); err == nil && ids[d] {
		return true
	}
	return false
}

// withoutFragment returns u as a string without its fragment: two URLs
// that give the same one name the same document.
func withoutFragment(u *url.URL) string {
	a := *u
	a.Fragment, a.RawFragment = "", ""
	return a.String()
}

// remotePrivate reports whether a capture came from a non-public address.
func remotePrivate(remote string) bool {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		host = remote
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	return !(Guard{}).Allowed(a)
}

// classifyText classifies a transport error recorded as text by the crawl.
func classifyText(s string) Verdict {
	l := strings.ToLower(s)
	switch {
	case strings.Contains(l, "no such host") || strings.Contains(l, "lookup "):
		return DNSError
	case strings.Contains(l, "x509") || strings.Contains(l, "tls"):
		return TLSError
	case strings.Contains(l, "connection refused"):
		return ConnectionRefused
	case strings.Contains(l, "timeout") || strings.Contains(l, "deadline exceeded"):
		return Timeout
	case strings.Contains(l, "reset") || strings.Contains(l, "eof"):
		return ConnectionReset
	}
	return ConnectionError
}

func statusText(code int) string {
	if t := http.StatusText(code); t != "" {
		return t
	}
	return "status"
}

// sortOccurrences orders occurrences by page, anchor text and place,
// keeping the order of equal ones.
func sortOccurrences(os []Occurrence) {
	slices.SortStableFunc(os, compareOccurrences)
}

func compareOccurrences(a, b Occurrence) int {
	return cmp.Or(strings.Compare(a.Page, b.Page), strings.Compare(a.Text, b.Text), cmp.Compare(a.Place, b.Place))
}

// pageOrder ranks the pages links stand on by URL, so that occurrences
// are sorted by an integer before their anchor texts rather than by URLs
// that share their first forty bytes, and moved once each.
type pageOrder struct {
	ranks map[string]int
	keys  []occurrenceKey // scratch, reused by sort
	buf   []Occurrence    // scratch, reused by sort
}

// occurrenceKey is an occurrence's page rank and its index before sorting.
type occurrenceKey struct{ page, i int }

// add records a page (before rank).
func (po *pageOrder) add(page string) {
	if po.ranks == nil {
		po.ranks = map[string]int{}
	}
	po.ranks[page] = 0
}

// rank numbers the pages added in the order of their URLs.
func (po *pageOrder) rank() {
	pages := make([]string, 0, len(po.ranks))
	for p := range po.ranks {
		pages = append(pages, p)
	}
	slices.Sort(pages)
	for i, p := range pages {
		po.ranks[p] = i
	}
}

// sort orders os as sortOccurrences does: by page, anchor text and place,
// keeping the order of equal ones.
func (po *pageOrder) sort(os []Occurrence) {
	if len(os) < 2 {
		return
	}
	keys := po.keys[:0]
	for i := range os {
		r, ok := po.ranks[os[i].Page]
		if !ok { // not a page of the run: compare the URLs
			sortOccurrences(os)
			return
		}
		keys = append(keys, occurrenceKey{r, i})
	}
	po.keys = keys
	slices.SortFunc(keys, func(a, b occurrenceKey) int {
		if a.page != b.page {
			return cmp.Compare(a.page, b.page)
		}
		return cmp.Or(compareOccurrences(os[a.i], os[b.i]), cmp.Compare(a.i, b.i))
	})
	sorted := po.buf[:0]
	for _, k := range keys {
		sorted = append(sorted, os[k.i])
	}
	copy(os, sorted)
	po.buf = sorted
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// duplicateReasons finds tracking parameters and session ids in a URL when
// no canonicalizer of the crawl is at hand.
func duplicateReasons(u *url.URL) []string {
	var out []string
	if strings.Contains(strings.ToLower(u.Path), ";jsessionid=") || strings.Contains(strings.ToLower(u.Path), ";sid=") {
		out = append(out, "session-id")
	}
	for k := range u.Query() {
		k = strings.ToLower(k)
		switch {
		case strings.HasPrefix(k, "utm_"), k == "gclid", k == "fbclid", k == "yclid", k == "mc_cid", k == "mc_eid":
			return append(out, "tracking-param")
		case k == "jsessionid", k == "phpsessid", k == "sessionid", k == "sid":
			return append(out, "session-id")
		}
	}
	return out
}

// duplicateOf reports whether a captured target is a duplicate: its page
// names, with <link rel=canonical>, a canonical URL that is none of the
// URLs it was fetched under (requested, canonical, final). Path and query
// are compared, not scheme and host, so that a site crawled under another
// origin than its canonical tags name (a staging host, loopback) is not
// taken for a set of duplicates.
func duplicateOf(ci capInfo, pages map[int64]*pageInfo) (string, bool) {
	if ci.capt == nil {
		return "", false
	}
	p := pages[ci.capt.ID]
	if p == nil || p.canonical == "" {
		return "", false
	}
	want := pathQuery(p.canonical)
	if want == "" {
		return "", false
	}
	for _, u := range []string{ci.capt.URL, ci.capt.CanonicalURL, ci.capt.FinalURL} {
		if u != "" && pathQuery(u) == want {
			return "", false
		}
	}
	return p.canonical, true
}

// redirectedToCapture reports whether a capture was redirected to a URL
// that has a capture of its own in the run.
func redirectedToCapture(c *archive.Capture, caps map[string]capInfo, canon Canonicalizer) bool {
	if c.FinalURL == "" || c.FinalURL == c.URL || c.FinalURL == c.CanonicalURL {
		return false
	}
	u, err := url.Parse(c.FinalURL)
	if err != nil {
		return false
	}
	k, _ := canon(u)
	ci, ok := caps[k]
	return ok && !ci.viaFinal && ci.capt.ID != c.ID
}

// pathQuery returns the path and query of an absolute URL ("" if it does
// not parse).
// samePath reports whether two URLs name the same path, whatever their
// query strings.
func samePath(a, b string) bool {
	pa, _, _ := strings.Cut(pathQuery(a), "?")
	pb, _, _ := strings.Cut(pathQuery(b), "?")
	return pa != "" && pa == pb
}

func pathQuery(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return ""
	}
	p := u.EscapedPath()
	if p == "" {
		p = "/"
	}
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return p
}
