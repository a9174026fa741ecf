// Package pipeline runs the real archiver pipeline for the links pack —
// crawl a site into a SQLite archive, extract its pages, check them with the
// links rules — and scores the findings against the demo portal's manifest.
// The links tests and the link-checker benchmark (make bench-links) use it;
// it is the same code path as `archiver crawl` followed by `archiver check`.
package pipeline

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/crawl"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/links"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// Archive adapts the SQLite store to check.Archive and
// links.FrontierReader; pages missing or made by an older extractor are
// extracted again on GOMAXPROCS goroutines (and stored), as `archiver
// check` does.
type Archive struct {
	Store     *sqlite.Store
	Extractor *extract.Extractor
	// Version is the version of the pages Extractor makes; "" means
	// extract.Version (a full extraction).
	Version string
	// Accept is a further version whose stored pages serve as they are
	// ("" for none). (Archive stays comparable: the links kinds share one
	// audit per archive and run, and tell archives apart by ==.)
	Accept string
}

// LinksArchive returns the adapter a links-only check uses, as `archiver
// check` does when every rule is a links rule: missing pages are derived
// by a links-level extraction (extract.LinksVersion, a third of the cost
// of a full one) and stored under that version, so a later full check
// derives them again; stored full pages serve as they are.
func LinksArchive(store *sqlite.Store) Archive {
	return Archive{Store: store, Extractor: extract.New(extract.Options{LinksOnly: true}),
		Version: extract.LinksVersion, Accept: extract.Version}
}

// Run returns one crawl run.
func (a Archive) Run(ctx context.Context, id int64) (archive.Run, error) { return a.Store.Run(ctx, id) }

// Runs returns every crawl run, newest first.
func (a Archive) Runs(ctx context.Context) ([]archive.Run, error) { return a.Store.Runs(ctx) }

// Capture returns one capture.
func (a Archive) Capture(ctx context.Context, id int64, body bool) (*archive.Capture, error) {
	return a.Store.Capture(ctx, id, body)
}

// EachCapture streams the captures of a run.
func (a Archive) EachCapture(ctx context.Context, runID int64, fn func(*archive.Capture) error) error {
	return a.Store.EachCapture(ctx, sqlite.CaptureQuery{RunID: runID}, fn)
}

// EachPage streams the pages of a run with their links.
func (a Archive) EachPage(ctx context.Context, runID int64, fn func(*archive.Capture, *archive.Page) error) error {
	v := a.Version
	if v == "" {
		v = extract.Version
	}
	q := sqlite.PageQuery{RunID: runID, Version: v, Derive: a.Extractor.Capture, Store: !a.Store.ReadOnly(), Links: true}
	var d sqlite.Derivation
	if a.Accept != "" {
		d.Accept = []string{a.Accept}
	}
	return a.Store.EachPageDerived(ctx, q, d, fn)
}

// FrontierEntries streams the frontier of a run.
func (a Archive) FrontierEntries(ctx context.Context, runID int64, state archive.FrontierState, fn func(archive.FrontierEntry) error) error {
	return a.Store.FrontierEntries(ctx, runID, state, fn)
}

// Canonicalize rebuilds the crawl's canonicalizer from a run's stored
// configuration, so that link targets are looked up under the URLs the
// crawl stored them at.
func Canonicalize(run archive.Run) (links.Canonicalizer, error) {
	cfg, err := crawl.RestoreConfig(run, crawl.DefaultConfig())
	if err != nil {
		return nil, err
	}
	var sites []*url.URL
	for _, s := range run.Seeds {
		if u, err := url.Parse(s); err == nil && u.Host != "" {
			sites = append(sites, &url.URL{Scheme: u.Scheme, Host: u.Host})
		}
	}
	c := crawl.NewCanonicalizer(cfg.Canon, sites)
	return func(u *url.URL) (string, []string) { return c.Canonical(u) }, nil
}

