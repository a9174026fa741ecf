package check

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/report"
)

// FailOn is the severity at or above which open findings fail a check run.
type FailOn string

// The thresholds --fail-on accepts.
const (
	FailOnError   FailOn = "error"
	FailOnWarning FailOn = "warning"
	FailOnNote    FailOn = "note"
	FailOnNever   FailOn = "never"
)

// ParseFailOn checks that s names a threshold.
func ParseFailOn(s string) (FailOn, error) {
	switch f := FailOn(strings.ToLower(strings.TrimSpace(s))); f {
	case FailOnError, FailOnWarning, FailOnNote, FailOnNever:
		return f, nil
	}
	return "", fmt.Errorf("unknown --fail-on %q (want error, warning, note or never)", s)
}

// rank returns the lowest severity rank that fails, or 0 for never.
func (f FailOn) rank() int {
	if f == FailOnNever {
		return 0
	}
	return archive.Severity(f).Rank()
}

// History stores check runs and their findings, so that a run can say what
// is new, persisting and resolved since the previous one.
type History interface {
	// LastCheckRun returns the newest stored check run and its findings
	// (suppressed ones included, resolved ones not), or archive.ErrNotFound.
	LastCheckRun(ctx context.Context) (report.CheckRun, []archive.Finding, error)
	// SaveCheckRun stores a check run and its findings (resolved ones are
	// not stored) and returns the run's id.
	SaveCheckRun(ctx context.Context, run report.CheckRun, findings []archive.Finding) (int64, error)
}

// Request is one check run to do.
type Request struct {
	// Archive is read for runs, captures and pages.
	Archive Archive
	// RunID is the crawl run to check; 0 means the newest.
	RunID int64
	// Rules are the rules to run.
	Rules *RuleSet
	// History, when set, gives the previous check run and stores this one.
	History History
	// Baseline, when set, suppresses the findings it lists. With
	// UpdateBaseline, it is first replaced by this run's findings (waived
	// ones excepted); the caller writes it out.
	Baseline       *Baseline
	UpdateBaseline bool
	// Waivers, when set, suppresses the findings they match until they
	// expire.
	Waivers *Waivers
	// FailOn is the failing threshold (default error).
	FailOn FailOn
	// MaxFindings, when not nil, also fails the run when more open
	// findings than this are reported, whatever their severity.
	MaxFindings *int
	// ToolVersion and Config are recorded in the result.
	ToolVersion string
	Config      string
}

// Check runs the rules over a crawl run and returns the result: findings
// with their states against the previous check run, suppressions, counts
// and whether the run fails. The check run is stored when req.History is
// set.
func (e *Engine) Check(ctx context.Context, req Request) (*report.Result, error) {
	if req.Archive == nil || req.Rules == nil {
		return nil, errors.New("check: archive and rules are required")
	}
	if req.FailOn == "" {
		req.FailOn = FailOnError
	}
	started := e.Now()
	run, err := pickRun(ctx, req.Archive, req.RunID)
	if err != nil {
		return nil, err
	}
	res := &report.Result{
		Run: report.CheckRun{
			CrawlRunID: run.ID, Seeds: run.Seeds, StartedAt: started,
			CrawlStartedAt: run.StartedAt.UTC(), CrawlFinishedAt: run.FinishedAt.UTC(),
			RulesHash: req.Rules.Hash(), Config: req.Config, FailOn: string(req.FailOn),
			ToolVersion: req.ToolVersion,
		},
	}
	for _, r := range req.Rules.Rules() {
		res.Rules = append(res.Rules, report.Rule{
			ID: r.ID, Pack: r.Pack, Title: r.Title, Severity: r.Severity, Tags: r.Tags,
			Kind: r.Kind, Help: r.Help, Fix: r.Fix, HelpURL: r.HelpURL,
		})
	}
	seen := map[string]bool{}
	var findings []archive.Finding
	st, err := e.Evaluate(ctx, req.Archive, run, req.Rules, started, func(f archive.Finding) {
		if seen[f.Fingerprint] {
			return
		}
		seen[f.Fingerprint] = true
		findings = append(findings, f)
	})
	if err != nil {
		return nil, err
	}
	res.Run.Pages = st.Pages

	// Waivers first: a waived finding is never baselined, so that it fails
	// again when its waiver expires.
	if req.Waivers != nil {
		res.Waivers = req.Waivers.apply(findings, started)
	}
	if req.UpdateBaseline && req.Baseline != nil {
		req.Baseline.Replace(findings)
	}
	if req.Baseline != nil {
		for i := range findings {
			if findings[i].Suppressed == "" && req.Baseline.Has(findings[i].Fingerprint) {
				findings[i].Suppressed = report.SuppressedBaseline
			}
		}
	}

	// States against the previous check run.
	var resolved []archive.Finding
	if req.History != nil {
		prevRun, prev, err := req.History.LastCheckRun(ctx)
		switch {
		case errors.Is(err, archive.ErrNotFound):
			for i := range findings {
				findings[i].State = archive.StateNew
			}
		case err != nil:
			return nil, fmt.Errorf("read previous check run: %w", err)
		default:
			res.Run.PreviousID = prevRun.ID
			before := make(map[string]bool, len(prev))
			for _, f := range prev {
				before[f.Fingerprint] = true
			}
			for i := range findings {
				if before[findings[i].Fingerprint] {
					findings[i].State = archive.StatePersisting
				} else {
					findings[i].State = archive.StateNew
				}
			}
			for _, f := range prev {
				if !seen[f.Fingerprint] && req.Rules.Rule(f.RuleID) != nil {
					f.State = archive.StateResolved
					f.Suppressed, f.WaiverNote = "", ""
					resolved = append(resolved, f)
				}
			}
		}
	} else {
		for i := range findings {
			findings[i].State = archive.StateNew
		}
	}

	res.Findings = append(findings, resolved...)
	SortFindings(res.Findings)
	res.Counts = CountFindings(res.Findings)
	res.Run.Failed, res.Run.FailReason = failed(res.Counts, res.Findings, req.FailOn, req.MaxFindings)
	res.Run.FinishedAt = e.Now()
	if req.History != nil {
		id, err := req.History.SaveCheckRun(ctx, res.Run, findings)
		if err != nil {
			return nil, fmt.Errorf("store check run: %w", err)
		}
		res.Run.ID = id
	}
	return res, nil
}

