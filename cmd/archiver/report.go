package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/links"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/internal/timeline"
)

// reportCommand writes the auditor's HTML report of a check run.
func reportCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write the auditor's HTML report of a check run (with findings.csv and findings.json beside it)",
		Description: `report reads a stored check run (the newest, or --run ID) with its findings, the
crawl run it checked, the earlier check runs (for the trend and what was resolved),
and the timeline of the archive (changes, removals, per-section publishing days and
gaps, missed runs), and writes one self-contained HTML file that opens offline:
DIR/report.html, with DIR/findings.csv and DIR/findings.json beside it. It prints
the report's path.

The archived copies of the pages that findings and changes point at are embedded
sanitised (no scripts, styles, links or external loads) for a sandboxed frame,
up to --copies captures and --copies-mb megabytes.`,
		Flags: []cli.Flag{
			&cli.Int64Flag{Name: "run", Usage: "the check `RUN` to report (default: the newest)", EnvVars: []string{"ARCHIVER_REPORT_RUN"}},
			&cli.StringFlag{Name: "out", Usage: "write report.html, findings.csv and findings.json into `DIR` (default: reports/check-ID beside the archive)", EnvVars: []string{"ARCHIVER_REPORT_OUT"}},
			&cli.StringSliceFlag{Name: "rules", Usage: "rule pack `DIR` whose rules the check used, for their titles and help (repeatable)", EnvVars: []string{"ARCHIVER_REPORT_RULES"}},
			&cli.StringSliceFlag{Name: "copy", Usage: "also embed the archived copy of `URL` from the checked crawl run (repeatable; these come first)", EnvVars: []string{"ARCHIVER_REPORT_COPY"}},
			&cli.IntFlag{Name: "copies", Value: 300, Usage: "embed at most `N` archived copies", EnvVars: []string{"ARCHIVER_REPORT_COPIES"}},
			&cli.IntFlag{Name: "copies-mb", Value: 40, Usage: "embed archived copies up to `MB` megabytes of stored bodies", EnvVars: []string{"ARCHIVER_REPORT_COPIES_MB"}},
			&cli.StringFlag{Name: "title", Usage: "name of the audited portal in the report (default: the first seed's host)", EnvVars: []string{"ARCHIVER_REPORT_TITLE"}},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return usageErrorf("report: unexpected arguments %v", c.Args().Slice())
			}
			if c.Int("copies") < 0 || c.Int("copies-mb") < 0 {
				return usageErrorf("report: --copies and --copies-mb must not be negative")
			}
			path, err := writeReport(c.Context, e, reportOptions{
				DB: c.String("db"), Run: c.Int64("run"), Out: c.String("out"), RuleDirs: c.StringSlice("rules"), CopyURLs: c.StringSlice("copy"),
				Copies: c.Int("copies"), CopyBytes: int64(c.Int("copies-mb")) << 20, Title: c.String("title"),
			})
			if err != nil {
				return err
			}
			fmt.Fprintln(e.stdout, path)
			return nil
		},
	}
}

// reportOptions say which report to write where.
type reportOptions struct {
	DB        string
	Run       int64 // check run; 0 = newest
	Out       string
	RuleDirs  []string
	CopyURLs  []string // pages whose copies are embedded first
	Copies    int
	CopyBytes int64
	Title     string
}

// writeReport gathers the audit from the archive and writes the report and
// its exports; it returns the report's path.
func writeReport(ctx context.Context, e *env, o reportOptions) (string, error) {
	store, ix, err := openTimeline(ctx, o.DB)
	if err != nil {
		return "", err
	}
	defer store.Close()
	a, err := gatherAudit(ctx, e, store, ix, o)
	if err != nil {
		return "", err
	}
	dir := o.Out
	if dir == "" {
		dir = filepath.Join(filepath.Dir(o.DB), "reports", fmt.Sprintf("check-%d", a.Result.Run.ID))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", withCode(exitError, fmt.Errorf("report: %w", err))
	}
	for _, x := range []struct {
		name  string
		write func(io.Writer, *report.Result) error
	}{{"findings.csv", report.CSV}, {"findings.json", report.JSON}} {
		exp, err := writeExport(filepath.Join(dir, x.name), func(w io.Writer) error { return x.write(w, a.Result) })
		if err != nil {
			return "", withCode(exitError, fmt.Errorf("report: %w", err))
		}
		a.Exports = append(a.Exports, exp)
	}
	path := filepath.Join(dir, "report.html")
	if _, err := writeExport(path, func(w io.Writer) error { return report.HTML(w, a) }); err != nil {
		return "", withCode(exitError, fmt.Errorf("report: %w", err))
	}
	return path, nil
}

