package report

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// SARIF 2.1.0 types, as much of the format as archiver writes. Field names
// follow the specification; GitHub code scanning's required properties are
// all filled.
type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool              sarifTool         `json:"tool"`
	AutomationDetails *sarifAutomation  `json:"automationDetails,omitempty"`
	Invocations       []sarifInvocation `json:"invocations"`
	Results           []sarifResult     `json:"results"`
	ColumnKind        string            `json:"columnKind"`
	Properties        map[string]any    `json:"properties,omitempty"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name            string      `json:"name"`
	SemanticVersion string      `json:"semanticVersion,omitempty"`
	Version         string      `json:"version,omitempty"`
	InformationURI  string      `json:"informationUri"`
	Rules           []sarifRule `json:"rules"`
}

type sarifText struct {
	Text     string `json:"text"`
	Markdown string `json:"markdown,omitempty"`
}

type sarifRule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name"`
	ShortDescription     sarifText      `json:"shortDescription"`
	FullDescription      sarifText      `json:"fullDescription"`
	Help                 sarifText      `json:"help"`
	HelpURI              string         `json:"helpUri,omitempty"`
	DefaultConfiguration sarifConfig    `json:"defaultConfiguration"`
	Properties           map[string]any `json:"properties"`
}

type sarifConfig struct {
	Level string `json:"level"`
}

type sarifAutomation struct {
	ID string `json:"id"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool   `json:"executionSuccessful"`
	StartTimeUTC        string `json:"startTimeUtc,omitempty"`
	EndTimeUTC          string `json:"endTimeUtc,omitempty"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	RelatedLocations    []sarifLocation    `json:"relatedLocations,omitempty"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	BaselineState       string             `json:"baselineState,omitempty"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties,omitempty"`
}

type sarifLocation struct {
	ID               int           `json:"id,omitempty"`
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
	Message          *sarifText    `json:"message,omitempty"`
}

type sarifPhysical struct {
	ArtifactLocation sarifAL      `json:"artifactLocation"`
	Region           *sarifRegion `json:"region,omitempty"`
}

