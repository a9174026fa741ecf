package report_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// The -update flag rewrites the golden files. The package's internal tests
// may already define it; both then share one flag.
func init() {
	if flag.Lookup("update") == nil {
		flag.Bool("update", false, "rewrite the golden files")
	}
}

func updating() bool {
	f := flag.Lookup("update")
	return f != nil && f.Value.String() == "true"
}

// goldenFile compares got with testdata/formats/name, or rewrites it with
// -update.
func goldenFile(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "formats", name)
	if updating() {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\n--- got ---\n%s", name, got)
	}
}

var t0 = time.Date(2024, 4, 5, 6, 0, 0, 0, time.UTC)

// sampleResult is a check result with every kind of finding: open errors,
// warnings and notes, new and persisting, waived, baselined, resolved,
// grouped occurrences, and text that each format must escape.
func sampleResult() *report.Result {
	fp := func(rule, url, key string) string { return archive.Fingerprint(rule, url, key) }
	r := &report.Result{
		Run: report.CheckRun{
			ID: 7, CrawlRunID: 3, PreviousID: 6, Seeds: []string{"https://www.example.gov/"},
			StartedAt: t0, FinishedAt: t0.Add(1500 * time.Millisecond),
			CrawlStartedAt: t0.Add(-time.Hour), CrawlFinishedAt: t0.Add(-30 * time.Minute),
			Pages: 120, RulesHash: "3f2a9c0d1e2b3a4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4",
			FailOn: "error", Failed: true, FailReason: "2 open finding(s) at or above error", ToolVersion: "v1.2.3",
		},
		Rules: []report.Rule{
			{ID: "editorial/attribution-missing", Pack: "editorial", Title: "Articles name an author or a source", Severity: archive.SeverityError, Tags: []string{"editorial", "attribution"}, Kind: "attribution", Help: "Readers must know who stands behind an article.", Fix: "Add a byline.", HelpURL: "https://example.org/rules/attribution"},
			{ID: "editorial/duplicate-headline", Pack: "editorial", Title: "Headlines are unique across articles", Severity: archive.SeverityWarning, Kind: "duplicate-headline", Help: "Two articles with one headline.", HelpURL: "https://example.org/rules/dup"},
			{ID: "editorial/lang-missing", Pack: "editorial", Title: "Pages declare their language", Severity: archive.SeverityNote, Kind: "expr"},
			{ID: "editorial/placeholder-text", Pack: "editorial", Title: "No placeholder text is published", Severity: archive.SeverityError, Kind: "placeholder-text"},
		},
	}
	add := func(f archive.Finding) {
		if f.Fingerprint == "" {
			f.Fingerprint = fp(f.RuleID, f.URL, f.EvidenceKey)
		}
		if f.CapturedAt.IsZero() {
			f.CapturedAt = t0.Add(-45 * time.Minute)
		}
		if f.Status == 0 {
			f.Status = 200
		}
		r.Findings = append(r.Findings, f)
	}
	add(archive.Finding{RuleID: "editorial/attribution-missing", Severity: archive.SeverityError, Message: "The article names neither an author nor a source",
		URL: "https://www.example.gov/government/events/a.html", CaptureID: 11, BodySHA256: strings.Repeat("a1", 32),
		Evidence: "byline: none; source: none", EvidenceKey: "none", State: archive.StateNew})
	add(archive.Finding{RuleID: "editorial/placeholder-text", Severity: archive.SeverityError, Message: `Placeholder text "TODO" in the body`,
		URL: "https://www.example.gov/economy/b.html?x=1&y=2", CaptureID: 12, BodySHA256: strings.Repeat("b2", 32),
		Evidence: "=HYPERLINK(\"x\") | <script>alert(1)</script> 100% done,\nTODO: quote", EvidenceKey: "todo", State: archive.StatePersisting})
	add(archive.Finding{RuleID: "editorial/duplicate-headline", Severity: archive.SeverityWarning, Message: `The headline "Minister: talks, trade" is also used by 1 other page(s)`,
		URL: "https://www.example.gov/government/c.html", CaptureID: 13, BodySHA256: strings.Repeat("c3", 32),
		Evidence: "Minister: talks, trade", EvidenceKey: "minister talks trade", State: archive.StateNew,
		Occurrences: []archive.Occurrence{{URL: "https://www.example.gov/government/d.html", CaptureID: 14, Text: "Minister: talks, trade"}}})
	add(archive.Finding{RuleID: "editorial/lang-missing", Severity: archive.SeverityNote, Message: "The page does not declare its language (<html lang>)",
		URL: "https://www.example.gov/ru/e.html", CaptureID: 15, BodySHA256: strings.Repeat("d4", 32), State: archive.StatePersisting})
	add(archive.Finding{RuleID: "editorial/attribution-missing", Severity: archive.SeverityError, Message: "The article names neither an author nor a source",
		URL: "https://www.example.gov/government/f.html", CaptureID: 16, BodySHA256: strings.Repeat("e5", 32), EvidenceKey: "none",
		State: archive.StatePersisting, Suppressed: report.SuppressedWaiver, WaiverNote: "waived by desk@example.gov: wire copy (expires 2024-12-31)"})
	add(archive.Finding{RuleID: "editorial/duplicate-headline", Severity: archive.SeverityWarning, Message: "The headline \"Old\" is also used by 1 other page(s)",
		URL: "https://www.example.gov/government/g.html", CaptureID: 17, BodySHA256: strings.Repeat("f6", 32), EvidenceKey: "old",
		State: archive.StatePersisting, Suppressed: report.SuppressedBaseline})
	add(archive.Finding{RuleID: "editorial/placeholder-text", Severity: archive.SeverityError, Message: "Placeholder text \"lorem ipsum\" in the body",
		URL: "https://www.example.gov/society/h.html", CaptureID: 9, BodySHA256: strings.Repeat("07", 32), EvidenceKey: "lorem ipsum",
		State: archive.StateResolved})
	r.Waivers = []report.Waiver{
		{RuleID: "editorial/attribution-missing", URL: "https://www.example.gov/government/f.html", Owner: "desk@example.gov", Reason: "wire copy", Expires: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Matches: 1},
		{Fingerprint: "0123456789abcdef0123456789abcdef", Owner: "web team", Reason: "old template", Expires: time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC), Expired: true, Matches: 0},
	}
	r.Counts = report.Counts{Open: 4, Errors: 2, Warnings: 1, Notes: 1, New: 2, Persisting: 4, Resolved: 1, Waived: 1, Baselined: 1,
		ByRule: map[string]int{"editorial/attribution-missing": 1, "editorial/placeholder-text": 1, "editorial/duplicate-headline": 1, "editorial/lang-missing": 1}}
	return r
}