// writeExport writes a file through a temporary name, so that a reader
// never sees half a file, and returns its name, size and SHA-256.
func writeExport(path string, write func(io.Writer) error) (report.Export, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return report.Export{}, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return report.Export{}, err
	}
	h := sha256.New()
	cw := &countWriter{w: io.MultiWriter(tmp, h)}
	if err := write(cw); err != nil {
		tmp.Close()
		return report.Export{}, fmt.Errorf("write %s: %w", filepath.Base(path), err)
	}
	if err := tmp.Close(); err != nil {
		return report.Export{}, err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return report.Export{}, err
	}
	return report.Export{Name: filepath.Base(path), SHA256: hex.EncodeToString(h.Sum(nil)), Bytes: cw.n}, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// gatherAudit reads everything the report shows from the archive.
func gatherAudit(ctx context.Context, e *env, store *sqlite.Store, ix *timeline.Indexer, o reportOptions) (*report.Audit, error) {
	var run sqlite.CheckRun
	var findings []archive.Finding
	var err error
	if o.Run == 0 {
		run, findings, err = store.LastCheckRun(ctx)
	} else {
		run, err = store.CheckRun(ctx, o.Run)
		if err == nil {
			findings, err = store.CheckRunFindings(ctx, o.Run)
		}
	}
	if errors.Is(err, archive.ErrNotFound) {
		if o.Run == 0 {
			return nil, withCode(exitError, errors.New("report: the archive has no check run; run `archiver check` first"))
		}
		return nil, withCode(exitError, fmt.Errorf("report: no check run %d in the archive", o.Run))
	}
	if err != nil {
		return nil, withCode(exitError, fmt.Errorf("report: %w", err))
	}
	crawl, err := store.Run(ctx, run.CrawlRunID)
	if err != nil {
		return nil, withCode(exitError, fmt.Errorf("report: crawl run %d of check run %d: %w", run.CrawlRunID, run.ID, err))
	}

	// Resolved: findings of the previous check run that this one lacks.
	if run.PreviousID != 0 {
		prev, err := store.CheckRunFindings(ctx, run.PreviousID)
		if err != nil {
			return nil, withCode(exitError, fmt.Errorf("report: %w", err))
		}
		now := make(map[string]bool, len(findings))
		for _, f := range findings {
			now[f.Fingerprint] = true
		}
		for _, f := range prev {
			if !now[f.Fingerprint] {
				f.State = archive.StateResolved
				f.Suppressed, f.WaiverNote = "", ""
				findings = append(findings, f)
			}
		}
	}
	check.SortFindings(findings)
	res := &report.Result{
		Run: report.CheckRun{
			ID: run.ID, CrawlRunID: run.CrawlRunID, PreviousID: run.PreviousID, Seeds: crawl.Seeds,
			StartedAt: run.StartedAt, FinishedAt: run.FinishedAt, CrawlStartedAt: crawl.StartedAt, CrawlFinishedAt: crawl.FinishedAt,
			Pages: run.Pages, RulesHash: run.RulesHash, Config: run.Config, FailOn: run.FailOn, Failed: run.Failed,
			ToolVersion: run.ToolVersion,
		},
		Findings: findings,
		Counts:   check.CountFindings(findings),
		Waivers:  waiverRegister(findings),
	}
	if res.Run.Failed {
		res.Run.FailReason = fmt.Sprintf("open findings at or above %s", run.FailOn)
	}
	rules, err := ruleCatalog(ctx, o.RuleDirs)
	if err != nil {
		fmt.Fprintf(e.stderr, "archiver report: rule titles and help unavailable: %v\n", err)
	}
	res.Rules = usedRules(rules, findings)

	a := &report.Audit{
		Result: res, Title: o.Title, Crawl: crawl, GeneratedAt: e.now().UTC(),
		Tool: report.Tool{Version: version, UserAgent: userAgentOf(crawl.Config)},
	}
	checkRuns, err := store.CheckRuns(ctx)
	if err != nil {
		return nil, withCode(exitError, fmt.Errorf("report: %w", err))
	}
	for _, r := range checkRuns {
		if r.ID <= run.ID {
			a.History = append(a.History, report.RunPoint{RunID: r.ID, At: r.FinishedAt, Errors: r.Errors, Warnings: r.Warnings, Notes: r.Notes})
		}
	}

	tl, err := timeline.BuildReport(ctx, timeline.Indexed(store, ix), ix, run.CrawlRunID, timeline.DefaultOptions(), timeline.ReportOptions{})
	if err != nil {
		// The findings are the report's core; say what is missing and go on.
		fmt.Fprintf(e.stderr, "archiver report: the archive's timeline is unavailable, the report omits changes, removals and coverage: %v\n", err)
	} else {
		addTimeline(a, tl)
	}
	if err := addCopies(ctx, store, a, o.CopyURLs, o.Copies, o.CopyBytes); err != nil {
		return nil, withCode(exitError, fmt.Errorf("report: %w", err))
	}
	return a, nil
}

