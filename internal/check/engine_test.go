package check_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/report"
)

func defaultRules(t testing.TB, e *check.Engine) *check.RuleSet {
	t.Helper()
	set, err := e.Load(editorialSource(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	return set
}

// TestEditorialPack plants one defect per page and checks that exactly the
// planted defects are found: every rule fires on its page and nowhere else.
func TestEditorialPack(t *testing.T) {
	e := newEngine(t)
	set := defaultRules(t, e)
	base := "https://www.example.gov/government/events/2024/04/03/"
	type plant struct {
		rule   string // "" for a clean page
		mutate func(p *archive.Page)
	}
	plants := []plant{
		{"", func(*archive.Page) {}},
		{"", func(p *archive.Page) { p.Authors = nil }}, // agency-only passes by default
		{"editorial/attribution-missing", func(p *archive.Page) { p.Authors, p.Source = nil, "" }},
		{"editorial/headline-missing", func(p *archive.Page) { p.Headline = "" }},
		{"editorial/headline-missing", func(p *archive.Page) { p.Headline, p.HeadlineEvidence = p.Title, "title" }},
		{"editorial/date-missing", func(p *archive.Page) { p.Published = archive.Date{} }},
		{"editorial/date-missing", func(p *archive.Page) { p.Published = archive.Date{Text: "32 Apr 2024"} }},
		{"editorial/date-missing", func(p *archive.Page) {
			p.Published = archive.Date{Value: "2024-04-03", Text: "/2024/04/03/", Source: "url"}
		}},
		{"editorial/date-in-future", func(p *archive.Page) {
			p.Published = archive.Date{Value: "2024-04-09", Text: "9 Apr 2024", Source: "time"}
			p.Dateline.Date, p.Dateline.DateText = "2024-04-09", "9 April"
		}},
		{"editorial/dateline-date-mismatch", func(p *archive.Page) { p.Dateline.Date, p.Dateline.DateText = "2024-03-28", "28 March" }},
		{"editorial/dateline-malformed", func(p *archive.Page) { p.Dateline.Agency = "" }},
		{"editorial/dateline-malformed", func(p *archive.Page) { p.Dateline.Date = "" }},
		{"editorial/image-credit-missing", func(p *archive.Page) {
			p.Images[0].Credit, p.Images[0].CreditText = "", ""
			p.Credits = nil
		}},
		{"editorial/credit-without-image", func(p *archive.Page) { p.Images = nil; p.Credits[0].Image = "" }},
		{"editorial/breadcrumbs-missing", func(p *archive.Page) { p.Breadcrumbs = nil }},
		{"editorial/breadcrumbs-section-mismatch", func(p *archive.Page) {
			p.Breadcrumbs = []archive.Crumb{{Text: "Home", URL: "https://www.example.gov/"}, {Text: "Economy", URL: "https://www.example.gov/economy/"}}
		}},
		{"editorial/lang-missing", func(p *archive.Page) { p.Lang = "" }},
		{"editorial/lang-mismatch", func(p *archive.Page) { p.DetectedLang = "ru" }},
		{"editorial/lang-mismatch", func(p *archive.Page) { p.Lang = "english" }},
		{"editorial/placeholder-text", func(p *archive.Page) { p.Body += " Lorem ipsum dolor sit amet." }},
		{"editorial/placeholder-text", func(p *archive.Page) { p.Headline = "TODO headline" }},
	}
	var pages []*archive.Page
	want := map[string][]string{}
	for i, pl := range plants {
		p := article(fmt.Sprintf("%sp%03d.html", base, i))
		pl.mutate(p)
		pages = append(pages, p)
		if pl.rule != "" {
			want[pl.rule] = append(want[pl.rule], p.URL)
		}
	}
	// Two more pages share one headline: both are reported.
	d1, d2 := article(base+"dup-a.html"), article(base+"dup-b.html")
	d1.Headline, d2.Headline = "Lukashenko meets Grodno governor", "Lukashenko meets  Grodno governor."
	pages = append(pages, d1, d2)
	want["editorial/duplicate-headline"] = []string{d1.URL, d2.URL}
	// A Russian page under /ru/ that declares en.
	ru := article("https://www.example.gov/ru/government/x.html")
	ru.Breadcrumbs = []archive.Crumb{{Text: "Главная", URL: "https://www.example.gov/ru/"}, {Text: "Правительство", URL: "https://www.example.gov/ru/government/"}}
	pages = append(pages, ru)
	want["editorial/lang-mismatch"] = append(want["editorial/lang-mismatch"], ru.URL)
	// A listing with no headline or date is out of the article rules' scope.
	list := &archive.Page{URL: "https://www.example.gov/government/", Kind: archive.KindListing, Lang: "en", Headline: ""}
	pages = append(pages, list)

	res, err := e.Check(t.Context(), check.Request{Archive: memArchive(t, pages...), Rules: set})
	if err != nil {
		t.Fatal(err)
	}
	got := byRule(res)
	for rule := range want {
		slices.Sort(want[rule])
		slices.Sort(got[rule])
		if !slices.Equal(got[rule], want[rule]) {
			t.Errorf("%s: found on %v, planted on %v", rule, got[rule], want[rule])
		}
	}
	for rule, urls := range got {
		if _, ok := want[rule]; !ok {
			t.Errorf("%s: unexpected findings on %v", rule, urls)
		}
	}
	if res.Run.Pages != len(pages) {
		t.Errorf("pages %d, want %d", res.Run.Pages, len(pages))
	}
	// Evidence: every finding carries the capture and a fingerprint.
	for _, f := range res.Findings {
		if f.CaptureID == 0 || f.CapturedAt.IsZero() || f.BodySHA256 == "" || len(f.Fingerprint) != 32 || f.Message == "" || f.Status != 200 {
			t.Errorf("finding without evidence: %+v", f)
		}
		if f.Fingerprint != archive.Fingerprint(f.RuleID, f.URL, f.EvidenceKey) {
			t.Errorf("fingerprint of %s on %s is not archive.Fingerprint", f.RuleID, f.URL)
		}
	}
	if !res.Run.Failed || res.Counts.Errors == 0 {
		t.Errorf("errors found but the run did not fail: %+v", res.Run)
	}
}

// TestDeterministic runs the same rules on the same archive twice.
func TestDeterministic(t *testing.T) {
	e := newEngine(t)
	set := defaultRules(t, e)
	mk := func() *check.MemoryArchive {
		a, b := article("https://www.example.gov/government/a1.html"), article("https://www.example.gov/government/b1.html")
		a.Headline, b.Headline = "Same headline for both pages", "Same headline for both pages"
		a.Lang = ""
		return memArchive(t, a, b)
	}
	var outs [2]bytes.Buffer
	for i := range outs {
		res, err := e.Check(t.Context(), check.Request{Archive: mk(), Rules: set})
		if err != nil {
			t.Fatal(err)
		}
		if err := report.JSON(&outs[i], res); err != nil {
			t.Fatal(err)
		}
	}
	if outs[0].String() != outs[1].String() {
		t.Error("two runs over the same archive differ")
	}
}

func TestStatesBaselineWaiversFailOn(t *testing.T) {
	e := newEngine(t)
	set := defaultRules(t, e)
	url := func(n string) string { return "https://www.example.gov/government/" + n + ".html" }
	noLang := func(n string) *archive.Page { p := article(url(n)); p.Lang = ""; return p }     // warning
	noHead := func(n string) *archive.Page { p := article(url(n)); p.Headline = ""; return p } // error
	h := &memHistory{}

	// Run 1: two warnings, one error; everything is new.
	r1, err := e.Check(t.Context(), check.Request{Archive: memArchive(t, noLang("a"), noLang("b"), noHead("c")), Rules: set, History: h})
	if err != nil {
		t.Fatal(err)
	}
	if r1.Counts.New != 3 || r1.Counts.Persisting != 0 || r1.Run.ID != 1 || r1.Run.PreviousID != 0 {
		t.Errorf("run 1 counts %+v run %+v", r1.Counts, r1.Run)
	}
	if !r1.Run.Failed {
		t.Error("an open error must fail with --fail-on error")
	}

	// Run 2: a still lacks lang, c is fixed, d is new.
	r2, err := e.Check(t.Context(), check.Request{Archive: memArchive(t, noLang("a"), article(url("b")), article(url("c")), noLang("d")), Rules: set, History: h})
	if err != nil {
		t.Fatal(err)
	}
	states := map[string]archive.FindingState{}
	for _, f := range r2.Findings {
		states[f.URL] = f.State
	}
	wantStates := map[string]archive.FindingState{url("a"): archive.StatePersisting, url("b"): archive.StateResolved, url("c"): archive.StateResolved, url("d"): archive.StateNew}
	for u, s := range wantStates {
		if states[u] != s {
			t.Errorf("%s: state %q, want %q", u, states[u], s)
		}
	}
	if r2.Counts.Resolved != 2 || r2.Counts.New != 1 || r2.Counts.Persisting != 1 || r2.Run.PreviousID != 1 {
		t.Errorf("run 2 counts %+v", r2.Counts)
	}
	if r2.Run.Failed {
		t.Errorf("only warnings are open; --fail-on error must pass: %s", r2.Run.FailReason)
	}
	if r2.Findings[len(r2.Findings)-1].State != archive.StateResolved {
		t.Error("resolved findings are not sorted last")
	}

	// --fail-on warning fails on them; never does not; --max-findings 1 does.
	for _, tc := range []struct {
		on   check.FailOn
		max  int
		fail bool
	}{{check.FailOnWarning, -1, true}, {check.FailOnNote, -1, true}, {check.FailOnNever, -1, false}, {check.FailOnError, 1, true}, {check.FailOnError, 2, false}, {check.FailOnNever, 0, true}} {
		req := check.Request{Archive: memArchive(t, noLang("a"), noLang("d")), Rules: set, FailOn: tc.on}
		if tc.max >= 0 {
			req.MaxFindings = &tc.max
		}
		res, err := e.Check(t.Context(), req)
		if err != nil {
			t.Fatal(err)
		}
		if res.Run.Failed != tc.fail {
			t.Errorf("--fail-on %s --max-findings %d: failed=%v (%s), want %v", tc.on, tc.max, res.Run.Failed, res.Run.FailReason, tc.fail)
		}
	}

	// Baseline: written from run 3, it accepts a and d; a new finding on e
	// still fails.
	bl := check.NewBaseline()
	res, err := e.Check(t.Context(), check.Request{Archive: memArchive(t, noLang("a"), noHead("d")), Rules: set, Baseline: bl, UpdateBaseline: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.Run.Failed || res.Counts.Baselined != 2 || bl.Len() != 2 {
		t.Errorf("after --update-baseline: failed=%v baselined=%d len=%d", res.Run.Failed, res.Counts.Baselined, bl.Len())
	}
	var buf bytes.Buffer
	if err := bl.Write(&buf); err != nil {
		t.Fatal(err)
	}
	bl2, err := check.ReadBaseline(&buf)
	if err != nil {
		t.Fatal(err)
	}
	res, err = e.Check(t.Context(), check.Request{Archive: memArchive(t, noLang("a"), noHead("d"), noHead("e")), Rules: set, Baseline: bl2})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Run.Failed || res.Counts.Errors != 1 || res.Counts.Baselined != 2 {
		t.Errorf("new error beside a baseline: failed=%v counts %+v", res.Run.Failed, res.Counts)
	}

	// Waivers: one in force (rule + URL glob), one expired (fingerprint).
	fpD := archive.Fingerprint("editorial/headline-missing", url("d"), "")
	w, err := check.ParseWaivers("waivers.yaml", []byte(fmt.Sprintf(`waivers:
  - rule: editorial/lang-missing
    url: "/government/**"
    reason: Legacy template, fixed in the next release.
    owner: web team
    expires: 2024-12-31
  - fingerprint: %s
    reason: Photo gallery without a headline.
    owner: desk@example.gov
    expires: 2024-04-01
`, fpD)))
	if err != nil {
		t.Fatal(err)
	}
	res, err = e.Check(t.Context(), check.Request{Archive: memArchive(t, noLang("a"), noHead("d")), Rules: set, Waivers: w})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range res.Findings {
		switch f.URL {
		case url("a"):
			if f.Suppressed != report.SuppressedWaiver || !strings.Contains(f.WaiverNote, "web team") {
				t.Errorf("a: %+v, want waived", f)
			}
		case url("d"):
			if f.Suppressed != "" || !strings.Contains(f.WaiverNote, "expired 2024-04-01") {
				t.Errorf("d: %+v, want open (its waiver expired), not baselined", f)
			}
		}
	}
	if !res.Run.Failed || res.Counts.Waived != 1 || len(res.Waivers) != 2 || !res.Waivers[1].Expired || res.Waivers[0].Matches != 1 {
		t.Errorf("waivers: failed=%v counts %+v register %+v", res.Run.Failed, res.Counts, res.Waivers)
	}
}

func TestWaiversErrors(t *testing.T) {
	for _, tc := range []struct{ text, msg string }{
		{"waivers:\n  - rule: x\n    owner: me\n", "reason is required"},
		{"waivers:\n  - rule: x\n    reason: r\n", "owner is required"},
		{"waivers:\n  - reason: r\n    owner: me\n", "give a fingerprint"},
		{"waivers:\n  - fingerprint: f\n    rule: x\n    reason: r\n    owner: me\n", "not both"},
		{"waivers:\n  - rule: x\n    reason: r\n    owner: me\n    expires: soon\n", "want YYYY-MM-DD"},
		{"waivers:\n  - rule: x\n    reason: r\n    owner: me\n    colour: red\n", "field colour not found"},
		{"waiver: []\n", "field waiver not found"},
	} {
		_, err := check.ParseWaivers("w.yaml", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.msg) || !strings.HasPrefix(err.Error(), "w.yaml") {
			t.Errorf("%q: error %v, want %q", tc.text, err, tc.msg)
		}
	}
	if w, err := check.ParseWaivers("w.yaml", nil); err != nil || w.Len() != 0 {
		t.Errorf("empty waivers file: %v", err)
	}
}

// siteKind is a site kind for tests: it reports every capture of the run
// whose URL ends in .pdf, and checks that it sees the previous run.
func siteKind(t *testing.T) check.Kind {
	return check.Kind{
		Name:    "test/pdf",
		Summary: "PDFs are reported.",
		Site: func(*check.Rule, check.Params) (check.SiteCheck, error) {
			return check.SiteCheckFunc(func(ctx context.Context, s *check.Site, emit check.Emit) error {
				if s.Previous == nil || s.Previous.ID != 1 {
					t.Errorf("previous run %+v, want run 1", s.Previous)
				}
				return s.Archive.EachCapture(ctx, s.Run.ID, func(c *archive.Capture) error {
					if strings.HasSuffix(c.URL, ".pdf") {
						emit(archive.Finding{URL: c.CanonicalURL, CaptureID: c.ID, Message: "a PDF", EvidenceKey: "pdf"})
					}
					return nil
				})
			}), nil
		},
	}
}

func TestSiteKindAndScope(t *testing.T) {
	e := newEngine(t, siteKind(t))
	set := mustLoad(t, e, map[string]string{"test/pdf.yaml": `id: test/pdf
title: No PDFs
severity: note
kind: test/pdf
scope:
  exclude: ["/forms/**"]
`}, nil)
	m := check.NewMemoryArchive()
	m.AddRun(archive.Run{ID: 1, StartedAt: now.Add(-48 * time.Hour)})
	m.AddRun(archive.Run{ID: 2, StartedAt: now.Add(-time.Hour)})
	for i, u := range []string{"https://e.gov/a.pdf", "https://e.gov/forms/b.pdf", "https://e.gov/c.html"} {
		if err := m.AddCapture(&archive.Capture{ID: int64(i + 1), RunID: 2, URL: u, CanonicalURL: u}, nil); err != nil {
			t.Fatal(err)
		}
	}
	res, err := e.Check(t.Context(), check.Request{Archive: m, Rules: set})
	if err != nil {
		t.Fatal(err)
	}
	if got := byRule(res)["test/pdf"]; len(got) != 1 || got[0] != "https://e.gov/a.pdf" {
		t.Errorf("site findings %v, want a.pdf only (forms excluded by scope)", got)
	}
	if res.Run.CrawlRunID != 2 {
		t.Errorf("checked run %d, want the newest (2)", res.Run.CrawlRunID)
	}
}

func TestRuleRunErrors(t *testing.T) {
	boom := errors.New("boom")
	e := newEngine(t, check.Kind{Name: "test/boom", Page: func(*check.Rule, check.Params) (check.PageCheck, error) {
		return check.PageCheckFunc(func(context.Context, *check.PageContext, check.Emit) error { return boom }), nil
	}})
	set := mustLoad(t, e, map[string]string{"t/boom.yaml": "id: t/boom\ntitle: B\nseverity: note\nkind: test/boom\n"}, nil)
	_, err := e.Check(t.Context(), check.Request{Archive: memArchive(t, article("https://e.gov/a/x.html")), Rules: set})
	var rre *check.RuleRunError
	if !errors.As(err, &rre) || !errors.Is(err, boom) || rre.RuleID != "t/boom" || rre.URL != "https://e.gov/a/x.html" {
		t.Errorf("error %v, want a RuleRunError naming the rule and page", err)
	}
	// An expression failing at run time names the rule too.
	set = mustLoad(t, e, map[string]string{"t/idx.yaml": "id: t/idx\ntitle: I\nseverity: note\nkind: expr\nassert: 'images[5].credit != \"\"'\n"}, nil)
	_, err = e.Check(t.Context(), check.Request{Archive: memArchive(t, article("https://e.gov/a/x.html")), Rules: set})
	if !errors.As(err, &rre) || rre.RuleID != "t/idx" {
		t.Errorf("error %v, want a RuleRunError", err)
	}
	// A cancelled context stops the run.
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	set = defaultRules(t, e)
	if _, err := e.Check(ctx, check.Request{Archive: memArchive(t, article("https://e.gov/a/x.html")), Rules: set}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
	if _, err := e.Check(t.Context(), check.Request{Archive: check.NewMemoryArchive(), Rules: set}); !errors.Is(err, archive.ErrNotFound) {
		t.Errorf("empty archive: %v, want ErrNotFound", err)
	}
}

func TestExprEnvironment(t *testing.T) {
	e := newEngine(t)
	for _, tc := range []struct {
		assert string
		pass   bool
	}{
		{`section == "government" && host == "www.example.gov" && path == "/government/events/x.html"`, true},
		{`published.value == "2024-04-03" && dateline.agency == "BelTA"`, true},
		{`len(authors) > 0 && all(images, {.credit != ""})`, true},
		{`status == 200 && captured_at < now`, true},
		{`word_count > 1000`, false},
		{`headline matches "^Golovchenko"`, true},
		{`kind == "listing"`, false},
	} {
		set := mustLoad(t, e, map[string]string{"t/x.yaml": fmt.Sprintf("id: t/x\ntitle: X\nseverity: note\nkind: expr\nassert: %q\nevidence: 'headline'\n", tc.assert)}, nil)
		res, err := e.Check(t.Context(), check.Request{Archive: memArchive(t, article("https://www.example.gov/government/events/x.html")), Rules: set})
		if err != nil {
			t.Fatalf("%s: %v", tc.assert, err)
		}
		if got := len(res.Findings) == 0; got != tc.pass {
			t.Errorf("%s: pass=%v, want %v", tc.assert, got, tc.pass)
		}
		if !tc.pass && (len(res.Findings) != 1 || !strings.HasPrefix(res.Findings[0].Evidence, "Golovchenko")) {
			t.Errorf("%s: evidence %+v", tc.assert, res.Findings)
		}
	}
}

func TestNeedsLinks(t *testing.T) {
	e := newEngine(t)
	if defaultRules(t, e).NeedsLinks() {
		t.Error("the editorial pack does not read links")
	}
	set := mustLoad(t, e, map[string]string{"t/l.yaml": "id: t/l\ntitle: L\nseverity: note\nkind: expr\nassert: 'len(links) > 0'\n"}, nil)
	if !set.NeedsLinks() {
		t.Error("an expression over links needs them")
	}
}

func TestGlob(t *testing.T) {
	for _, tc := range []struct {
		glob, url string
		match     bool
	}{
		{"/news/**", "https://e.gov/news/2024/x.html", true},
		{"/news/*", "https://e.gov/news/2024/x.html", false},
		{"/news/*", "https://e.gov/news/x.html", true},
		{"**/press/**", "https://e.gov/en/press/x", true},
		{"**/press/**", "https://e.gov/en/pressroom/x", false},
		{"https://*.e.gov/**", "https://www.e.gov/a", true},
		{"https://*.e.gov/**", "https://www.other.gov/a", false},
		{"/a?c", "https://e.gov/abc", true},
		{"/a?c", "https://e.gov/a/c", false},
		{"/", "https://e.gov", true},
		{"/x.html", "https://e.gov/x.html#frag", true},
		{"/list?page=*", "https://e.gov/list?page=2", true},
		{"**.pdf", "https://e.gov/docs/a.pdf", true},
	} {
		g, err := check.CompileGlob(tc.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Match(tc.url); got != tc.match {
			t.Errorf("%s ~ %s = %v, want %v", tc.glob, tc.url, got, tc.match)
		}
	}
	if _, err := check.CompileGlob(""); err == nil {
		t.Error("empty glob accepted")
	}
}

// TestPlaceholderPatterns checks the literal prefilter against the
// regular expressions it guards: case-folded literals, case-sensitive ones
// and patterns without a literal.
func TestPlaceholderPatterns(t *testing.T) {
	e := newEngine(t)
	for _, tc := range []struct {
		params, body string
		want         bool
	}{
		{"", "Quote: [INSERT the minister's words].", true},
		{"", "Lorem Ipsum dolor.", true},
		{"", "We will do it today.", false},
		{"", "todo list of the ministry", false}, // TODO is case-sensitive
		{"", "FIXME: numbers", true},
		{"", "The road goes here and there.", false},
		{"", "Caption goes here", true},
		{"params: {patterns: ['\\d{3}-\\d{4}']}", "Call 555-1234 now.", true},
		{"params: {patterns: ['\\d{3}-\\d{4}']}", "Call us now.", false},
		{"params: {patterns: ['(?i)xx+']}", "A XXX rating.", true},
	} {
		set := mustLoad(t, e, map[string]string{"t/p.yaml": "id: t/p\ntitle: P\nseverity: note\nkind: placeholder-text\n" + tc.params + "\n"}, nil)
		p := article("https://e.gov/a/x.html")
		p.Body = tc.body
		res, err := e.Check(t.Context(), check.Request{Archive: memArchive(t, p), Rules: set})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Findings) > 0; got != tc.want {
			t.Errorf("%s %q: found=%v, want %v", tc.params, tc.body, got, tc.want)
		}
	}
}
