package check

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/report"
)

// Baseline is the set of findings a project has accepted for now: only
// findings absent from it fail the build. It is a JSON file kept in the
// project's repository, written with --update-baseline:
//
//	{"version": 1, "findings": [{"fingerprint": "…", "rule_id": "…", "url": "…"}]}
//
// Entries name the rule and URL for people reading diffs; only the
// fingerprint is matched.
type Baseline struct {
	entries map[string]BaselineEntry
}

// BaselineEntry is one accepted finding.
type BaselineEntry struct {
	Fingerprint string `json:"fingerprint"`
	RuleID      string `json:"rule_id"`
	URL         string `json:"url"`
	Evidence    string `json:"evidence,omitempty"`
}

type baselineFile struct {
	Version  int             `json:"version"`
	Findings []BaselineEntry `json:"findings"`
}

// baselineVersion is the format version written and accepted.
const baselineVersion = 1

// NewBaseline returns an empty baseline.
func NewBaseline() *Baseline { return &Baseline{entries: map[string]BaselineEntry{}} }

// ReadBaseline reads a baseline file.
func ReadBaseline(r io.Reader) (*Baseline, error) {
	dec := json.NewDecoder(io.LimitReader(r, 256<<20))
	dec.DisallowUnknownFields()
	var bf baselineFile
	if err := dec.Decode(&bf); err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	if bf.Version != baselineVersion {
		return nil, fmt.Errorf("baseline: version %d, want %d", bf.Version, baselineVersion)
	}
	b := NewBaseline()
	for i, e := range bf.Findings {
		if e.Fingerprint == "" {
			return nil, fmt.Errorf("baseline: finding %d has no fingerprint", i+1)
		}
		b.entries[e.Fingerprint] = e
	}
	return b, nil
}

// Has reports whether the baseline accepts the fingerprint.
func (b *Baseline) Has(fingerprint string) bool {
	_, ok := b.entries[fingerprint]
	return ok
}

// Len returns the number of accepted findings.
func (b *Baseline) Len() int { return len(b.entries) }

// Replace makes the baseline accept exactly the given findings, leaving out
// waived and resolved ones.
func (b *Baseline) Replace(findings []archive.Finding) {
	b.entries = map[string]BaselineEntry{}
	for _, f := range findings {
		if f.Suppressed == report.SuppressedWaiver || f.State == archive.StateResolved {
			continue
		}
		b.entries[f.Fingerprint] = BaselineEntry{Fingerprint: f.Fingerprint, RuleID: f.RuleID, URL: f.URL, Evidence: clip(f.Evidence, 120)}
	}
}

// Write writes the baseline as indented JSON, sorted by rule, URL and
// fingerprint so that it diffs well.
func (b *Baseline) Write(w io.Writer) error {
	bf := baselineFile{Version: baselineVersion, Findings: make([]BaselineEntry, 0, len(b.entries))}
	for _, e := range b.entries {
		bf.Findings = append(bf.Findings, e)
	}
	sort.Slice(bf.Findings, func(i, j int) bool {
		a, c := bf.Findings[i], bf.Findings[j]
		if a.RuleID != c.RuleID {
			return a.RuleID < c.RuleID
		}
		if a.URL != c.URL {
			return a.URL < c.URL
		}
		return a.Fingerprint < c.Fingerprint
	})
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(bf); err != nil {
		return fmt.Errorf("write baseline: %w", err)
	}
	return nil
}
