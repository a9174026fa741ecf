package report

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
)

type gitlabIssue struct {
	Description string         `json:"description"`
	CheckName   string         `json:"check_name"`
	Fingerprint string         `json:"fingerprint"`
	Severity    string         `json:"severity"`
	Location    gitlabLocation `json:"location"`
}

type gitlabLocation struct {
	Path  string      `json:"path"`
	Lines gitlabLines `json:"lines"`
}

type gitlabLines struct {
	Begin int `json:"begin"`
}

// GitLab writes the open findings as a GitLab Code Quality report (a JSON
// array for artifacts:reports:codequality): description, check_name (the
// rule id), a fingerprint unique per finding (the archiver fingerprint;
// duplicates would collapse into one), severity (error → critical, warning
// → major, note → info) and a location whose path is the page URL and
// whose line is 1. Suppressed and resolved findings are left out.
func GitLab(w io.Writer, r *Result) error {
	issues := []gitlabIssue{}
	seen := map[string]bool{}
	for i := range r.Findings {
		f := &r.Findings[i]
		if !IsOpen(f) || seen[f.Fingerprint] {
			continue
		}
		seen[f.Fingerprint] = true
		desc := f.Message
		if f.Evidence != "" {
			desc += " — " + f.Evidence
		}
		issues = append(issues, gitlabIssue{
			Description: strings.TrimSpace(desc),
			CheckName:   f.RuleID,
			Fingerprint: f.Fingerprint,
			Severity:    gitlabSeverity(f.Severity),
			Location:    gitlabLocation{Path: f.URL, Lines: gitlabLines{Begin: 1}},
		})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(issues); err != nil {
		return fmt.Errorf("write gitlab code quality: %w", err)
	}
	return nil
}

func gitlabSeverity(s archive.Severity) string {
	switch s {
	case archive.SeverityError:
		return "critical"
	case archive.SeverityWarning:
		return "major"
	}
	return "info"
}