// pickRun returns the crawl run with the id, or the newest for id 0.
func pickRun(ctx context.Context, a Archive, id int64) (archive.Run, error) {
	if id != 0 {
		r, err := a.Run(ctx, id)
		if err != nil {
			return archive.Run{}, fmt.Errorf("crawl run %d: %w", id, err)
		}
		return r, nil
	}
	runs, err := a.Runs(ctx)
	if err != nil {
		return archive.Run{}, fmt.Errorf("list crawl runs: %w", err)
	}
	if len(runs) == 0 {
		return archive.Run{}, fmt.Errorf("the archive has no crawl run: %w", archive.ErrNotFound)
	}
	best := runs[0]
	for _, r := range runs[1:] {
		if r.StartedAt.After(best.StartedAt) || r.StartedAt.Equal(best.StartedAt) && r.ID > best.ID {
			best = r
		}
	}
	return best, nil
}

// SortFindings puts findings in report order: open findings first, then
// suppressed, then resolved; within each, errors before warnings before
// notes, then by rule id, URL and evidence key.
func SortFindings(fs []archive.Finding) {
	group := func(f *archive.Finding) int {
		switch {
		case f.State == archive.StateResolved:
			return 2
		case f.Suppressed != "":
			return 1
		}
		return 0
	}
	slices.SortStableFunc(fs, func(a, b archive.Finding) int {
		return cmp.Or(
			cmp.Compare(group(&a), group(&b)),
			cmp.Compare(b.Severity.Rank(), a.Severity.Rank()),
			strings.Compare(a.RuleID, b.RuleID),
			strings.Compare(a.URL, b.URL),
			strings.Compare(a.EvidenceKey, b.EvidenceKey),
			strings.Compare(a.Fingerprint, b.Fingerprint),
		)
	})
}

// CountFindings summarises findings.
func CountFindings(fs []archive.Finding) report.Counts {
	var c report.Counts
	for i := range fs {
		f := &fs[i]
		switch {
		case f.State == archive.StateResolved:
			c.Resolved++
			continue
		case f.State == archive.StatePersisting:
			c.Persisting++
		default:
			c.New++
		}
		switch f.Suppressed {
		case report.SuppressedWaiver:
			c.Waived++
			continue
		case report.SuppressedBaseline:
			c.Baselined++
			continue
		}
		c.Open++
		switch f.Severity {
		case archive.SeverityError:
			c.Errors++
		case archive.SeverityWarning:
			c.Warnings++
		case archive.SeverityNote:
			c.Notes++
		}
		if c.ByRule == nil {
			c.ByRule = map[string]int{}
		}
		c.ByRule[f.RuleID]++
	}
	return c
}

// failed decides whether a run fails the build, and says why.
func failed(c report.Counts, fs []archive.Finding, on FailOn, maxFindings *int) (bool, string) {
	if r := on.rank(); r > 0 {
		n := 0
		for i := range fs {
			if report.IsOpen(&fs[i]) && fs[i].Severity.Rank() >= r {
				n++
			}
		}
		if n > 0 {
			return true, fmt.Sprintf("%d open finding(s) at or above %s", n, on)
		}
	}
	if maxFindings != nil && c.Open > *maxFindings {
		return true, fmt.Sprintf("%d open finding(s), more than --max-findings %d", c.Open, *maxFindings)
	}
	return false, ""
}
