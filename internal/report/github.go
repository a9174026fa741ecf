package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
)

// GitHub's per-step annotation limits: 10 error and 10 warning annotations
// per step (and 50 per job); more are dropped silently.
const (
	githubMaxErrors   = 10
	githubMaxWarnings = 10
	githubMaxNotices  = 9 // one more notice is kept for the "more findings" line
	// githubSummaryRows bounds the job summary table (GitHub allows 1 MiB
	// per step summary).
	githubSummaryRows = 1000
)

// GitHub writes the result as GitHub Actions workflow commands to w — at
// most 10 ::error, 10 ::warning and 10 ::notice annotations (new findings
// first), so that none is dropped by GitHub's per-step limits — and, when
// summary is not nil (the file named by $GITHUB_STEP_SUMMARY, opened for
// appending), a Markdown job summary with the counts and the table of all
// open findings.
func GitHub(w io.Writer, summary io.Writer, r *Result) error {
	bw := bufio.NewWriter(w)
	var open []*archive.Finding
	for i := range r.Findings {
		if IsOpen(&r.Findings[i]) {
			open = append(open, &r.Findings[i])
		}
	}
	// New findings first; the order within each state is the result's.
	ordered := make([]*archive.Finding, 0, len(open))
	for _, f := range open {
		if f.State != archive.StatePersisting {
			ordered = append(ordered, f)
		}
	}
	for _, f := range open {
		if f.State == archive.StatePersisting {
			ordered = append(ordered, f)
		}
	}
	counts := map[archive.Severity]int{}
	limits := map[archive.Severity]int{
		archive.SeverityError: githubMaxErrors, archive.SeverityWarning: githubMaxWarnings, archive.SeverityNote: githubMaxNotices,
	}
	command := map[archive.Severity]string{
		archive.SeverityError: "error", archive.SeverityWarning: "warning", archive.SeverityNote: "notice",
	}
	shown := 0
	for _, f := range ordered {
		if counts[f.Severity] >= limits[f.Severity] {
			continue
		}
		counts[f.Severity]++
		shown++
		title := f.RuleID
		if rule := r.Rule(f.RuleID); rule != nil {
			title += ": " + rule.Title
		}
		msg := fmt.Sprintf("%s\n%s [%s]", f.URL, f.Message, f.State)
		if f.Evidence != "" {
			msg += "\nevidence: " + f.Evidence
		}
		msg += "\n" + provenance(f)
		fmt.Fprintf(bw, "::%s title=%s::%s\n", command[f.Severity], githubProperty(title), githubData(msg))
	}
	if rest := len(open) - shown; rest > 0 {
		fmt.Fprintf(bw, "::notice title=%s::%s\n", githubProperty("archiver check"),
			githubData(fmt.Sprintf("%d more open finding(s) are not annotated (GitHub shows at most 10 errors and 10 warnings per step); see the job summary", rest)))
	}
	fmt.Fprintf(bw, "archiver check: %d error(s), %d warning(s), %d note(s) open; %d new, %d persisting, %d resolved; %d waived, %d baselined\n",
		r.Counts.Errors, r.Counts.Warnings, r.Counts.Notes, r.Counts.New, r.Counts.Persisting, r.Counts.Resolved, r.Counts.Waived, r.Counts.Baselined)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write github annotations: %w", err)
	}
	if summary != nil {
		if err := githubSummary(summary, r, open); err != nil {
			return err
		}
	}
	return nil
}

// githubSummary writes the Markdown job summary.
func githubSummary(w io.Writer, r *Result, open []*archive.Finding) error {
	bw := bufio.NewWriter(w)
	status := "passed"
	if r.Run.Failed {
		status = "failed: " + r.Run.FailReason
	}
	fmt.Fprintf(bw, "## archiver check: %s\n\n", mdCell(status))
	fmt.Fprintf(bw, "Crawl run %d of %s, %d pages, %d rules (rules sha256 `%s`), --fail-on %s.\n\n",
		r.Run.CrawlRunID, mdCell(strings.Join(r.Run.Seeds, ", ")), r.Run.Pages, len(r.Rules), short(r.Run.RulesHash), r.Run.FailOn)
	c := r.Counts
	fmt.Fprintf(bw, "| errors | warnings | notes | new | persisting | resolved | waived | baselined |\n|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(bw, "| %d | %d | %d | %d | %d | %d | %d | %d |\n\n", c.Errors, c.Warnings, c.Notes, c.New, c.Persisting, c.Resolved, c.Waived, c.Baselined)
	if len(open) > 0 {
		fmt.Fprintf(bw, "| severity | rule | page | finding | state | capture |\n|---|---|---|---|---|---|\n")
		for i, f := range open {
			if i == githubSummaryRows {
				fmt.Fprintf(bw, "\n… and %d more open finding(s); download the JSON, CSV or SARIF output for all of them.\n", len(open)-i)
				break
			}
			fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n", f.Severity, mdCell(f.RuleID), mdCell(f.URL),
				mdCell(f.Message), f.State, mdCell(fmt.Sprintf("%d, %s", f.CaptureID, short(f.BodySHA256))))
		}
		fmt.Fprintln(bw)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write github step summary: %w", err)
	}
	return nil
}

// githubData escapes the message of a workflow command.
func githubData(s string) string {
	s = strings.ReplaceAll(s, "%", "%25")
	s = strings.ReplaceAll(s, "\r", "%0D")
	return strings.ReplaceAll(s, "\n", "%0A")
}

// githubProperty escapes a property value of a workflow command.
func githubProperty(s string) string {
	s = githubData(s)
	s = strings.ReplaceAll(s, ":", "%3A")
	return strings.ReplaceAll(s, ",", "%2C")
}

// mdCell makes text safe inside a Markdown table cell: no pipes, no line
// breaks, no HTML.
func mdCell(s string) string {
	r := strings.NewReplacer("|", "\\|", "\n", " ", "\r", " ", "<", "&lt;", ">", "&gt;", "&", "&amp;", "`", "'")
	return r.Replace(oneLine(s))
}
