// Package report writes the results of a check run: for people (text, the
// HTML audit report) and for machines and CI systems (JSON, CSV, SARIF
// 2.1.0, JUnit XML, GitHub workflow commands and job summary, GitLab Code
// Quality). Every writer renders the same [Result].
package report

import (
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Result is one check run: what was checked, with which rules, and what was
// found. It is what `archiver check` computes and every writer renders.
// Findings are sorted: open findings first by severity (errors first), then
// by rule id, URL and evidence key; then suppressed findings; then resolved
// ones, in the same order.
type Result struct {
	// Run describes the check run.
	Run CheckRun `json:"run"`
	// Rules lists the rules that were evaluated, sorted by id.
	Rules []Rule `json:"rules"`
	// Findings lists every finding of the run, and the findings of the
	// previous check run that are gone (State resolved).
	Findings []archive.Finding `json:"findings"`
	// Waivers is the register of waivers that were loaded, expired ones
	// included, with how many findings each suppressed in this run.
	Waivers []Waiver `json:"waivers,omitempty"`
	// Counts summarises Findings.
	Counts Counts `json:"counts"`
}

// CheckRun describes one check run.
type CheckRun struct {
	// ID is the check run's id in the archive (0 if it was not stored).
	ID int64 `json:"id"`
	// CrawlRunID is the crawl run whose captures were checked.
	CrawlRunID int64 `json:"crawl_run_id"`
	// PreviousID is the check run the states new/persisting/resolved are
	// relative to (0: none, every finding is new).
	PreviousID int64 `json:"previous_id,omitempty"`
	// Seeds are the crawl run's seeds.
	Seeds []string `json:"seeds"`
	// StartedAt and FinishedAt bound the check run (UTC, from the injected
	// clock). CrawlStartedAt and CrawlFinishedAt bound the crawl it checked.
	StartedAt       time.Time `json:"started_at"`
	FinishedAt      time.Time `json:"finished_at"`
	CrawlStartedAt  time.Time `json:"crawl_started_at,omitzero"`
	CrawlFinishedAt time.Time `json:"crawl_finished_at,omitzero"`
	// Pages is how many pages the page rules looked at.
	Pages int `json:"pages"`
	// RulesHash is the SHA-256 of the effective rules (files and
	// overrides), so that two runs can say whether they used the same rules.
	RulesHash string `json:"rules_hash"`
	// Config is the effective check configuration as YAML text (fail-on,
	// baseline, waivers, overrides), for the reproducibility footer.
	Config string `json:"config,omitempty"`
	// FailOn is the severity at or above which open findings fail the run
	// ("error", "warning", "note" or "never").
	FailOn string `json:"fail_on"`
	// Failed says whether the run fails the build (exit code 1), and
	// FailReason why.
	Failed     bool   `json:"failed"`
	FailReason string `json:"fail_reason,omitempty"`
	// ToolVersion is the archiver version that ran the check.
	ToolVersion string `json:"tool_version,omitempty"`
}

// Rule describes one rule used in a check run, for help texts and links.
type Rule struct {
	ID       string           `json:"id"`
	Pack     string           `json:"pack"`
	Title    string           `json:"title"`
	Severity archive.Severity `json:"severity"`
	Tags     []string         `json:"tags,omitempty"`
	Kind     string           `json:"kind"`
	// Help is the rationale; Fix says how to fix a finding.
	Help    string `json:"help,omitempty"`
	Fix     string `json:"fix,omitempty"`
	HelpURL string `json:"help_url,omitempty"`
}

// Counts summarises the findings of a check run. Open findings are those
// neither suppressed nor resolved.
type Counts struct {
	Open       int `json:"open"`
	Errors     int `json:"errors"`   // open findings of severity error
	Warnings   int `json:"warnings"` // open warnings
	Notes      int `json:"notes"`    // open notes
	New        int `json:"new"`      // open or suppressed findings absent from the previous run
	Persisting int `json:"persisting"`
	Resolved   int `json:"resolved"`  // findings of the previous run that are gone
	Waived     int `json:"waived"`    // suppressed by a waiver
	Baselined  int `json:"baselined"` // suppressed by the baseline
	// ByRule counts the open findings of each rule that has any.
	ByRule map[string]int `json:"by_rule,omitempty"`
}

// Suppression reasons, the values of archive.Finding.Suppressed.
const (
	SuppressedBaseline = "baseline"
	SuppressedWaiver   = "waiver"
)

// IsOpen reports whether a finding counts: neither suppressed nor resolved.
func IsOpen(f *archive.Finding) bool {
	return f.Suppressed == "" && f.State != archive.StateResolved
}

// Rule returns the rule with the given id, or nil.
func (r *Result) Rule(id string) *Rule {
	for i := range r.Rules {
		if r.Rules[i].ID == id {
			return &r.Rules[i]
		}
	}
	return nil
}
