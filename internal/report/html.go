package report

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"net/url"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

//go:embed assets/report.html.tmpl assets/report.css assets/report.js
var assets embed.FS

// Limits of what the report renders on the server side; the embedded JSON
// holds every finding, and the script pages through them.
const (
	firstFindings   = 100 // findings rendered without script
	topPages        = 100 // rows of the "pages with most findings" table
	resolvedShown   = 200 // resolved findings listed
	maxChangesShown = 500 // changed pages rendered with their diffs
	maxHeatmaps     = 6   // sections drawn as calendar heatmaps
)

// HTML writes the auditor's report for a as one self-contained HTML file:
// the style sheet and script are inlined, the findings are embedded as JSON,
// archived copies are embedded sanitised for a sandboxed frame, and a
// Content-Security-Policy forbids every request that would leave the file.
// The output depends only on a, so the same audit gives the same bytes.
func HTML(w io.Writer, a *Audit) error {
	if a == nil || a.Result == nil {
		return fmt.Errorf("html report: no check result")
	}
	css, err := assets.ReadFile("assets/report.css")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	js, err := assets.ReadFile("assets/report.js")
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	d := buildReport(a)
	blob, err := findingsBlob(d)
	if err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	page := htmlPage{
		reportData: d,
		CSS:        template.CSS(css),
		Script:     template.JS(js),
		Blob:       template.JS(blob),
		CSP:        reportCSP(css, js),
		Legend:     heatLegend(),
	}
	tmpl, err := template.New("report.html.tmpl").Funcs(templateFuncs()).ParseFS(assets, "assets/report.html.tmpl")
	if err != nil {
		return fmt.Errorf("html report: parse template: %w", err)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	if err := tmpl.Execute(bw, page); err != nil {
		return fmt.Errorf("html report: %w", err)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("html report: write: %w", err)
	}
	return nil
}

// reportCSP allows only the report's own inline style sheets and script (by
// hash) and data: images; every fetch, frame navigation, form and base URL
// is refused. Frames of archived copies inherit this policy.
func reportCSP(css, js []byte) string {
	h := func(b []byte) string {
		s := sha256.Sum256(b)
		return "'sha256-" + base64.StdEncoding.EncodeToString(s[:]) + "'"
	}
	return "default-src 'none'; script-src " + h(js) + "; style-src " + h(css) + " " + h([]byte(copyStyle)) +
		"; img-src data:; frame-src 'none'; child-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
}

// htmlPage is what the template sees.
type htmlPage struct {
	*reportData
	CSS    template.CSS
	Script template.JS
	Blob   template.JS
	CSP    string
	Legend template.HTML
}

// reportData is the content of the report, computed from an Audit. Golden
// tests compare it as JSON; the template only lays it out.
type reportData struct {
	Title       string `json:"title"`
	GeneratedAt string `json:"generated_at"`
	CheckRunID  int64  `json:"check_run_id"`
	PrevRunID   int64  `json:"previous_check_run_id"`

	Scope scopeView `json:"scope"`

	Open        sevCounts `json:"open"`
	Baselined   int       `json:"baselined"`
	Waived      int       `json:"waived"`
	New         int       `json:"new"`
	Persisting  int       `json:"persisting"`
	Resolved    int       `json:"resolved"`
	Score       int       `json:"score"`
	Band        string    `json:"band"`
	Packs       []packScore
	Explanation string `json:"-"`
	Trend       template.HTML
	TrendPoints []RunPoint `json:"trend"`

	Rules             []ruleGroup    `json:"rules"`
	Passed            []ruleGroup    `json:"passed_rules"` // rules with no finding at all
	Pages             []pageGroup    `json:"pages"`
	PagesWithFindings int            `json:"pages_with_findings"`
	Findings          []*findingView `json:"-"` // every finding, sorted
	FirstFindings     []findingView  `json:"first_findings"`
	ResolvedList      []findingView  `json:"resolved_list"`

	Coverage      []coverageView `json:"coverage"`       // drawn as heatmaps
	OtherSections []coverageView `json:"other_sections"` // listed
	MissedRuns    []MissedRun    `json:"missed_runs"`
	Removals      []removalView  `json:"removals"`
	Changes       []changeView   `json:"changes"`
	MoreChange    int            `json:"more_changes"`
	Waivers       []Waiver       `json:"waivers"`
	Copies        []copyView     `json:"copies"`
	Exports       []Export       `json:"exports"`
	Repro         reproView      `json:"repro"`

	captures   []captureRef
	captureIdx map[string]int
	rulesIdx   map[string]int
}

// reproView is what the reproducibility footer says.
type reproView struct {
	ToolVersion string `json:"tool_version"`
	RulesHash   string `json:"rules_hash"`
	CheckConfig string `json:"check_config"`
	CrawlConfig string `json:"crawl_config"`
	UserAgent   string `json:"user_agent"`
	FailOn      string `json:"fail_on"`
	Failed      bool   `json:"failed"`
	FailReason  string `json:"fail_reason"`
}

// scopeView is the scope of the audit: what was crawled, when, with what
// outcome.
type scopeView struct {
	Seeds        []string   `json:"seeds"`
	CrawlRunID   int64      `json:"crawl_run_id"`
	Status       string     `json:"status"`
	Started      string     `json:"started"`
	Finished     string     `json:"finished"`
	Duration     string     `json:"duration"`
	Captured     int        `json:"captured"`
	Revisits     int        `json:"revisits"`
	Refused      int        `json:"refused"`
	Failed       int        `json:"failed"`
	Skipped      int        `json:"skipped"`
	SkippedWhy   []keyCount `json:"skipped_by_reason"`
	PagesChecked int        `json:"pages_checked"`
}

type keyCount struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

type sevCounts struct {
	Errors   int `json:"errors"`
	Warnings int `json:"warnings"`
	Notes    int `json:"notes"`
}

func (s sevCounts) Total() int { return s.Errors + s.Warnings + s.Notes }

func (s *sevCounts) add(sev archive.Severity, n int) {
	switch sev {
	case archive.SeverityError:
		s.Errors += n
	case archive.SeverityWarning:
		s.Warnings += n
	case archive.SeverityNote:
		s.Notes += n
	}
}

// ruleGroup is one rule with its findings counted.
type ruleGroup struct {
	ID         string           `json:"id"`
	Title      string           `json:"title"`
	Pack       string           `json:"pack"`
	Severity   archive.Severity `json:"severity"`
	Help       string           `json:"help,omitempty"`
	Fix        string           `json:"fix,omitempty"`
	HelpURL    string           `json:"help_url,omitempty"`
	Open       int              `json:"open"`
	New        int              `json:"new"`
	Suppressed int              `json:"suppressed"`
	Pages      int              `json:"pages"` // distinct pages with open findings
	Impact     float64          `json:"impact"`
	Example    string           `json:"example,omitempty"` // one open finding's message
}

// pageGroup is one page with its open findings counted.
type pageGroup struct {
	URL   string    `json:"url"`
	Open  sevCounts `json:"open"`
	Rules int       `json:"rules"`
}

// findingView is a finding with what the report shows beside it.
type findingView struct {
	archive.Finding
	Rule       *ruleGroup `json:"-"`
	Capture    int        `json:"-"` // index into captures
	CapturedAt string     `json:"captured_at_utc,omitempty"`
	HasCopy    bool       `json:"has_copy"`
}

// captureRef is one capture findings point at, shared in the JSON blob.
type captureRef struct {
	URL       string
	FinalURL  string
	CaptureID int64
	At        string
	SHA256    string
	Status    int
	HasCopy   bool
}

type coverageView struct {
	ID       string        `json:"id"`
	Section  string        `json:"section"`
	Cadence  string        `json:"cadence,omitempty"`
	From     string        `json:"from"`
	To       string        `json:"to"`
	Days     int           `json:"days"`
	Articles int           `json:"articles"`
	Gaps     []CoverageDay `json:"gaps"`
	Shown    string        `json:"shown,omitempty"` // the window drawn, when not every day fits
	SVG      template.HTML `json:"-"`
}

type removalView struct {
	Removal
	HasCopy bool `json:"has_copy"`
}

type changeView struct {
	Change
	ID         string    `json:"id"`
	Rows       []diffRow `json:"-"`
	BodyDiff   bool      `json:"body_changed"`
	BeforeCopy bool      `json:"before_copy"`
	AfterCopy  bool      `json:"after_copy"`
}

type copyView struct {
	CaptureID int64  `json:"capture_id"`
	URL       string `json:"url"`
	FinalURL  string `json:"final_url"`
	Status    int    `json:"status"`
	At        string `json:"at"`
	SHA256    string `json:"sha256"`
	Bytes     int    `json:"bytes"`
	Srcdoc    string `json:"-"`
}

// utc formats a time for the report: ISO 8601 in UTC, "" for the zero time.
func utc(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// buildReport computes the report's content from the audit.
func buildReport(a *Audit) *reportData {
	in := fromResult(a.Result)
	d := &reportData{
		Title:       a.Title,
		GeneratedAt: utc(a.GeneratedAt),
		CheckRunID:  in.CheckRunID,
		PrevRunID:   in.PrevRunID,
		Explanation: scoreExplanation,
		MissedRuns:  a.MissedRuns,
		Waivers:     a.Result.Waivers,
		Exports:     a.Exports,
		Repro: reproView{
			ToolVersion: a.Tool.Version, RulesHash: a.Result.Run.RulesHash, CheckConfig: a.Result.Run.Config,
			CrawlConfig: a.Crawl.Config, UserAgent: a.Tool.UserAgent, FailOn: a.Result.Run.FailOn,
			Failed: a.Result.Run.Failed, FailReason: a.Result.Run.FailReason,
		},
		captureIdx: map[string]int{},
		rulesIdx:   map[string]int{},
	}
	if d.Title == "" {
		d.Title = "archive"
		if len(a.Crawl.Seeds) > 0 {
			if u, err := url.Parse(a.Crawl.Seeds[0]); err == nil && u.Host != "" {
				d.Title = u.Host
			} else {
				d.Title = a.Crawl.Seeds[0]
			}
		}
	}
	if d.Repro.ToolVersion == "" {
		d.Repro.ToolVersion = a.Result.Run.ToolVersion
	}
	d.Scope = buildScope(a)

	copies := map[int64]bool{}
	policy := copyPolicy()
	for i := range a.Copies {
		c := &a.Copies[i]
		if copies[c.CaptureID] {
			continue
		}
		copies[c.CaptureID] = true
		src := renderCopy(policy, c)
		d.Copies = append(d.Copies, copyView{CaptureID: c.CaptureID, URL: c.URL, FinalURL: c.FinalURL, Status: c.Status,
			At: utc(c.FetchedAt), SHA256: c.SHA256, Bytes: len(c.Body), Srcdoc: src})
	}
	sort.Slice(d.Copies, func(i, j int) bool { return d.Copies[i].CaptureID < d.Copies[j].CaptureID })

	// Rules: those the result declares, then any a finding names.
	groups := make([]ruleGroup, 0, len(in.Rules))
	for _, r := range in.Rules {
		if _, dup := d.rulesIdx[r.ID]; dup {
			continue
		}
		d.rulesIdx[r.ID] = len(groups)
		groups = append(groups, ruleGroup{ID: r.ID, Title: r.Title, Pack: r.Pack, Severity: r.Severity, Help: r.Help, Fix: r.Fix, HelpURL: r.HelpURL})
	}
	for _, f := range in.Findings {
		if _, ok := d.rulesIdx[f.RuleID]; !ok {
			d.rulesIdx[f.RuleID] = len(groups)
			groups = append(groups, ruleGroup{ID: f.RuleID, Title: f.RuleID, Pack: packOf(f.RuleID), Severity: f.Severity})
		}
	}

	pages := map[string]*pageGroup{}
	pageRules := map[string]map[string]bool{}
	rulePages := make([]map[string]bool, len(groups))
	for i := range rulePages {
		rulePages[i] = map[string]bool{}
	}
	views := make([]findingView, 0, len(in.Findings))
	for _, f := range in.Findings {
		gi := d.rulesIdx[f.RuleID]
		g := &groups[gi]
		if f.Severity == "" {
			f.Severity = g.Severity
		}
		v := findingView{Finding: f, CapturedAt: utc(f.CapturedAt), HasCopy: copies[f.CaptureID]}
		v.Capture = d.captureRef(f, copies[f.CaptureID])
		switch f.Suppressed {
		case "":
			g.Open++
			d.Open.add(f.Severity, 1)
			if f.State == archive.StateNew {
				g.New++
				d.New++
			} else {
				d.Persisting++
			}
			if g.Example == "" {
				g.Example = f.Message
			}
			rulePages[gi][f.URL] = true
			p := pages[f.URL]
			if p == nil {
				p = &pageGroup{URL: f.URL}
				pages[f.URL] = p
				pageRules[f.URL] = map[string]bool{}
			}
			p.Open.add(f.Severity, 1)
			pageRules[f.URL][f.RuleID] = true
		case "baseline":
			g.Suppressed++
			d.Baselined++
		default:
			g.Suppressed++
			d.Waived++
		}
		views = append(views, v)
	}
	for i := range groups {
		groups[i].Pages = len(rulePages[i])
	}
	pagesChecked := a.Result.Run.Pages
	d.Packs, d.Score = scorePacks(groups, pagesChecked)
	d.Band = band(d.Score)
	impacts := map[string]float64{}
	for _, p := range d.Packs {
		for _, x := range p.Deductions {
			impacts[x.RuleID] = x.Impact
		}
	}
	for i := range groups {
		groups[i].Impact = impacts[groups[i].ID]
	}
	// Rules: most impact first, then severity, then id.
	sort.SliceStable(groups, func(i, j int) bool {
		a, b := groups[i], groups[j]
		if a.Impact != b.Impact {
			return a.Impact > b.Impact
		}
		if a.Severity.Rank() != b.Severity.Rank() {
			return a.Severity.Rank() > b.Severity.Rank()
		}
		return a.ID < b.ID
	})
	for i := range groups {
		d.rulesIdx[groups[i].ID] = i
		if groups[i].Open == 0 && groups[i].Suppressed == 0 {
			d.Passed = append(d.Passed, groups[i])
		}
	}
	d.Rules = groups
	d.Findings = make([]*findingView, len(views))
	for i := range views {
		views[i].Rule = &d.Rules[d.rulesIdx[views[i].RuleID]]
		d.Findings[i] = &views[i]
	}
	slices.SortStableFunc(d.Findings, func(a, b *findingView) int {
		switch {
		case findingLess(a, b):
			return -1
		case findingLess(b, a):
			return 1
		}
		return 0
	})
	n := 0
	for _, f := range d.Findings {
		if n == firstFindings {
			break
		}
		if f.Suppressed == "" {
			d.FirstFindings = append(d.FirstFindings, *f)
			n++
		}
	}

	d.PagesWithFindings = len(pages)
	for u, p := range pages {
		p.Rules = len(pageRules[u])
		d.Pages = append(d.Pages, *p)
	}
	sort.Slice(d.Pages, func(i, j int) bool {
		a, b := d.Pages[i].Open, d.Pages[j].Open
		if a.Errors != b.Errors {
			return a.Errors > b.Errors
		}
		if a.Total() != b.Total() {
			return a.Total() > b.Total()
		}
		return d.Pages[i].URL < d.Pages[j].URL
	})
	if len(d.Pages) > topPages {
		d.Pages = d.Pages[:topPages]
	}

	d.Resolved = len(in.Resolved)
	for i, f := range in.Resolved {
		if i == resolvedShown {
			break
		}
		v := findingView{Finding: f, CapturedAt: utc(f.CapturedAt)}
		if gi, ok := d.rulesIdx[f.RuleID]; ok {
			v.Rule = &d.Rules[gi]
		} else {
			v.Rule = &ruleGroup{ID: f.RuleID, Title: f.RuleID, Severity: f.Severity, Pack: packOf(f.RuleID)}
		}
		d.ResolvedList = append(d.ResolvedList, v)
	}

	d.TrendPoints = a.History
	d.Trend = trendChart(a.History)
	d.Coverage, d.OtherSections = buildCoverage(a)
	for _, r := range a.Removals {
		d.Removals = append(d.Removals, removalView{Removal: r, HasCopy: copies[r.LastCaptureID]})
	}
	for i, c := range a.Changes {
		if i == maxChangesShown {
			d.MoreChange = len(a.Changes) - maxChangesShown
			break
		}
		rows, changed := sideBySide(c.BodyBefore, c.BodyAfter)
		d.Changes = append(d.Changes, changeView{Change: c, ID: fmt.Sprintf("change-%d", i+1), Rows: rows, BodyDiff: changed,
			BeforeCopy: copies[c.Before.CaptureID], AfterCopy: copies[c.After.CaptureID]})
	}
	return d
}

// captureRef returns the index of the capture a finding points at, adding it
// to the shared list the first time.
func (d *reportData) captureRef(f archive.Finding, hasCopy bool) int {
	key := fmt.Sprintf("%d\x00%s", f.CaptureID, f.URL)
	if i, ok := d.captureIdx[key]; ok {
		return i
	}
	d.captureIdx[key] = len(d.captures)
	d.captures = append(d.captures, captureRef{URL: f.URL, FinalURL: f.FinalURL, CaptureID: f.CaptureID, At: utc(f.CapturedAt),
		SHA256: f.BodySHA256, Status: f.Status, HasCopy: hasCopy})
	return len(d.captures) - 1
}

// findingLess orders findings: open before suppressed, then by the rule's
// place in the rules table (most impact first), then by URL and evidence.
func findingLess(a, b *findingView) bool {
	if (a.Suppressed == "") != (b.Suppressed == "") {
		return a.Suppressed == ""
	}
	if a.Severity.Rank() != b.Severity.Rank() {
		return a.Severity.Rank() > b.Severity.Rank()
	}
	if a.Rule != b.Rule {
		if a.Rule.Impact != b.Rule.Impact {
			return a.Rule.Impact > b.Rule.Impact
		}
		return a.Rule.ID < b.Rule.ID
	}
	if a.URL != b.URL {
		return a.URL < b.URL
	}
	return a.Fingerprint < b.Fingerprint
}

// packOf names the pack of a rule id written as pack/name or pack.name.
func packOf(id string) string {
	if i := strings.IndexAny(id, "/."); i > 0 {
		return id[:i]
	}
	return "other"
}

// buildScope takes the scope from the crawl run, falling back to what the
// check run recorded of it.
func buildScope(a *Audit) scopeView {
	r, cr := a.Crawl, a.Result.Run
	s := scopeView{
		Seeds:        r.Seeds,
		CrawlRunID:   r.ID,
		Status:       string(r.Status),
		Captured:     r.Counts.Captured,
		Revisits:     r.Counts.Revisits,
		Refused:      r.Counts.Refused,
		Failed:       r.Counts.Errors,
		PagesChecked: cr.Pages,
	}
	if len(s.Seeds) == 0 {
		s.Seeds = cr.Seeds
	}
	if s.CrawlRunID == 0 {
		s.CrawlRunID = cr.CrawlRunID
	}
	start, end := r.StartedAt, r.FinishedAt
	if start.IsZero() {
		start, end = cr.CrawlStartedAt, cr.CrawlFinishedAt
	}
	s.Started, s.Finished = utc(start), utc(end)
	if !start.IsZero() && !end.IsZero() {
		s.Duration = end.Sub(start).Round(time.Second).String()
	}
	for k, v := range r.Counts.Skipped {
		s.Skipped += v
		s.SkippedWhy = append(s.SkippedWhy, keyCount{k, v})
	}
	sort.Slice(s.SkippedWhy, func(i, j int) bool {
		if s.SkippedWhy[i].Count != s.SkippedWhy[j].Count {
			return s.SkippedWhy[i].Count > s.SkippedWhy[j].Count
		}
		return s.SkippedWhy[i].Key < s.SkippedWhy[j].Key
	})
	return s
}

// buildCoverage summarises every section and draws the heatmaps of the
// maxHeatmaps sections with the most articles; the others are listed.
func buildCoverage(a *Audit) (drawn, listed []coverageView) {
	missed := map[string]bool{}
	for _, m := range a.MissedRuns {
		missed[m.Expected.UTC().Format("2006-01-02")] = true
	}
	all := make([]coverageView, 0, len(a.Coverage))
	for i, sec := range a.Coverage {
		v := coverageView{ID: fmt.Sprintf("cov-%d", i+1), Section: sec.Section, Cadence: sec.Cadence, Days: len(sec.Days)}
		if len(sec.Days) > 0 {
			v.From, v.To = sec.Days[0].Date, sec.Days[len(sec.Days)-1].Date
		}
		for _, day := range sec.Days {
			v.Articles += day.Articles
			if day.Gap || day.Note != "" {
				v.Gaps = append(v.Gaps, day)
			}
		}
		all = append(all, v)
	}
	order := make([]int, len(all))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return all[order[i]].Articles > all[order[j]].Articles })
	for k, i := range order {
		v := all[i]
		if k < maxHeatmaps {
			v.SVG = calendarHeatmap(v.ID, a.Coverage[i], missed)
			if w := busiestWindow(a.Coverage[i].Days, heatmapDays); len(w) < len(a.Coverage[i].Days) {
				v.Shown = w[0].Date + " – " + w[len(w)-1].Date
			}
			drawn = append(drawn, v)
		} else {
			listed = append(listed, v)
		}
	}
	return drawn, listed
}

