package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Format names an output format of `archiver check`.
type Format string

// The formats a check result can be written in.
const (
	FormatText   Format = "text"
	FormatJSON   Format = "json"
	FormatCSV    Format = "csv"
	FormatSARIF  Format = "sarif"
	FormatJUnit  Format = "junit"
	FormatGitHub Format = "github"
	FormatGitLab Format = "gitlab"
)

// Formats lists the formats in the order help texts show them.
func Formats() []Format {
	return []Format{FormatText, FormatJSON, FormatCSV, FormatSARIF, FormatJUnit, FormatGitHub, FormatGitLab}
}

// ParseFormat checks that s names a format.
func ParseFormat(s string) (Format, error) {
	f := Format(strings.ToLower(strings.TrimSpace(s)))
	for _, k := range Formats() {
		if f == k {
			return f, nil
		}
	}
	names := make([]string, 0, 7)
	for _, k := range Formats() {
		names = append(names, string(k))
	}
	return "", fmt.Errorf("unknown format %q (want %s)", s, strings.Join(names, ", "))
}

// TextOptions tune the text format.
type TextOptions struct {
	// Color adds ANSI colours; set it only when writing to a terminal.
	Color bool
	// Resolved also lists the resolved findings, not only their count.
	Resolved bool
	// Summary prints only the open findings per rule and the totals.
	Summary bool
}

// ANSI colours of the text format.
const (
	ansiReset  = "\x1b[0m"
	ansiBold   = "\x1b[1m"
	ansiDim    = "\x1b[2m"
	ansiRed    = "\x1b[31m"
	ansiYellow = "\x1b[33m"
	ansiBlue   = "\x1b[34m"
	ansiGreen  = "\x1b[32m"
)

