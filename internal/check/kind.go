package check

import (
	"context"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Kind is a built-in check that rule files name with `kind:`. A kind is Go
// code; a rule is a YAML file that picks a kind, gives it parameters
// (`params:`), a severity and a scope. Many rules can use one kind with
// different parameters.
//
// A kind has one of two shapes, and sets exactly one of Page and Site:
//
//   - a page kind is evaluated once per page of the checked run that is in
//     the rule's scope (URL globs, page kinds, languages);
//   - a site kind is evaluated once per check run, over the whole archive
//     (runs, captures, pages, the previous run), and emits findings for any
//     URL; the engine drops the findings whose URL is outside the rule's
//     scope.
//
// Kinds are registered explicitly, by passing them to [New] in
// [Options.Kinds]; there is no global registry. Packages other than check
// export a function returning their kinds, e.g. links.Kinds(cfg) []check.Kind.
type Kind struct {
	// Name is the value of `kind:` in rule files, e.g. "headline-missing"
	// or "links/broken". Names are unique within one engine.
	Name string
	// Summary says in one sentence what the kind checks; `archiver rules
	// explain` prints it.
	Summary string
	// Params documents the parameters the kind accepts, one line each
	// ("allow_agency_only (bool, default true): …"), for `rules explain`.
	Params []string
	// NeedsLinks says that the kind reads Page.Links. Links are the bulk of
	// a stored page, so archives load them only when a rule needs them.
	NeedsLinks bool
	// Page compiles a rule of a page kind: it decodes and validates the
	// rule's parameters (see [Params.Decode]) and returns the check. It is
	// called once per rule, when the rules are loaded; an error makes the
	// rule file invalid (exit 2, the error names the file and line).
	Page func(rule *Rule, params Params) (PageCheck, error)
	// Site compiles a rule of a site kind, like Page.
	Site func(rule *Rule, params Params) (SiteCheck, error)
}

// Emit reports one finding. Checks fill what they know: at least Message,
// and Evidence (the element or text that triggered the finding) and
// EvidenceKey (what tells two findings of one rule on one URL apart; "" when
// a rule finds at most one problem per page). The engine fills the rest
// when it is left empty: RuleID and Severity from the rule; for page checks
// URL, CaptureID, CapturedAt, BodySHA256, Status and FinalURL from the
// page's capture; Fingerprint from archive.Fingerprint(rule id, canonical
// URL, EvidenceKey). Site checks must set URL (the canonical URL) and should
// set the capture fields of the evidence they used.
type Emit func(f archive.Finding)

// PageCheck is a compiled rule of a page kind.
//
// Page checks see each distinct page of the run once: the engine skips
// captures whose status is not 2xx, pages that name another URL as their
// canonical URL (<link rel=canonical>: print versions, aliases; the
// canonical page is checked in their place), and redirected captures whose
// final URL was already checked. Copies that name no canonical URL (the
// same content under another URL, see [ContentKey]) are checked too, but
// only the findings made on the representative URL are reported.
//
// The engine calls CheckPage for the pages of a run one at a time, from one
// goroutine, so a check may keep state between pages without locking (to
// compare pages with each other, as duplicate-headline checks do) and
// report it at the end by also implementing [Finisher].
type PageCheck interface {
	// CheckPage evaluates the rule on one page and emits its findings. An
	// error stops the check run (exit 2); a page the check cannot judge is
	// not an error: it is skipped or reported as a finding.
	CheckPage(ctx context.Context, page *PageContext, emit Emit) error
}

// PageCheckFunc adapts a function to [PageCheck].
type PageCheckFunc func(ctx context.Context, page *PageContext, emit Emit) error

// CheckPage calls f.
func (f PageCheckFunc) CheckPage(ctx context.Context, page *PageContext, emit Emit) error {
	return f(ctx, page, emit)
}

// Finisher is implemented by page checks that compare pages with each
// other. Finish is called once, after the last page of the run, and emits
// the findings that need all pages (the engine fills the capture fields only
// from what the finding sets, as for site checks).
type Finisher interface {
	Finish(ctx context.Context, emit Emit) error
}

// SiteCheck is a compiled rule of a site kind.
type SiteCheck interface {
	// CheckSite evaluates the rule once over the archive and emits its
	// findings. An error stops the check run (exit 2).
	CheckSite(ctx context.Context, site *Site, emit Emit) error
}

// SiteCheckFunc adapts a function to [SiteCheck].
type SiteCheckFunc func(ctx context.Context, site *Site, emit Emit) error

// CheckSite calls f.
func (f SiteCheckFunc) CheckSite(ctx context.Context, site *Site, emit Emit) error {
	return f(ctx, site, emit)
}

// PageContext is one page as a page check sees it: the extracted structure,
// the capture it came from (its metadata; Body is not loaded) and the clock
// of the check run.
type PageContext struct {
	// Page is the structure extracted from the capture.
	Page *archive.Page
	// Capture is the capture's metadata: id, URLs, status, time, SHA-256.
	Capture *archive.Capture
	// Now is the time of the check run, injected (never time.Now).
	Now time.Time
	// Content is the key of the page's extracted content (see
	// [ContentKey]): pages of the run with the same non-zero key are the
	// same page under different URLs. A check that compares pages with
	// each other (duplicate headlines) must not take a page and its copy
	// for two pages; the engine reports their findings on one
	// representative URL.
	Content ContentKey
}

// URL returns the URL the page's findings are filed under: where the
// content was found — the final URL when the capture was redirected,
// else the capture's canonical URL, else the page's URL.
func (p *PageContext) URL() string {
	if c := p.Capture; c != nil {
		if c.FinalURL != "" && c.FinalURL != c.URL && c.FinalURL != c.CanonicalURL {
			return c.FinalURL
		}
		if c.CanonicalURL != "" {
			return c.CanonicalURL
		}
	}
	if p.Page != nil {
		return p.Page.URL
	}
	return ""
}

// Site is the read-only view of the archive that site checks get for one
// check run.
type Site struct {
	// Run is the crawl run being checked.
	Run archive.Run
	// Previous is the crawl run before Run (the newest one that started
	// earlier), or nil if Run is the first.
	Previous *archive.Run
	// Archive reads runs, captures and pages; it must not be written to.
	// Its EachPage gives pages with their links.
	Archive Archive
	// Now is the time of the check run, injected.
	Now time.Time

	dups *duplicates // the run's copies, when page rules ran
}

// Representative returns the URL the check reports the page at URL u
// under: u itself, or, when u serves a copy of a page checked under
// another URL (the same extracted content, see [ContentKey]), that page's
// representative URL, or, when the page at u names another URL as its
// canonical URL, that URL (or its representative). Copies are known only when the check also ran page
// rules over full pages; otherwise every URL is its own representative.
// A site check can use it to treat a link from a copy like a link from
// the page (a page's link to its own print version).
func (s *Site) Representative(u string) string {
	if s == nil || s.dups == nil {
		return u
	}
	rep, _ := s.dups.representative(u)
	return rep
}

// LinkLoader is implemented by archives that leave page links out unless
// asked (links are the bulk of a stored page): WithLinks returns a view
// whose EachPage includes them. Site checks get that view.
type LinkLoader interface {
	WithLinks() Archive
}

// Archive is what the engine and site checks read from the archive. The
// SQLite store satisfies it through a thin adapter (see
// cmd/archiver/check.go); tests can implement it in memory.
type Archive interface {
	// Run returns one crawl run, or archive.ErrNotFound.
	Run(ctx context.Context, id int64) (archive.Run, error)
	// Runs returns all crawl runs, newest first.
	Runs(ctx context.Context) ([]archive.Run, error)
	// Capture returns one capture; with body true, its Body holds the bytes.
	Capture(ctx context.Context, id int64, body bool) (*archive.Capture, error)
	// EachCapture calls fn for every capture of a run, in id order, without
	// bodies. It stops at the first error fn returns and returns it.
	EachCapture(ctx context.Context, runID int64, fn func(*archive.Capture) error) error
	// EachPage calls fn for every capture of a run that has an extracted
	// page (HTML responses), in capture id order, with the capture's
	// metadata and its page; pages whose extractor is older than the
	// current one are re-extracted first. It stops at the first error fn
	// returns and returns it. Both values are fresh for each call; checks
	// may keep them. A 304 revisit (verdict revisit, RevisitOf set) is
	// presented as the response it repeats: its Status and Header are the
	// repeated capture's, and its page is that response's page, so a page
	// that did not change is checked again rather than skipped.
	EachPage(ctx context.Context, runID int64, fn func(*archive.Capture, *archive.Page) error) error
}
