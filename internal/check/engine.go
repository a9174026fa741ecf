package check

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Options configure an Engine.
type Options struct {
	// Kinds are the kinds to register besides the engine's own built-in
	// editorial kinds (see EditorialKinds), e.g. links.Kinds(…) and
	// timeline.Kinds(…). A name registered twice is an error.
	Kinds []Kind
	// Now is the clock of check runs; nil means time.Now in UTC.
	Now func() time.Time
	// MaxExprLength and MaxExprDepth bound the expressions of rules
	// (defaults 1000 bytes and 16 levels).
	MaxExprLength int
	MaxExprDepth  int
}

// Engine loads and runs rules. It holds no state between runs and is safe
// for concurrent use once built.
type Engine struct {
	kinds         map[string]Kind
	now           func() time.Time
	maxExprLength int
	maxExprDepth  int
}

// New builds an engine with the built-in kinds and opts.Kinds.
func New(opts Options) (*Engine, error) {
	e := &Engine{
		kinds:         map[string]Kind{},
		now:           opts.Now,
		maxExprLength: opts.MaxExprLength,
		maxExprDepth:  opts.MaxExprDepth,
	}
	if e.now == nil {
		e.now = func() time.Time { return time.Now().UTC() }
	}
	if e.maxExprLength <= 0 {
		e.maxExprLength = defaultMaxExprLength
	}
	if e.maxExprDepth <= 0 {
		e.maxExprDepth = defaultMaxExprDepth
	}
	for _, k := range append(EditorialKinds(), opts.Kinds...) {
		switch {
		case k.Name == "" || k.Name == KindExpr:
			return nil, fmt.Errorf("check: kind name %q is reserved or empty", k.Name)
		case (k.Page == nil) == (k.Site == nil):
			return nil, fmt.Errorf("check: kind %q must set exactly one of Page and Site", k.Name)
		}
		if _, dup := e.kinds[k.Name]; dup {
			return nil, fmt.Errorf("check: kind %q registered twice", k.Name)
		}
		e.kinds[k.Name] = k
	}
	return e, nil
}

