package links

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
)

// The kinds of the links pack, as rule files name them with `kind:`.
const (
	KindTarget        = "links/target"
	KindFragment      = "links/fragment"
	KindRedirectChain = "links/redirect-chain"
	KindHygiene       = "links/hygiene"
)

// Kinds returns the site-level rule kinds of the links pack. They share one
// audit per check run: the first rule to run audits the run (archive
// first, live where needed) and the others read the same report.
func Kinds(opts Options) []check.Kind {
	a := &auditor{opts: opts}
	return []check.Kind{
		{
			Name:    KindTarget,
			Summary: "Link targets with a given verdict (broken, soft-404, server-error, refused, dns-error, …), one finding per target with every place that links to it.",
			Params: []string{
				"verdicts (list, default [broken]): " + strings.Join(verdictNames(), ", "),
				"targets (string, default all): all, internal or external",
				"cross_language (string, default include): include, exclude or only: broken targets whose slug exists under another language",
			},
			Site: a.targetRule,
		},
		{
			Name:    KindFragment,
			Summary: "Links whose #fragment names no element id of the target page, one finding per target and fragment.",
			Site:    a.fragmentRule,
		},
		{
			Name:    KindRedirectChain,
			Summary: "Link targets reached through more redirects than allowed.",
			Params:  []string{"max_hops (int, default 2): the longest acceptable chain"},
			Site:    a.chainRule,
		},
		{
			Name:    KindHygiene,
			Summary: "Links written wrongly (empty, javascript:, malformed, onclick-only, mailto:/tel: syntax, http from https, duplicate URLs), one finding per href as written.",
			Params:  []string{"problem (string, required): " + strings.Join(hygieneProblems, ", ")},
			Site:    a.hygieneRule,
		},
	}
}

var hygieneProblems = []string{"empty-href", "javascript", "malformed", "onclick-only", "bad-scheme", "local-file", "whitespace", "mailto-syntax", "tel-syntax", "insecure", "duplicate-url"}

func verdictNames() []string {
	return []string{string(Broken), string(SoftNotFound), string(ServerError), string(Refused), string(DNSError),
		string(TLSError), string(ConnectionRefused), string(ConnectionReset), string(ConnectionError), string(Timeout),
		string(RedirectLoop), string(TooManyRedirects), string(Blocked), string(InvalidURL)}
}

// auditor runs the audit once per check run and keeps the report for the
// other rules of the pack.
type auditor struct {
	opts Options
	mu   sync.Mutex
	key  any
	rep  *Report
}

type runKey struct {
	a   check.Archive
	run int64
	now time.Time
}

func (a *auditor) report(ctx context.Context, site *check.Site) (*Report, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var key any
	if t := reflect.TypeOf(site.Archive); t != nil && t.Comparable() {
		key = runKey{site.Archive, site.Run.ID, site.Now}
	}
	if a.rep != nil && key != nil && a.key == key {
		return a.rep, nil
	}
	rep, err := Audit(ctx, site.Archive, site.Run, a.opts)
	if err != nil {
		return nil, err
	}
	a.key, a.rep = key, rep
	return rep, nil
}

type targetParams struct {
	Verdicts      []string `yaml:"verdicts"`
	Targets       string   `yaml:"targets"`
	CrossLanguage string   `yaml:"cross_language"`
}

