package report

import (
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Audit is everything the HTML report shows: the check result, and what the
// archive and the timeline know about the run around it. Every field but
// Result may be empty; the report then says that the data is missing rather
// than leaving a blank. The command that writes the report gathers it from
// the store and the timeline; the report itself reads no database.
type Audit struct {
	// Result is the check run the report is about: its rules, findings,
	// counts, waivers register, rules hash and configuration.
	Result *Result
	// Title names the audited portal; empty means the first seed's host.
	Title string
	// Crawl is the crawl run the check looked at: seeds, window and counts.
	Crawl archive.Run
	// History lists earlier check runs and this one, oldest first, for the
	// trend chart.
	History []RunPoint
	// Coverage holds, per section, the articles published on each day and
	// the days that are gaps in the section's cadence.
	Coverage []SectionCoverage
	// MissedRuns are scheduled runs of ours that did not happen or ended
	// incomplete.
	MissedRuns []MissedRun
	// Removals are pages that vanished: 404/410, soft 404s, redirects home,
	// or dropped from every listing while still served.
	Removals []Removal
	// Changes are pages whose content changed between two captures.
	Changes []Change
	// Copies are archived bodies the report embeds for viewing, rendered
	// inert; findings and changes link to them by capture id. Captures
	// without a copy here are named with their id and SHA-256 only.
	Copies []Copy
	// Exports names files written beside the report (findings.csv, …).
	Exports []Export
	// Tool says what produced the report, for the reproducibility footer.
	Tool Tool
	// GeneratedAt is when the report was written (UTC).
	GeneratedAt time.Time
}

// RunPoint is one check run on the trend chart.
type RunPoint struct {
	RunID    int64     `json:"run_id"`
	At       time.Time `json:"at"`
	Errors   int       `json:"errors"`
	Warnings int       `json:"warnings"`
	Notes    int       `json:"notes"`
}

// SectionCoverage is one section of the portal over time.
type SectionCoverage struct {
	Section string        `json:"section"`
	Cadence string        `json:"cadence,omitempty"` // daily, weekdays, … as learned or configured
	Days    []CoverageDay `json:"days"`              // consecutive days, oldest first
}

// CoverageDay is one day of a section.
type CoverageDay struct {
	Date     string `json:"date"` // YYYY-MM-DD
	Articles int    `json:"articles"`
	Gap      bool   `json:"gap,omitempty"`  // a publishing day without an article
	Note     string `json:"note,omitempty"` // e.g. "day archive answers 404"
}

// MissedRun is a scheduled run of ours that did not happen or did not end.
type MissedRun struct {
	Expected time.Time `json:"expected"`
	RunID    int64     `json:"run_id,omitempty"` // the incomplete run, 0 if none started
	Note     string    `json:"note"`
}

// Removal is a page that vanished from the portal.
type Removal struct {
	URL           string    `json:"url"`
	Kind          string    `json:"kind"` // gone, soft-404, redirect-home, orphaned
	Status        int       `json:"status,omitempty"`
	Since         time.Time `json:"since"`
	Runs          int       `json:"runs,omitempty"` // consecutive runs it has been missing
	LastGood      time.Time `json:"last_good,omitzero"`
	LastCaptureID int64     `json:"last_capture_id,omitempty"` // the last good capture
	Title         string    `json:"title,omitempty"`
}

// Change is one page whose content changed between two captures.
type Change struct {
	URL        string        `json:"url"`
	Kind       string        `json:"kind"` // silent-edit, correction, update, …
	Before     Version       `json:"before"`
	After      Version       `json:"after"`
	Fields     []FieldChange `json:"fields,omitempty"`
	BodyBefore string        `json:"-"`
	BodyAfter  string        `json:"-"`
}

// Version names one capture of a changed page.
type Version struct {
	CaptureID int64     `json:"capture_id"`
	RunID     int64     `json:"run_id"`
	At        time.Time `json:"at"`
	SHA256    string    `json:"sha256"`
}

// FieldChange is one extracted field that differs between two versions.
type FieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// Waiver is one entry of the waivers register of a check run.
type Waiver struct {
	Fingerprint string    `json:"fingerprint,omitempty"`
	RuleID      string    `json:"rule_id,omitempty"`
	URL         string    `json:"url,omitempty"` // a URL glob
	Owner       string    `json:"owner"`
	Reason      string    `json:"reason"`
	Expires     time.Time `json:"expires,omitzero"` // the first instant it no longer applies; zero: never
	Expired     bool      `json:"expired"`
	Matches     int       `json:"matches"` // findings it suppressed in this run
}

// Copy is the stored body of one capture, for viewing in the report.
type Copy struct {
	CaptureID   int64
	URL         string
	FinalURL    string
	Status      int
	FetchedAt   time.Time
	SHA256      string
	ContentType string
	Truncated   bool
	Body        []byte
}

// Export is a file written beside the report.
type Export struct {
	Name   string `json:"name"` // relative to the report
	SHA256 string `json:"sha256"`
	Bytes  int64  `json:"bytes"`
}

// Tool describes what produced the report, beside what the check run
// records (its tool version, rules hash and configuration).
type Tool struct {
	Version   string `json:"version"`    // the version writing the report
	UserAgent string `json:"user_agent"` // the crawler's User-Agent
}