// Text writes the result for people: findings grouped by rule (errors
// first), each with its URL, state, evidence and capture, then a summary.
func Text(w io.Writer, r *Result, opts TextOptions) error {
	bw := bufio.NewWriter(w)
	paint := func(code, s string) string {
		if !opts.Color {
			return s
		}
		return code + s + ansiReset
	}
	sevColor := map[archive.Severity]string{
		archive.SeverityError: ansiRed, archive.SeverityWarning: ansiYellow, archive.SeverityNote: ansiBlue,
	}
	fmt.Fprintf(bw, "%s crawl run %d (%s), %d pages, %d rules, rules %s\n",
		paint(ansiBold, "archiver check:"), r.Run.CrawlRunID, strings.Join(r.Run.Seeds, " "), r.Run.Pages, len(r.Rules), short(r.Run.RulesHash))

	list := func(title string, keep func(*archive.Finding) bool) {
		var prev string
		n := 0
		for i := range r.Findings {
			f := &r.Findings[i]
			if !keep(f) {
				continue
			}
			if n == 0 && title != "" {
				fmt.Fprintf(bw, "\n%s\n", paint(ansiBold, title))
			}
			n++
			if f.RuleID != prev {
				prev = f.RuleID
				ruleTitle := ""
				if rule := r.Rule(f.RuleID); rule != nil {
					ruleTitle = rule.Title
				}
				count := 0
				for j := i; j < len(r.Findings) && r.Findings[j].RuleID == f.RuleID && keep(&r.Findings[j]); j++ {
					count++
				}
				fmt.Fprintf(bw, "\n%s %s  %s (%d)\n", paint(sevColor[f.Severity], fmt.Sprintf("%-7s", f.Severity)), paint(ansiBold, f.RuleID), ruleTitle, count)
			}
			state := string(f.State)
			if f.Suppressed != "" {
				state += ", " + f.Suppressed
			}
			fmt.Fprintf(bw, "  %s  [%s]\n", f.URL, state)
			fmt.Fprintf(bw, "      %s\n", oneLine(f.Message))
			if f.Evidence != "" {
				fmt.Fprintf(bw, "      evidence: %s\n", oneLine(f.Evidence))
			}
			if len(f.Occurrences) > 0 {
				fmt.Fprintf(bw, "      also: %s\n", occurrenceList(f.Occurrences, 3))
			}
			if f.WaiverNote != "" {
				fmt.Fprintf(bw, "      %s\n", oneLine(f.WaiverNote))
			}
			fmt.Fprintf(bw, "      %s\n", paint(ansiDim, provenance(f)))
		}
	}
	if opts.Summary {
		for _, rule := range r.Rules {
			if n := r.Counts.ByRule[rule.ID]; n > 0 {
				fmt.Fprintf(bw, "  %s %-45s %5d  %s\n", paint(sevColor[rule.Severity], fmt.Sprintf("%-7s", rule.Severity)), rule.ID, n, rule.Title)
			}
		}
	} else {
		list("", func(f *archive.Finding) bool { return IsOpen(f) })
		list("Suppressed (waived or baselined):", func(f *archive.Finding) bool {
			return f.Suppressed != "" && f.State != archive.StateResolved
		})
	}
	if opts.Resolved && !opts.Summary {
		list("Resolved since the previous check run:", func(f *archive.Finding) bool { return f.State == archive.StateResolved })
	}
	for _, wv := range r.Waivers {
		if wv.Expired && wv.Matches > 0 {
			fmt.Fprintf(bw, "\n%s waiver %s (owner %s) expired %s; its %d finding(s) count again\n",
				paint(ansiYellow, "note:"), waiverName(wv), wv.Owner, wv.Expires.Format(time.DateOnly), wv.Matches)
		}
	}
	c := r.Counts
	fmt.Fprintf(bw, "\n%d error(s), %d warning(s), %d note(s) open; %d new, %d persisting, %d resolved since check run %d; %d waived, %d baselined\n",
		c.Errors, c.Warnings, c.Notes, c.New, c.Persisting, c.Resolved, r.Run.PreviousID, c.Waived, c.Baselined)
	if r.Run.Failed {
		fmt.Fprintf(bw, "%s %s (--fail-on %s)\n", paint(ansiRed+ansiBold, "FAILED:"), r.Run.FailReason, r.Run.FailOn)
	} else {
		fmt.Fprintf(bw, "%s nothing at or above --fail-on %s\n", paint(ansiGreen+ansiBold, "PASSED:"), r.Run.FailOn)
	}
	return bw.Flush()
}

// provenance is the evidence line of a finding: capture, time, SHA-256.
func provenance(f *archive.Finding) string {
	var parts []string
	if f.CaptureID != 0 {
		parts = append(parts, fmt.Sprintf("capture %d", f.CaptureID))
	}
	if !f.CapturedAt.IsZero() {
		parts = append(parts, "at "+f.CapturedAt.UTC().Format(time.RFC3339))
	}
	if f.Status != 0 {
		parts = append(parts, fmt.Sprintf("status %d", f.Status))
	}
	if f.BodySHA256 != "" {
		parts = append(parts, "sha256 "+f.BodySHA256)
	}
	parts = append(parts, "fingerprint "+f.Fingerprint)
	return strings.Join(parts, ", ")
}

func occurrenceList(occ []archive.Occurrence, n int) string {
	var urls []string
	for i, o := range occ {
		if i == n {
			urls = append(urls, fmt.Sprintf("and %d more", len(occ)-n))
			break
		}
		urls = append(urls, o.URL)
	}
	return strings.Join(urls, ", ")
}

func waiverName(w Waiver) string {
	if w.Fingerprint != "" {
		return w.Fingerprint
	}
	if w.URL != "" {
		return w.RuleID + " on " + w.URL
	}
	return w.RuleID
}

// oneLine folds newlines and control characters so that a finding's text
// cannot forge lines of the report or terminal escapes.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return -1
		}
		return r
	}, s)
}

// short returns the first 12 characters of a hash.
func short(h string) string {
	if len(h) > 12 {
		return h[:12]
	}
	return h
}