func TestFormatsGolden(t *testing.T) {
	for _, tc := range []struct {
		name  string
		write func(*bytes.Buffer, *report.Result) error
	}{
		{"text.golden", func(b *bytes.Buffer, r *report.Result) error {
			return report.Text(b, r, report.TextOptions{Resolved: true})
		}},
		{"text-summary.golden", func(b *bytes.Buffer, r *report.Result) error {
			return report.Text(b, r, report.TextOptions{Summary: true})
		}},
		{"text-color.golden", func(b *bytes.Buffer, r *report.Result) error {
			return report.Text(b, r, report.TextOptions{Color: true})
		}},
		{"json.golden", func(b *bytes.Buffer, r *report.Result) error { return report.JSON(b, r) }},
		{"csv.golden", func(b *bytes.Buffer, r *report.Result) error { return report.CSV(b, r) }},
		{"sarif.golden", func(b *bytes.Buffer, r *report.Result) error { return report.SARIF(b, r) }},
		{"junit.golden", func(b *bytes.Buffer, r *report.Result) error { return report.JUnit(b, r) }},
		{"github.golden", func(b *bytes.Buffer, r *report.Result) error {
			var sum bytes.Buffer
			if err := report.GitHub(b, &sum, r); err != nil {
				return err
			}
			b.WriteString("----- $GITHUB_STEP_SUMMARY -----\n")
			b.Write(sum.Bytes())
			return nil
		}},
		{"gitlab.golden", func(b *bytes.Buffer, r *report.Result) error { return report.GitLab(b, r) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b, sampleResult()); err != nil {
				t.Fatal(err)
			}
			goldenFile(t, tc.name, b.Bytes())
		})
	}
}