// addTimeline maps the timeline's report data onto the audit.
func addTimeline(a *report.Audit, tl *timeline.Report) {
	version := func(v timeline.Version) report.Version {
		return report.Version{CaptureID: v.CaptureID, RunID: v.RunID, At: v.FetchedAt, SHA256: v.BodySHA256}
	}
	for _, c := range tl.Changes {
		ch := report.Change{URL: c.URL, Kind: string(c.Kind), Before: version(c.From), After: version(c.To), BodyBefore: c.BodyBefore, BodyAfter: c.BodyAfter}
		for _, f := range c.Fields {
			if f.Field == "body" {
				continue // shown as the text diff
			}
			ch.Fields = append(ch.Fields, report.FieldChange{Field: f.Field, Before: f.From, After: f.To})
		}
		a.Changes = append(a.Changes, ch)
	}
	for _, r := range tl.Removals {
		how := r.How
		if !r.Confirmed {
			how += " (pending: not yet gone for the configured persistence)"
		}
		a.Removals = append(a.Removals, report.Removal{
			URL: r.URL, Kind: how, Status: r.Latest.Status, Since: r.FirstGone.FetchedAt, Runs: r.Runs,
			LastGood: r.LastGood.FetchedAt, LastCaptureID: r.LastGood.CaptureID, Title: r.LastGood.Digest.Fields.Headline,
		})
	}
	for _, o := range tl.Orphans {
		a.Removals = append(a.Removals, report.Removal{
			URL: o.URL, Kind: "orphaned: still served, no longer linked from " + o.WasRefs.String(), Status: o.Latest.Status,
			Since: o.Latest.FetchedAt, LastGood: o.Latest.FetchedAt, LastCaptureID: o.Latest.CaptureID, Title: o.Latest.Digest.Fields.Headline,
		})
	}
	notes := map[string][]string{} // YYYY-MM-DD → day problems
	for _, p := range tl.DayProblems {
		notes[p.Day] = append(notes[p.Day], string(p.Kind)+": "+p.URL)
	}
	for _, s := range tl.Sections {
		sec := report.SectionCoverage{Section: s.Section, Cadence: string(s.Cadence)}
		if s.Learned && sec.Cadence != "" {
			sec.Cadence += " (learned)"
		}
		for _, d := range s.Days {
			day := report.CoverageDay{Date: d.Date, Articles: d.Count, Gap: d.Gap}
			for _, n := range notes[d.Date] {
				if strings.HasPrefix(n[strings.Index(n, ": ")+2:], s.Section) {
					day.Note = joinNote(day.Note, n)
				}
			}
			sec.Days = append(sec.Days, day)
		}
		a.Coverage = append(a.Coverage, sec)
	}
	for _, p := range tl.RunProblems {
		m := report.MissedRun{Expected: p.Due, Note: p.Detail}
		if p.Kind == timeline.RunIncomplete {
			m.RunID = p.Run.ID
		}
		a.MissedRuns = append(a.MissedRuns, m)
	}
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// addCopies embeds the stored bodies of the captures the report points at:
// the pages asked for by URL first (their newest capture in the checked
// crawl run), then those of open findings (most severe first, as the report
// lists them), the versions of changed pages and the last good copies of
// removed pages, up to max captures and maxBytes of bodies.
func addCopies(ctx context.Context, store *sqlite.Store, a *report.Audit, urls []string, max int, maxBytes int64) error {
	var ids []int64
	seen := map[int64]bool{}
	want := func(id int64) {
		if id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, u := range urls {
		c, err := store.FindCapture(ctx, u, a.Result.Run.CrawlRunID)
		if errors.Is(err, archive.ErrNotFound) {
			return usageErrorf("--copy %s: no capture of it in crawl run %d", u, a.Result.Run.CrawlRunID)
		}
		if err != nil {
			return err
		}
		want(c.ID)
	}
	for i := range a.Result.Findings {
		if f := &a.Result.Findings[i]; report.IsOpen(f) {
			want(f.CaptureID)
		}
	}
	for _, c := range a.Changes {
		want(c.Before.CaptureID)
		want(c.After.CaptureID)
	}
	for _, r := range a.Removals {
		want(r.LastCaptureID)
	}
	var total int64
	for _, id := range ids {
		if len(a.Copies) >= max {
			break
		}
		c, err := store.Capture(ctx, id, true)
		if errors.Is(err, archive.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if total+int64(len(c.Body)) > maxBytes {
			continue
		}
		total += int64(len(c.Body))
		a.Copies = append(a.Copies, report.Copy{
			CaptureID: c.ID, URL: c.URL, FinalURL: c.FinalURL, Status: c.Status, FetchedAt: c.FetchedAt,
			SHA256: c.BodySHA256, ContentType: c.ContentType(), Truncated: c.Truncated, Body: c.Body,
		})
	}
	return nil
}

// waiverRegister rebuilds the register of waivers from the notes the check
// run left on the findings they matched (the register itself is not kept
// in the archive): one entry per waiver, with how many findings it waived,
// and the expired ones that no longer waive anything.
func waiverRegister(findings []archive.Finding) []report.Waiver {
	byNote := map[string]*report.Waiver{}
	var order []string
	for _, f := range findings {
		if f.WaiverNote == "" || f.State == archive.StateResolved {
			continue
		}
		w := byNote[f.WaiverNote]
		if w == nil {
			w = parseWaiverNote(f.WaiverNote)
			byNote[f.WaiverNote] = w
			order = append(order, f.WaiverNote)
		}
		w.Matches++
		if w.RuleID == "" {
			w.RuleID = f.RuleID
		} else if w.RuleID != f.RuleID {
			w.RuleID = "several rules"
		}
	}
	sort.Strings(order)
	out := make([]report.Waiver, 0, len(order))
	for _, n := range order {
		out = append(out, *byNote[n])
	}
	return out
}

// parseWaiverNote reads the note check writes on a waived finding ("waived
// by OWNER: REASON (expires DATE)") or on one whose waiver expired ("waiver
// expired DATE (owner OWNER: REASON)"); another text becomes the reason.
func parseWaiverNote(note string) *report.Waiver {
	w := &report.Waiver{Reason: note}
	expiry := func(s string) time.Time {
		if t, err := time.Parse("2006-01-02", s); err == nil {
			return t.AddDate(0, 0, 1) // a date holds through that day
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t.UTC()
		}
		return time.Time{}
	}
	if rest, ok := strings.CutPrefix(note, "waived by "); ok {
		owner, reason, found := strings.Cut(rest, ": ")
		if !found {
			return w
		}
		w.Owner, w.Reason = owner, reason
		if i := strings.LastIndex(reason, " (expires "); i >= 0 && strings.HasSuffix(reason, ")") {
			w.Reason = reason[:i]
			w.Expires = expiry(strings.TrimSuffix(reason[i+len(" (expires "):], ")"))
		}
		return w
	}
	if rest, ok := strings.CutPrefix(note, "waiver expired "); ok {
		date, tail, found := strings.Cut(rest, " (owner ")
		if !found || !strings.HasSuffix(tail, ")") {
			return w
		}
		owner, reason, _ := strings.Cut(strings.TrimSuffix(tail, ")"), ": ")
		w.Owner, w.Reason, w.Expired, w.Expires = owner, reason, true, expiry(date)
	}
	return w
}

// userAgentOf reads the User-Agent from a crawl run's configuration (JSON),
// "" if it names none.
func userAgentOf(config string) string {
	var m map[string]any
	if json.Unmarshal([]byte(config), &m) != nil {
		return ""
	}
	for _, k := range []string{"user_agent", "UserAgent", "user-agent"} {
		if s, ok := m[k].(string); ok {
			return s
		}
	}
	return ""
}

// usedRules returns the descriptions of the rules the findings name, from
// the catalog; a rule the catalog lacks is described by its id only.
func usedRules(catalog map[string]report.Rule, findings []archive.Finding) []report.Rule {
	ids := map[string]archive.Severity{}
	for _, f := range findings {
		if _, ok := ids[f.RuleID]; !ok {
			ids[f.RuleID] = f.Severity
		}
	}
	for id := range catalog {
		if _, ok := ids[id]; !ok {
			ids[id] = catalog[id].Severity
		}
	}
	out := make([]report.Rule, 0, len(ids))
	for id, sev := range ids {
		r, ok := catalog[id]
		if !ok {
			pack, _, _ := strings.Cut(id, "/")
			r = report.Rule{ID: id, Pack: pack, Title: id, Severity: sev}
		}
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// ruleCatalog loads the default rule packs and the packs in dirs, as
// check does, for the titles, help texts and links of the rules the
// findings name. Only the rules' descriptions are used: nothing runs.
func ruleCatalog(ctx context.Context, dirs []string) (map[string]report.Rule, error) {
	_, set, err := loadCheckRules(ctx, nil, dirs, false, nil, nil, links.Options{})
	if err != nil {
		return nil, err
	}
	out := map[string]report.Rule{}
	for _, r := range set.Rules() {
		out[r.ID] = report.Rule{ID: r.ID, Pack: r.Pack, Title: r.Title, Severity: r.Severity, Tags: r.Tags,
			Kind: r.Kind, Help: r.Help, Fix: r.Fix, HelpURL: r.HelpURL}
	}
	return out, nil
}