func (a *auditor) targetRule(rule *check.Rule, params check.Params) (check.SiteCheck, error) {
	p := targetParams{Verdicts: []string{string(Broken)}, Targets: "all", CrossLanguage: "include"}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	want := map[Verdict]bool{}
	for _, v := range p.Verdicts {
		if !slices.Contains(verdictNames(), v) {
			return nil, fmt.Errorf("params: verdicts: unknown verdict %q (known: %s)", v, strings.Join(verdictNames(), ", "))
		}
		want[Verdict(v)] = true
	}
	if len(want) == 0 {
		return nil, fmt.Errorf("params: verdicts: want at least one verdict")
	}
	if !slices.Contains([]string{"all", "internal", "external"}, p.Targets) {
		return nil, fmt.Errorf("params: targets: want all, internal or external, not %q", p.Targets)
	}
	if !slices.Contains([]string{"include", "exclude", "only"}, p.CrossLanguage) {
		return nil, fmt.Errorf("params: cross_language: want include, exclude or only, not %q", p.CrossLanguage)
	}
	return check.SiteCheckFunc(func(ctx context.Context, site *check.Site, emit check.Emit) error {
		rep, err := a.report(ctx, site)
		if err != nil {
			return err
		}
		for _, t := range rep.Targets {
			r := t.Result
			if !t.Judged || !want[r.Verdict] || len(t.Occurrences) == 0 {
				continue
			}
			if (p.Targets == "internal" && !t.Internal) || (p.Targets == "external" && t.Internal) {
				continue
			}
			if (p.CrossLanguage == "exclude" && t.CrossLanguage) || (p.CrossLanguage == "only" && !t.CrossLanguage) {
				continue
			}
			label := string(r.Verdict)
			if r.Verdict == Refused {
				label = "unverified (refused)"
			}
			detail := r.Detail
			if detail == "" && r.Status != 0 {
				detail = fmt.Sprintf("status %d", r.Status)
			}
			f := targetFinding(t, r, t.Occurrences)
			f.Message = fmt.Sprintf("Link target %s: %s; %s", label, detail, linkedCount(t.Occurrences))
			emit(f)
		}
		return nil
	}), nil
}

func (a *auditor) fragmentRule(rule *check.Rule, params check.Params) (check.SiteCheck, error) {
	if err := params.Decode(&struct{}{}); err != nil {
		return nil, err
	}
	return check.SiteCheckFunc(func(ctx context.Context, site *check.Site, emit check.Emit) error {
		rep, err := a.report(ctx, site)
		if err != nil {
			return err
		}
		for _, t := range rep.Targets {
			frags := make([]string, 0, len(t.MissingFragments))
			for f := range t.MissingFragments {
				frags = append(frags, f)
			}
			slices.Sort(frags)
			for _, frag := range frags {
				occ := t.MissingFragments[frag]
				r := t.Result
				r.Verdict, r.Detail = MissingFragment, fmt.Sprintf("no element with id or name %q", frag)
				f := targetFinding(t, r, occ)
				f.EvidenceKey = "#" + frag
				f.Message = fmt.Sprintf("Link to #%s: the target page has no element with that id; %s", frag, linkedCount(occ))
				emit(f)
			}
		}
		return nil
	}), nil
}

type chainParams struct {
	MaxHops int `yaml:"max_hops"`
}

func (a *auditor) chainRule(rule *check.Rule, params check.Params) (check.SiteCheck, error) {
	p := chainParams{MaxHops: 2}
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	if p.MaxHops < 0 {
		return nil, fmt.Errorf("params: max_hops: want 0 or more, not %d", p.MaxHops)
	}
	return check.SiteCheckFunc(func(ctx context.Context, site *check.Site, emit check.Emit) error {
		rep, err := a.report(ctx, site)
		if err != nil {
			return err
		}
		for _, t := range rep.Targets {
			r := t.Result
			if !t.Judged || len(r.Chain) <= p.MaxHops || len(t.Occurrences) == 0 || r.Verdict == RedirectLoop || r.Verdict == TooManyRedirects {
				continue
			}
			f := targetFinding(t, r, t.Occurrences)
			f.Message = fmt.Sprintf("Link target redirects %d times (more than %d) before %s; link to the final URL; %s",
				len(r.Chain), p.MaxHops, r.FinalURL, linkedCount(t.Occurrences))
			emit(f)
		}
		return nil
	}), nil
}

type hygieneParams struct {
	Problem string `yaml:"problem"`
}