// TestSARIFSchema validates the SARIF output against the SARIF 2.1.0 JSON
// schema vendored in testdata (from Microsoft's SARIF multitool package).
func TestSARIFSchema(t *testing.T) {
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	sch, err := c.Compile(filepath.Join("testdata", "sarif-schema-2.1.0.json"))
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]*report.Result{"sample": sampleResult(), "empty": emptyResult()} {
		t.Run(name, func(t *testing.T) {
			var b bytes.Buffer
			if err := report.SARIF(&b, r); err != nil {
				t.Fatal(err)
			}
			doc, err := jsonschema.UnmarshalJSON(&b)
			if err != nil {
				t.Fatal(err)
			}
			if err := sch.Validate(doc); err != nil {
				t.Fatalf("SARIF output does not validate: %v", err)
			}
		})
	}
	// The validator must reject a broken log, or the test above proves
	// nothing.
	bad := map[string]any{"version": "2.1.0", "runs": []any{map[string]any{"tool": map[string]any{"driver": map[string]any{}}}}}
	if err := sch.Validate(bad); err == nil {
		t.Fatal("schema accepted a driver without a name")
	}
}

func emptyResult() *report.Result {
	return &report.Result{Run: report.CheckRun{CrawlRunID: 1, Seeds: []string{"https://www.example.gov/"}, StartedAt: t0, FinishedAt: t0, FailOn: "error"}}
}

func TestSARIFSuppressionsAndStates(t *testing.T) {
	var b bytes.Buffer
	if err := report.SARIF(&b, sampleResult()); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID        string `json:"ruleId"`
				BaselineState string `json:"baselineState"`
				Suppressions  []struct {
					Kind, Justification string
				} `json:"suppressions"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string } `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	res := log.Runs[0].Results
	if len(res) != 6 {
		t.Fatalf("%d results, want 6 (the resolved finding is left out)", len(res))
	}
	suppressed := 0
	for _, r := range res {
		if len(r.Suppressions) > 0 {
			suppressed++
			if r.Suppressions[0].Kind != "external" || r.Suppressions[0].Justification == "" {
				t.Errorf("suppression %+v", r.Suppressions[0])
			}
		}
		if r.Locations[0].PhysicalLocation.ArtifactLocation.URI == "" {
			t.Error("result without a location URI")
		}
		if r.BaselineState != "new" && r.BaselineState != "unchanged" {
			t.Errorf("baselineState %q", r.BaselineState)
		}
	}
	if suppressed != 2 {
		t.Errorf("%d suppressed results, want 2", suppressed)
	}
}

// manyFindings returns a result with n open findings of each severity.
func manyFindings(n int) *report.Result {
	r := emptyResult()
	for _, sev := range []archive.Severity{archive.SeverityError, archive.SeverityWarning, archive.SeverityNote} {
		id := "pack/" + string(sev)
		r.Rules = append(r.Rules, report.Rule{ID: id, Title: string(sev) + " rule", Severity: sev})
		for i := 0; i < n; i++ {
			u := fmt.Sprintf("https://www.example.gov/p%d.html", i)
			state := archive.StatePersisting
			if i%3 == 2 {
				state = archive.StateNew
			}
			r.Findings = append(r.Findings, archive.Finding{RuleID: id, Severity: sev, Message: "m", URL: u, State: state, Fingerprint: archive.Fingerprint(id, u, "")})
		}
	}
	r.Counts.Open = 3 * n
	return r
}

func TestGitHubLimits(t *testing.T) {
	var out, sum bytes.Buffer
	if err := report.GitHub(&out, &sum, manyFindings(25)); err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	total := 0
	for _, line := range strings.Split(out.String(), "\n") {
		if cmd, _, ok := strings.Cut(line, " "); ok && strings.HasPrefix(cmd, "::") {
			counts[cmd]++
			total++
		}
	}
	if counts["::error"] != 10 || counts["::warning"] != 10 || counts["::notice"] > 10 || total > 50 {
		t.Errorf("annotations %v (total %d), want 10 errors, 10 warnings, at most 10 notices, at most 50", counts, total)
	}
	if !strings.Contains(out.String(), "46 more open finding(s)") {
		t.Errorf("no line about the findings left out:\n%s", out.String())
	}
	// New findings are annotated first: p2, p5, p8 … of each rule.
	first := strings.SplitN(out.String(), "\n", 2)[0]
	if !strings.Contains(first, "https://www.example.gov/p2.html%0A") {
		t.Errorf("new findings are not annotated first:\n%s", out.String())
	}
	rows := strings.Count(sum.String(), "\n| error |") + strings.Count(sum.String(), "\n| warning |") + strings.Count(sum.String(), "\n| note |")
	if rows != 75 {
		t.Errorf("summary has %d finding rows, want all 75", rows)
	}
}