// Check runs the links rules of rulesFS over a run and returns the
// findings.
func Check(ctx context.Context, a Archive, runID int64, rulesFS fs.FS, opts links.Options, now time.Time) ([]archive.Finding, error) {
	if opts.Canonicalize == nil {
		opts.Canonicalize = Canonicalize
	}
	if opts.Frontier == nil {
		opts.Frontier = a
	}
	eng, err := check.New(check.Options{Kinds: links.Kinds(opts), Now: func() time.Time { return now }})
	if err != nil {
		return nil, err
	}
	set, err := eng.Load([]check.Source{{FS: rulesFS, Name: "rules"}}, nil)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, r := range set.Rules() {
		if r.Pack == "links" {
			ids = append(ids, r.ID)
		}
	}
	if set, err = set.Only(ids...); err != nil {
		return nil, err
	}
	run, err := a.Run(ctx, runID)
	if err != nil {
		return nil, err
	}
	var out []archive.Finding
	_, err = eng.Evaluate(ctx, a, run, set, now, func(f archive.Finding) { out = append(out, f) })
	return out, err
}

// Key names a finding for scoring: the rule and the target URL (with the
// fragment for missing fragments), or the rule and the href as written for
// hygiene findings, root-relative so that it holds for any base URL.
// (ScoreFindings scores hygiene findings by the pages they stand on.)
func Key(f archive.Finding, base string) string {
	k := f.URL
	if isHygiene(f.RuleID) {
		k = f.Evidence
	}
	k = strings.TrimPrefix(k, base)
	if f.RuleID == "links/missing-fragment" {
		k += f.EvidenceKey
	}
	return f.RuleID + " " + k
}

func isHygiene(rule string) bool {
	switch rule {
	case "links/empty-href", "links/javascript-href", "links/malformed-url", "links/onclick-only", "links/bad-scheme",
		"links/local-file", "links/mailto-syntax", "links/tel-syntax", "links/insecure", "links/duplicate-url":
		return true
	}
	return false
}

// Score compares findings with the truth.
type Score struct {
	Expected   []string // keys of the planted problems the crawl could see
	Found      []string // expected and found
	Missed     []string // expected, not found
	Unexpected []string // found, not expected (false positives)
	// Unverified are findings of links/unverified: targets the server
	// refused to let us judge. They are neither hits nor false positives.
	Unverified []string
	// Excused are expected broken targets inside a rate-limited area that
	// were reported unverified rather than broken: the server never let
	// anyone see their status.
	Excused []string
}