// blobRule, blobCapture and blobFinding are the compact shapes of the JSON
// the script reads: rules and captures once, findings by index.
type blobRule struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Sev   string `json:"sev"`
	Pack  string `json:"pack"`
	Help  string `json:"help,omitempty"`
	Fix   string `json:"fix,omitempty"`
	URL   string `json:"url,omitempty"`
}

type blobCapture struct {
	U  string `json:"u"`
	F  string `json:"f,omitempty"`
	ID int64  `json:"id,omitempty"`
	T  string `json:"t,omitempty"`
	H  string `json:"h,omitempty"`
	S  int    `json:"s,omitempty"`
	CP bool   `json:"cp,omitempty"`
}

type blobFinding struct {
	R  int         `json:"r"`
	C  int         `json:"c"`
	M  string      `json:"m"`
	E  string      `json:"e,omitempty"`
	St string      `json:"st,omitempty"`
	W  string      `json:"w,omitempty"`
	WN string      `json:"wn,omitempty"`
	FP string      `json:"fp"`
	O  [][3]string `json:"o,omitempty"`
}

// findingsBlob encodes every finding for the script. encoding/json escapes
// <, > and & as \u003c, \u003e and \u0026, so no text from a page can close
// the script element that holds it.
func findingsBlob(d *reportData) ([]byte, error) {
	var blob struct {
		Rules    []blobRule    `json:"rules"`
		Captures []blobCapture `json:"captures"`
		Findings []blobFinding `json:"findings"`
	}
	blob.Rules = make([]blobRule, len(d.Rules))
	for i, r := range d.Rules {
		blob.Rules[i] = blobRule{ID: r.ID, Title: r.Title, Sev: string(r.Severity), Pack: r.Pack, Help: r.Help, Fix: r.Fix, URL: safeHelpURL(r.HelpURL)}
	}
	blob.Captures = make([]blobCapture, len(d.captures))
	for i, c := range d.captures {
		blob.Captures[i] = blobCapture{U: c.URL, F: c.FinalURL, ID: c.CaptureID, T: c.At, H: c.SHA256, S: c.Status, CP: c.HasCopy}
	}
	blob.Findings = make([]blobFinding, len(d.Findings))
	for i, f := range d.Findings {
		b := blobFinding{R: d.rulesIdx[f.RuleID], C: f.Capture, M: f.Message, E: f.Evidence, St: string(f.State),
			W: f.Suppressed, WN: f.WaiverNote, FP: f.Fingerprint}
		for _, o := range f.Occurrences {
			b.O = append(b.O, [3]string{o.URL, o.Text, string(o.Place)})
		}
		blob.Findings[i] = b
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(true)
	if err := enc.Encode(blob); err != nil {
		return nil, fmt.Errorf("encode findings: %w", err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// safeHelpURL keeps a help link only if it is http(s); anything else (a
// javascript: URL in a user's rule file) is dropped.
func safeHelpURL(s string) string {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	return s
}

// until says when a waiver ends: "through" the last day for an expiry at
// midnight UTC (a waiver written with a date), the instant otherwise.
func until(expires time.Time) string {
	if expires.IsZero() {
		return "no expiry"
	}
	e := expires.UTC()
	if e.Hour() == 0 && e.Minute() == 0 && e.Second() == 0 && e.Nanosecond() == 0 {
		return "through " + e.AddDate(0, 0, -1).Format("2006-01-02")
	}
	return "until " + utc(e)
}

func templateFuncs() template.FuncMap {
	return template.FuncMap{
		"utc":       utc,
		"helpURL":   safeHelpURL,
		"bandClass": func(b string) string { return "band-" + strings.ReplaceAll(b, " ", "-") },
		"until":     until,
		"topRules": func(rules []ruleGroup, n int) []ruleGroup {
			var out []ruleGroup
			for _, r := range rules {
				if r.Open > 0 && len(out) < n {
					out = append(out, r)
				}
			}
			return out
		},
	}
}