func TestGitHubEscaping(t *testing.T) {
	r := emptyResult()
	r.Rules = []report.Rule{{ID: "x/y", Title: "a: b, c", Severity: archive.SeverityError}}
	r.Findings = []archive.Finding{{RuleID: "x/y", Severity: archive.SeverityError, URL: "https://e.gov/a", Message: "line1\nline2 100%\r::error::forged", Fingerprint: "f"}}
	var out bytes.Buffer
	if err := report.GitHub(&out, nil, r); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 {
		t.Fatalf("a message with newlines must stay on one command line, got %q", out.String())
	}
	if !strings.HasPrefix(lines[0], "::error title=x/y%3A a%3A b%2C c::") || !strings.Contains(lines[0], "line1%0Aline2 100%25%0D::error::forged") {
		t.Errorf("escaping: %s", lines[0])
	}
}

func TestGitLabFingerprintsUnique(t *testing.T) {
	var b bytes.Buffer
	if err := report.GitLab(&b, manyFindings(30)); err != nil {
		t.Fatal(err)
	}
	var issues []struct {
		Fingerprint string
		Severity    string
		CheckName   string `json:"check_name"`
		Location    struct {
			Path  string
			Lines struct{ Begin int }
		}
	}
	if err := json.Unmarshal(b.Bytes(), &issues); err != nil {
		t.Fatal(err)
	}
	if len(issues) != 90 {
		t.Fatalf("%d issues, want 90", len(issues))
	}
	seen := map[string]bool{}
	for _, is := range issues {
		if is.Fingerprint == "" || seen[is.Fingerprint] {
			t.Fatalf("fingerprint %q empty or repeated", is.Fingerprint)
		}
		seen[is.Fingerprint] = true
		if is.Location.Path == "" || is.Location.Lines.Begin != 1 {
			t.Errorf("location %+v", is.Location)
		}
		switch is.Severity {
		case "critical", "major", "info":
		default:
			t.Errorf("severity %q", is.Severity)
		}
	}
}

func TestJUnitReadable(t *testing.T) {
	var b bytes.Buffer
	if err := report.JUnit(&b, sampleResult()); err != nil {
		t.Fatal(err)
	}
	var suites struct {
		Tests    int `xml:"tests,attr"`
		Failures int `xml:"failures,attr"`
		Skipped  int `xml:"skipped,attr"`
		Suites   []struct {
			Name  string `xml:"name,attr"`
			Cases []struct {
				Classname string `xml:"classname,attr"`
				Name      string `xml:"name,attr"`
				Failure   *struct {
					Type    string `xml:"type,attr"`
					Message string `xml:"message,attr"`
					Body    string `xml:",chardata"`
				} `xml:"failure"`
			} `xml:"testcase"`
		} `xml:"testsuite"`
	}
	if err := xml.Unmarshal(b.Bytes(), &suites); err != nil {
		t.Fatal(err)
	}
	// Failures: the two open errors (fail-on error); the warning and note
	// pass; the waived and baselined findings are skipped; the resolved
	// one is absent.
	if suites.Failures != 2 || suites.Skipped != 2 || suites.Tests != 6 || len(suites.Suites) != 4 {
		t.Errorf("tests %d failures %d skipped %d suites %d, want 6 2 2 4", suites.Tests, suites.Failures, suites.Skipped, len(suites.Suites))
	}
	for _, s := range suites.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil && !strings.Contains(c.Failure.Body, c.Failure.Message) {
				t.Errorf("failure body must repeat the message (GitLab ignores the attribute): %+v", c.Failure)
			}
			if c.Failure != nil && c.Classname != "www.example.gov" {
				t.Errorf("classname %q, want the host", c.Classname)
			}
		}
	}
}

func TestCSVDefusesFormulas(t *testing.T) {
	var b bytes.Buffer
	if err := report.CSV(&b, sampleResult()); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"'=HYPERLINK(""x"")`) {
		t.Errorf("formula not defused:\n%s", b.String())
	}
}

func TestTextColourOnlyWhenAsked(t *testing.T) {
	var plain, colour bytes.Buffer
	if err := report.Text(&plain, sampleResult(), report.TextOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := report.Text(&colour, sampleResult(), report.TextOptions{Color: true}); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("plain text contains ANSI escapes")
	}
	if !strings.Contains(colour.String(), "\x1b[31m") {
		t.Error("coloured text has no red")
	}
	if strings.Contains(plain.String(), "\nTODO: quote") {
		t.Error("a newline in evidence started a new line of the report")
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range report.Formats() {
		if got, err := report.ParseFormat(strings.ToUpper(string(f))); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := report.ParseFormat("xml"); err == nil {
		t.Error("ParseFormat(xml) succeeded")
	}
}