// Kinds returns the registered kinds, sorted by name.
func (e *Engine) Kinds() []Kind {
	out := make([]Kind, 0, len(e.kinds))
	for _, k := range e.kinds {
		out = append(out, k)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Kind returns the kind with the given name.
func (e *Engine) Kind(name string) (Kind, bool) {
	k, ok := e.kinds[name]
	return k, ok
}

func (e *Engine) kindNames() []string {
	names := make([]string, 0, len(e.kinds)+1)
	for n := range e.kinds {
		names = append(names, n)
	}
	names = append(names, KindExpr)
	sort.Strings(names)
	return names
}

// Now returns the engine's clock reading, in UTC.
func (e *Engine) Now() time.Time { return e.now().UTC() }

// Stats says how much an evaluation looked at.
type Stats struct {
	// Pages is how many pages were read.
	Pages int
	// Findings is how many findings were emitted (before deduplication).
	Findings int
}

// RuleRunError is a rule that failed while it ran (an expression that
// failed at run time, a kind that returned an error).
type RuleRunError struct {
	RuleID string
	URL    string // the page being checked, "" for site checks
	Err    error
}

func (e *RuleRunError) Error() string {
	if e.URL != "" {
		return fmt.Sprintf("rule %s on %s: %v", e.RuleID, e.URL, e.Err)
	}
	return fmt.Sprintf("rule %s: %v", e.RuleID, e.Err)
}

func (e *RuleRunError) Unwrap() error { return e.Err }

// Evaluate runs the rules of set over a crawl run of the archive and calls
// emit for every finding, completed with the rule, severity, capture
// evidence and fingerprint. Pages are streamed from the archive one at a
// time; page checks run first, then the finishers of page checks, then
// site checks. Findings outside a rule's scope are dropped.
//
// Pages served under several URLs with the same content (see ContentKey)
// are one page: the findings of page checks are reported once, on the
// representative URL (see betterRepresentative), with the other URLs in
// the evidence; the findings page checks made on the copies are dropped,
// and a finisher's finding filed under a copy moves to the representative.
// The findings of page checks are therefore emitted after the last page.
// A site check's finding filed under a copy is folded into the same
// finding of the representative when it has one (see mergeCopies).
func (e *Engine) Evaluate(ctx context.Context, a Archive, run archive.Run, set *RuleSet, now time.Time, emit Emit) (Stats, error) {
	var st Stats
	var pageRules, siteRules []*compiled
	for _, c := range set.rules {
		if c.site != nil {
			siteRules = append(siteRules, c)
		} else {
			pageRules = append(pageRules, c)
		}
	}
	emitFor := func(c *compiled, pc *PageContext) Emit {
		return func(f archive.Finding) {
			complete(&f, c.rule, pc)
			if pc == nil && f.URL != "" && !c.scope.matchURL(f.URL) {
				return
			}
			st.Findings++
			emit(f)
		}
	}
	var dups *duplicates
	if len(pageRules) > 0 {
		dups = newDuplicates()
		if err := e.evaluatePages(ctx, a, run, pageRules, now, dups, &st, emit); err != nil {
			return st, err
		}
	}
	if len(siteRules) > 0 {
		site := &Site{Run: run, Archive: a, Now: now, dups: dups}
		if ll, ok := a.(LinkLoader); ok {
			site.Archive = ll.WithLinks()
		}
		prev, err := previousRun(ctx, a, run)
		if err != nil {
			return st, err
		}
		site.Previous = prev
		for _, c := range siteRules {
			if err := ctx.Err(); err != nil {
				return st, err
			}
			if dups == nil || len(dups.byURL) == 0 && len(dups.declared) == 0 {
				if err := c.site.CheckSite(ctx, site, emitFor(c, nil)); err != nil {
					return st, &RuleRunError{RuleID: c.rule.ID, Err: err}
				}
				continue
			}
			var found []archive.Finding
			collect := completeWith(c, nil, func(f archive.Finding) { found = append(found, f) })
			if err := c.site.CheckSite(ctx, site, collect); err != nil {
				return st, &RuleRunError{RuleID: c.rule.ID, Err: err}
			}
			for _, f := range mergeCopies(found, dups, c.rule) {
				if f.URL != "" && !c.scope.matchURL(f.URL) {
					continue
				}
				st.Findings++
				emit(f)
			}
		}
	}
	return st, nil
}

// mergeCopies folds the findings of a site check filed under a copy of a
// page into the same finding (same rule, evidence key) of the page's
// representative URL, which then lists the copy's occurrences too. A
// finding only a copy has (a link that resolves elsewhere from the copy's
// directory) stays on the copy: it is about that URL. Occurrences on a
// copy that repeat one on its representative (same anchor text, same
// place) are dropped: they are one link of one page, served twice. A
// finding that absorbed copies names them in its evidence.
func mergeCopies(found []archive.Finding, dups *duplicates, r *Rule) []archive.Finding {
	at := map[string]int{} // fingerprint → index in found
	for i := range found {
		at[found[i].Fingerprint] = i
	}
	drop := make([]bool, len(found))
	absorbed := map[int][]string{}
	for i := range found {
		f := &found[i]
		rep, isCopy := dups.representative(f.URL)
		if !isCopy {
			continue
		}
		j, ok := at[archive.Fingerprint(r.ID, rep, f.EvidenceKey)]
		if !ok || j == i {
			continue
		}
		found[j].Occurrences = append(found[j].Occurrences, f.Occurrences...)
		absorbed[j] = append(absorbed[j], f.URL)
		drop[i] = true
	}
	out := found[:0]
	for i, f := range found {
		if drop[i] {
			continue
		}
		copies := append(absorbed[i], dropCopyOccurrences(&f, dups)...)
		if len(copies) > 0 {
			f.Evidence = withNote(f.Evidence, copiesNote(copies))
		}
		out = append(out, f)
	}
	return out
}

// dropCopyOccurrences removes the occurrences of a finding that stand on
// a copy of a page when the same link (anchor text, place) stands on the
// page's representative too, and returns the copies' URLs.
func dropCopyOccurrences(f *archive.Finding, dups *duplicates) []string {
	if len(f.Occurrences) < 2 {
		return nil
	}
	type place struct {
		url, text string
		where     archive.LinkPlace
	}
	on := map[place]bool{}
	for _, o := range f.Occurrences {
		on[place{pathQuery(o.URL), o.Text, o.Place}] = true
	}
	var copies []string
	out := f.Occurrences[:0]
	for _, o := range f.Occurrences {
		if rep, isCopy := dups.representative(o.URL); isCopy && on[place{pathQuery(rep), o.Text, o.Place}] {
			copies = append(copies, o.URL)
			continue
		}
		out = append(out, o)
	}
	f.Occurrences = out
	return copies
}

// copiesNote is the evidence note of a finding that absorbed copies of
// pages: their URLs, root-relative, each once.
func copiesNote(urls []string) string {
	var list []string
	for _, u := range urls {
		p := clip(pathQuery(u), 100)
		if slices.Contains(list, p) {
			continue
		}
		if len(list) == maxCopiesListed {
			list = append(list, "…")
			break
		}
		list = append(list, p)
	}
	return " [the same page is also served at " + strings.Join(list, ", ") + "]"
}

// pendingFinding is a finding of a page check held until the run's
// copies are known, with the capture of the page it was made on.
type pendingFinding struct {
	f         archive.Finding
	captureID int64
}

// evaluatePages runs the page rules over the pages of a run, then their
// finishers, and emits their findings on representative URLs.
func (e *Engine) evaluatePages(ctx context.Context, a Archive, run archive.Run, pageRules []*compiled, now time.Time, dups *duplicates, st *Stats, emit Emit) error {
	checked := map[string]bool{}
	var pending []pendingFinding
	var captureID int64
	collect := Emit(func(f archive.Finding) {
		pending = append(pending, pendingFinding{f: f, captureID: captureID})
	})
	err := a.EachPage(ctx, run.ID, func(capt *archive.Capture, page *archive.Page) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		pc := &PageContext{Page: page, Capture: capt, Now: now}
		if skipPage(pc, checked) {
			if canon := page.CanonicalURL; canon != "" && (capt == nil || capt.Status >= 200 && capt.Status <= 299) && !sameURL(canon, pc.URL()) {
				dups.declare(pc.URL(), canon)
			}
			return nil
		}
		st.Pages++
		pc.Content = dups.hasher.key(page)
		dups.add(pc)
		captureID = page.CaptureID
		if capt != nil {
			captureID = capt.ID
		}
		var env *Env
		for _, c := range pageRules {
			if !c.scope.matchPage(pc) {
				continue
			}
			var err error
			if c.expr != nil {
				if env == nil {
					env = newEnv(pc)
				}
				err = c.expr.check(env, c.rule, completeWith(c, pc, collect))
			} else {
				err = c.page.CheckPage(ctx, pc, completeWith(c, pc, collect))
			}
			if err != nil {
				return &RuleRunError{RuleID: c.rule.ID, URL: pc.URL(), Err: err}
			}
		}
		return nil
	})
	if err != nil {
		var rre *RuleRunError
		if errors.As(err, &rre) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return fmt.Errorf("read pages of run %d: %w", run.ID, err)
	}
	if err := dups.gather(ctx, a); err != nil {
		return err
	}
	if err := dups.markListed(ctx, a, run.ID); err != nil {
		return err
	}
	dups.resolve()
	for _, p := range pending {
		f := p.f
		if cl, i := dups.ofCapture(p.captureID); cl != nil {
			if i != cl.rep {
				continue // the representative's own findings stand for it
			}
			f.Evidence = withNote(f.Evidence, cl.copiesNote())
		}
		st.Findings++
		emit(f)
	}
	pending = nil
	for _, c := range pageRules {
		fin, ok := c.page.(Finisher)
		if !ok {
			continue
		}
		seen := map[string]bool{}
		err := fin.Finish(ctx, completeWith(c, nil, func(f archive.Finding) {
			refile(&f, dups, c.rule)
			if f.URL != "" && !c.scope.matchURL(f.URL) {
				return
			}
			if seen[f.Fingerprint] {
				return
			}
			seen[f.Fingerprint] = true
			st.Findings++
			emit(f)
		}))
		if err != nil {
			return &RuleRunError{RuleID: c.rule.ID, Err: err}
		}
	}
	return nil
}

// completeWith returns an Emit that completes a finding of rule c on page
// pc (nil for a finisher) and passes it to next.
func completeWith(c *compiled, pc *PageContext, next Emit) Emit {
	return func(f archive.Finding) {
		complete(&f, c.rule, pc)
		next(f)
	}
}

// refile moves a finisher's finding filed under a copy of a page to the
// page's representative URL (and its capture), names the page's other
// URLs in the evidence, and files the other pages it lists under their
// representatives too, once each.
func refile(f *archive.Finding, dups *duplicates, r *Rule) {
	cl, rep, isCopy := dups.lookup(f.URL)
	if isCopy {
		f.URL, f.CaptureID, f.CapturedAt, f.BodySHA256, f.Status, f.FinalURL = rep.url, rep.captureID, rep.capturedAt, rep.sha, rep.status, ""
		f.Fingerprint = archive.Fingerprint(r.ID, f.URL, f.EvidenceKey)
	}
	if cl != nil {
		f.Evidence = withNote(f.Evidence, cl.copiesNote())
	}
	if len(f.Occurrences) == 0 {
		return
	}
	seen := map[string]bool{f.URL: true}
	out := f.Occurrences[:0]
	for _, o := range f.Occurrences {
		if _, orep, oc := dups.lookup(o.URL); oc {
			o.URL, o.CaptureID = orep.url, orep.captureID
		}
		if seen[o.URL] {
			continue
		}
		seen[o.URL] = true
		out = append(out, o)
	}
	f.Occurrences = out
}

// skipPage reports whether page checks skip a page: not a 2xx response, a
// page that names another canonical URL, or a URL already checked (a
// redirect to a page captured on its own).
func skipPage(pc *PageContext, checked map[string]bool) bool {
	if c := pc.Capture; c != nil && (c.Status < 200 || c.Status > 299) {
		return true
	}
	u := pc.URL()
	if canon := pc.Page.CanonicalURL; canon != "" && !sameURL(canon, u) && (pc.Capture == nil || !sameURL(canon, pc.Capture.URL)) {
		return true
	}
	if checked[u] {
		return true
	}
	checked[u] = true
	return false
}

// sameURL reports whether two absolute URLs name the same page of a site:
// the same path and query. Scheme and host are ignored, so that a site
// whose canonical tags name https://www.… while it is crawled under
// another origin (a staging host, a local build) is not taken for a set
// of duplicates.
func sameURL(a, b string) bool {
	if a == b {
		return true
	}
	pa, err1 := url.Parse(a)
	pb, err2 := url.Parse(b)
	if err1 != nil || err2 != nil {
		return false
	}
	norm := func(u *url.URL) string {
		p := u.EscapedPath()
		if p == "" {
			p = "/"
		}
		return p + "?" + u.RawQuery
	}
	return norm(pa) == norm(pb)
}

// previousRun returns the newest crawl run that started before run, or nil.
func previousRun(ctx context.Context, a Archive, run archive.Run) (*archive.Run, error) {
	runs, err := a.Runs(ctx)
	if err != nil {
		return nil, fmt.Errorf("list runs: %w", err)
	}
	var best *archive.Run
	for i := range runs {
		r := runs[i]
		if r.ID == run.ID || !(r.StartedAt.Before(run.StartedAt) || r.StartedAt.Equal(run.StartedAt) && r.ID < run.ID) {
			continue
		}
		if best == nil || r.StartedAt.After(best.StartedAt) || r.StartedAt.Equal(best.StartedAt) && r.ID > best.ID {
			best = &r
		}
	}
	return best, nil
}

// complete fills the parts of a finding its check left empty.
func complete(f *archive.Finding, r *Rule, pc *PageContext) {
	f.RuleID = r.ID
	if f.Severity == "" || f.Severity.Rank() == 0 {
		f.Severity = r.Severity
	} else if r.Severity != r.DefaultSeverity {
		// An override in the configuration wins over what a check chose.
		f.Severity = r.Severity
	}
	if f.Message == "" {
		f.Message = r.Message
	}
	if pc != nil {
		if f.URL == "" {
			f.URL = pc.URL()
		}
		if c := pc.Capture; c != nil {
			if f.CaptureID == 0 {
				f.CaptureID = c.ID
			}
			if f.CapturedAt.IsZero() {
				f.CapturedAt = c.FetchedAt.UTC()
			}
			if f.BodySHA256 == "" {
				f.BodySHA256 = c.BodySHA256
			}
			if f.Status == 0 {
				f.Status = c.Status
			}
			if f.FinalURL == "" && c.FinalURL != "" && c.FinalURL != f.URL {
				f.FinalURL = c.FinalURL
			}
		} else if f.CaptureID == 0 && pc.Page != nil {
			f.CaptureID = pc.Page.CaptureID
		}
	}
	f.Evidence = clip(f.Evidence, maxEvidence)
	if f.Fingerprint == "" {
		f.Fingerprint = archive.Fingerprint(f.RuleID, f.URL, f.EvidenceKey)
	}
	f.State, f.Suppressed, f.WaiverNote = "", "", ""
}