type sarifAL struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int        `json:"startLine"`
	StartColumn int        `json:"startColumn"`
	EndLine     int        `json:"endLine"`
	EndColumn   int        `json:"endColumn"`
	Snippet     *sarifText `json:"snippet,omitempty"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Status        string `json:"status,omitempty"`
	Justification string `json:"justification,omitempty"`
}

// sarifSchemaURI is the schema the SARIF output names.
const sarifSchemaURI = "https://json.schemastore.org/sarif-2.1.0.json"

// SARIF writes the result as a SARIF 2.1.0 log with one run. Every rule is
// a reportingDescriptor with its help; every finding that is not resolved
// is a result located at its URL (crawled pages have no source lines, so
// the region is the first line, with the evidence as its snippet), with
// the archiver fingerprint as partialFingerprints (also as
// primaryLocationLineHash, so that GitHub does not compute its own from
// files it does not have), a baselineState (new or unchanged), and an
// external suppression with its justification when waived or baselined.
// Resolved findings are left out: they are in the json format.
func SARIF(w io.Writer, r *Result) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "archiver",
			InformationURI: "https://github.com/archiver-dev/archiver",
			Rules:          []sarifRule{},
		}},
		Invocations: []sarifInvocation{{
			ExecutionSuccessful: true,
			StartTimeUTC:        sarifTime(r.Run.StartedAt),
			EndTimeUTC:          sarifTime(r.Run.FinishedAt),
		}},
		Results:    []sarifResult{},
		ColumnKind: "unicodeCodePoints",
		Properties: map[string]any{
			"rulesSha256": r.Run.RulesHash,
			"crawlRunId":  r.Run.CrawlRunID,
			"checkRunId":  r.Run.ID,
			"seeds":       r.Run.Seeds,
			"pages":       r.Run.Pages,
		},
	}
	if v := r.Run.ToolVersion; v != "" {
		run.Tool.Driver.Version = v
		if isSemver(v) {
			run.Tool.Driver.SemanticVersion = strings.TrimPrefix(v, "v")
		}
	}
	host := "archive"
	if len(r.Run.Seeds) > 0 {
		if u, err := url.Parse(r.Run.Seeds[0]); err == nil && u.Host != "" {
			host = u.Host
		}
	}
	run.AutomationDetails = &sarifAutomation{ID: fmt.Sprintf("archiver-check/%s/%d", host, r.Run.CrawlRunID)}

	index := map[string]int{}
	for i, rule := range r.Rules {
		index[rule.ID] = i
		full := rule.Help
		if full == "" {
			full = rule.Title
		}
		helpText := rule.Title
		if rule.Help != "" {
			helpText += "\n\n" + rule.Help
		}
		if rule.Fix != "" {
			helpText += "\n\nHow to fix: " + rule.Fix
		}
		md := "**" + rule.Title + "**"
		if rule.Help != "" {
			md += "\n\n" + rule.Help
		}
		if rule.Fix != "" {
			md += "\n\n**How to fix:** " + rule.Fix
		}
		if rule.HelpURL != "" {
			md += "\n\n[Documentation](" + rule.HelpURL + ")"
		}
		tags := rule.Tags
		if tags == nil {
			tags = []string{}
		}
		run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{
			ID:                   rule.ID,
			Name:                 ruleName(rule.ID),
			ShortDescription:     sarifText{Text: rule.Title},
			FullDescription:      sarifText{Text: full},
			Help:                 sarifText{Text: helpText, Markdown: md},
			HelpURI:              rule.HelpURL,
			DefaultConfiguration: sarifConfig{Level: sarifLevel(rule.Severity)},
			Properties: map[string]any{
				"tags":             tags,
				"precision":        "high",
				"problem.severity": problemSeverity(rule.Severity),
				"kind":             rule.Kind,
			},
		})
	}
	for i := range r.Findings {
		f := &r.Findings[i]
		if f.State == archive.StateResolved {
			continue
		}
		idx, ok := index[f.RuleID]
		if !ok {
			return fmt.Errorf("sarif: finding of unknown rule %q", f.RuleID)
		}
		region := &sarifRegion{StartLine: 1, StartColumn: 1, EndLine: 1, EndColumn: 1}
		if f.Evidence != "" {
			region.Snippet = &sarifText{Text: f.Evidence}
		}
		res := sarifResult{
			RuleID:    f.RuleID,
			RuleIndex: idx,
			Level:     sarifLevel(f.Severity),
			Message:   sarifText{Text: nonEmptyText(f.Message, f.RuleID)},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifAL{URI: f.URL},
				Region:           region,
			}}},
			PartialFingerprints: map[string]string{
				"archiverFingerprint/v1":     f.Fingerprint,
				"primaryLocationLineHash/v1": f.Fingerprint,
			},
			Properties: map[string]any{
				"captureId":  f.CaptureID,
				"bodySha256": f.BodySHA256,
				"status":     f.Status,
			},
		}
		if !f.CapturedAt.IsZero() {
			res.Properties["capturedAt"] = sarifTime(f.CapturedAt)
		}
		if f.FinalURL != "" {
			res.Properties["finalUrl"] = f.FinalURL
		}
		switch f.State {
		case archive.StatePersisting:
			res.BaselineState = "unchanged"
		default:
			res.BaselineState = "new"
		}
		for j, o := range f.Occurrences {
			if j == 9 { // SARIF consumers cap locations at 10
				break
			}
			res.RelatedLocations = append(res.RelatedLocations, sarifLocation{
				ID:               j + 1,
				PhysicalLocation: sarifPhysical{ArtifactLocation: sarifAL{URI: o.URL}},
				Message:          &sarifText{Text: nonEmptyText(o.Text, o.URL)},
			})
		}
		switch f.Suppressed {
		case SuppressedWaiver:
			res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: f.WaiverNote}}
		case SuppressedBaseline:
			res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: "in the baseline file"}}
		}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(sarifLog{Schema: sarifSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}); err != nil {
		return fmt.Errorf("write sarif: %w", err)
	}
	return nil
}

func sarifLevel(s archive.Severity) string {
	switch s {
	case archive.SeverityError, archive.SeverityWarning, archive.SeverityNote:
		return string(s)
	}
	return "none"
}

// problemSeverity is GitHub's name for a severity.
func problemSeverity(s archive.Severity) string {
	switch s {
	case archive.SeverityError:
		return "error"
	case archive.SeverityWarning:
		return "warning"
	}
	return "recommendation"
}

// ruleName turns "editorial/headline-missing" into "EditorialHeadlineMissing".
func ruleName(id string) string {
	var b strings.Builder
	up := true
	for _, r := range id {
		if r == '/' || r == '-' || r == '_' || r == '.' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		b.WriteRune(r)
	}
	return b.String()
}

func sarifTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func nonEmptyText(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// isSemver reports whether v looks like MAJOR.MINOR.PATCH (with an
// optional v prefix and suffix).
func isSemver(v string) bool {
	v = strings.TrimPrefix(v, "v")
	parts := strings.SplitN(v, ".", 3)
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts[:2] {
		if p == "" || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return parts[2] != "" && parts[2][0] >= '0' && parts[2][0] <= '9'
}