// Truth lists the keys of the problems planted in the manifest that a
// link checker can see: links standing on pages the crawl captured (in
// captured, by root-relative URL), and links from captured pages to
// empty days, inside the archive's range and before it on the month
// calendars (linked: root-relative target → linked at all).
func Truth(m *portal.Manifest, captured map[string]bool, linked map[string]bool, https bool) []string {
	set := map[string]bool{}
	for _, l := range m.Links {
		if !captured[l.From] {
			continue
		}
		href := l.From // hygiene problems are scored by the page they stand on
		switch l.Reason {
		case portal.LinkCrossLanguageSlug:
			set["links/cross-language-404 "+l.Target] = true
		case portal.LinkGone, portal.LinkNotFound, portal.LinkWrongSection:
			set["links/broken "+l.Target] = true
		case portal.LinkRemoved:
			if l.Broken {
				set["links/broken "+l.Target] = true
			} else {
				set["links/soft-404 "+l.Target] = true
			}
		case portal.LinkRedirectLoop:
			set["links/redirect-loop "+l.Target] = true
		case portal.LinkMissingFragment:
			u, _ := url.Parse(l.Href)
			set["links/missing-fragment "+l.Target+"#"+u.Fragment] = true
		case portal.LinkJavascript:
			set["links/javascript-href "+href] = true
		case portal.LinkMalformed:
			set["links/malformed-url "+href] = true
		case portal.LinkEmptyHref:
			set["links/empty-href "+href] = true
		case portal.LinkOnclickOnly:
			set["links/onclick-only "+href] = true
		case portal.LinkRedirectChain:
			if l.Hops > 2 {
				set["links/redirect-chain "+strings.SplitN(l.Href, "#", 2)[0]] = true
			}
		case portal.LinkDuplicate:
			set["links/duplicate-url "+href] = true
		case portal.LinkInsecure:
			if https {
				set["links/insecure "+href] = true
			}
		}
	}
	for _, d := range append(append([]portal.EmptyDay{}, m.EmptyDays...), m.EmptyDaysBefore...) {
		if !linked[d.URL] {
			continue
		}
		if d.Status == 404 {
			set["links/broken "+d.URL] = true
		} else {
			set["links/soft-404 "+d.URL] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// hostPlaceholder stands for the portal's host in hrefs written with it.
const hostPlaceholder = "{host}"

// ScoreFindings compares the findings with the expected keys. base is the
// portal's origin (http://127.0.0.1:PORT); limited matches root-relative
// URLs in a rate-limited area.
func ScoreFindings(findings []archive.Finding, expected []string, base string, limited func(string) bool) Score {
	s := Score{Expected: expected}
	host := strings.TrimPrefix(strings.TrimPrefix(base, "http://"), "https://")
	got := map[string]bool{}
	for _, f := range findings {
		if isHygiene(f.RuleID) {
			for _, o := range f.Occurrences {
				got[f.RuleID+" "+strings.TrimPrefix(o.URL, base)] = true
			}
			continue
		}
		k := strings.ReplaceAll(Key(f, base), host, hostPlaceholder)
		if f.RuleID == "links/unverified" {
			s.Unverified = append(s.Unverified, k)
			continue
		}
		got[k] = true
	}
	want := map[string]bool{}
	for _, k := range expected {
		want[k] = true
		switch {
		case got[k]:
			s.Found = append(s.Found, k)
		case limited != nil && limited(targetOf(k)) && contains(s.Unverified, "links/unverified "+targetOf(k)):
			s.Excused = append(s.Excused, k)
		default:
			s.Missed = append(s.Missed, k)
		}
	}
	for k := range got {
		if !want[k] {
			s.Unexpected = append(s.Unexpected, k)
		}
	}
	sort.Strings(s.Unexpected)
	sort.Strings(s.Unverified)
	return s
}

func targetOf(key string) string {
	_, t, _ := strings.Cut(key, " ")
	return t
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// LimitedArea returns a matcher of the root-relative URLs in the manifest's
// enabled rate-limited areas of the given id ("403" or "429").
func LimitedArea(m *portal.Manifest, id string) func(string) bool {
	var res []*regexp.Regexp
	for _, r := range m.RateLimits {
		if r.ID != id {
			continue
		}
		pat := regexp.QuoteMeta(r.Prefix)
		pat = strings.ReplaceAll(pat, `\*`, `[^/]+`)
		res = append(res, regexp.MustCompile(pat))
	}
	return func(u string) bool {
		for _, re := range res {
			if re.MatchString(u) {
				return true
			}
		}
		return false
	}
}

// ErrNoRun is returned when a crawl produced no run.
var ErrNoRun = errors.New("the crawl made no run")

// Crawl crawls seed into store with cfg (seeds replaced) and returns the
// run id; an incomplete crawl is an error.
func Crawl(ctx context.Context, store *sqlite.Store, cfg crawl.Config, seed string) (crawl.Summary, error) {
	cfg.Seeds = []string{seed}
	sum, err := crawl.Run(ctx, cfg, store)
	if err != nil {
		return sum, fmt.Errorf("crawl %s: %w", seed, err)
	}
	if sum.RunID == 0 {
		return sum, ErrNoRun
	}
	return sum, nil
}