func (a *auditor) hygieneRule(rule *check.Rule, params check.Params) (check.SiteCheck, error) {
	var p hygieneParams
	if err := params.Decode(&p); err != nil {
		return nil, err
	}
	if !slices.Contains(hygieneProblems, p.Problem) {
		return nil, fmt.Errorf("params: problem: want one of %s, not %q", strings.Join(hygieneProblems, ", "), p.Problem)
	}
	ruleID := rule.ID
	return check.SiteCheckFunc(func(ctx context.Context, site *check.Site, emit check.Emit) error {
		rep, err := a.report(ctx, site)
		if err != nil {
			return err
		}
		for _, h := range rep.Hygiene {
			if h.Problem != p.Problem || len(h.Occurrences) == 0 {
				continue
			}
			first := h.Occurrences[0]
			msg := fmt.Sprintf("Link written as %q (%s)", clip(h.Href, 200), h.Problem)
			if h.Detail != "" {
				msg += ": " + h.Detail
			}
			if h.Target != "" && h.Problem == "duplicate-url" {
				msg += " " + h.Target
			}
			f := archive.Finding{
				URL:         first.Page,
				CaptureID:   first.CaptureID,
				Message:     msg + "; " + linkedCount(h.Occurrences),
				Evidence:    h.Href,
				EvidenceKey: h.Problem + ":" + h.Href,
				Occurrences: occurrences(h.Occurrences),
				// One finding per href, wherever it is written: its identity
				// does not depend on which page happens to come first.
				Fingerprint: archive.Fingerprint(ruleID, "href:"+h.Href, h.Problem),
			}
			emit(f)
		}
		return nil
	}), nil
}

// targetFinding builds the finding of a target with the evidence of r.
func targetFinding(t *Target, r Result, occ []Occurrence) archive.Finding {
	f := archive.Finding{
		URL:         t.URL,
		Status:      r.Status,
		CaptureID:   r.CaptureID,
		CapturedAt:  r.CheckedAt,
		BodySHA256:  r.BodySHA256,
		Evidence:    evidence(t, r),
		Occurrences: occurrences(occ),
	}
	if r.FinalURL != "" && r.FinalURL != t.URL {
		f.FinalURL = r.FinalURL
	}
	return f
}

// evidence says why a target got its verdict: status, chain, when and how
// it was checked.
func evidence(t *Target, r Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "verdict %s", r.Verdict)
	if r.Status != 0 {
		fmt.Fprintf(&b, "; status %d", r.Status)
	}
	if r.Detail != "" {
		fmt.Fprintf(&b, "; %s", r.Detail)
	}
	if len(r.Chain) > 0 {
		b.WriteString("; chain: ")
		for i, h := range r.Chain {
			if i > 0 {
				b.WriteString(" → ")
			}
			fmt.Fprintf(&b, "%s (%d)", h.URL, h.Status)
		}
		fmt.Fprintf(&b, " → %s", r.FinalURL)
	}
	switch r.From {
	case FromArchive:
		fmt.Fprintf(&b, "; from the archive: capture %d fetched %s", r.CaptureID, r.CheckedAt.UTC().Format(time.RFC3339))
	case FromLive:
		fmt.Fprintf(&b, "; checked live %s (%s, %d attempts)", r.CheckedAt.UTC().Format(time.RFC3339), r.Method, r.Attempts)
	case FromCache:
		fmt.Fprintf(&b, "; from the link cache, checked live %s", r.CheckedAt.UTC().Format(time.RFC3339))
	}
	if t.Skipped != "" {
		fmt.Fprintf(&b, "; not crawled: %s", t.Skipped)
	}
	if t.CrossEvidence != "" {
		fmt.Fprintf(&b, "; %s", t.CrossEvidence)
	}
	return b.String()
}

func occurrences(os []Occurrence) []archive.Occurrence {
	out := make([]archive.Occurrence, len(os))
	for i, o := range os {
		out[i] = archive.Occurrence{URL: o.Page, CaptureID: o.CaptureID, Text: o.Text, Place: o.Place}
	}
	return out
}

func linkedCount(os []Occurrence) string {
	pages := map[string]bool{}
	for _, o := range os {
		pages[o.Page] = true
	}
	if len(os) == 1 {
		return "linked once, from " + os[0].Page
	}
	return fmt.Sprintf("linked %d times from %d pages", len(os), len(pages))
}

func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
