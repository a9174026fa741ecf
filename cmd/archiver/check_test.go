package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The end-to-end tests of check run the built binary, so that exit codes
// are those a CI job sees.
var (
	binOnce sync.Once
	binPath string
	binErr  error
	binDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// archiverBinary builds the archiver binary once per test process.
func archiverBinary(t testing.TB) string {
	t.Helper()
	binOnce.Do(func() {
		binDir, binErr = os.MkdirTemp("", "archiver-bin-")
		if binErr != nil {
			return
		}
		binPath = filepath.Join(binDir, "archiver")
		out, err := exec.Command("go", "build", "-o", binPath, ".").CombinedOutput()
		if err != nil {
			binErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binErr != nil {
		t.Fatal(binErr)
	}
	return binPath
}

// runBinary runs the binary with args and returns its output and exit code.
func runBinary(t *testing.T, env []string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(archiverBinary(t), args...)
	cmd.Env = append(os.Environ(), "GITHUB_STEP_SUMMARY=", "NO_COLOR=1")
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatal(err)
	}
	return out.String(), errb.String(), code
}

// staticSite writes a small static build: a home page and section pages
// linking to two articles taken from the editorial fixtures, one clean
// and one without a headline (an error) and without a language (a
// warning). With clean, the second article is clean too.
func staticSite(t *testing.T, clean bool) string {
	t.Helper()
	dir := t.TempDir()
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join("..", "..", "rules", "editorial", name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	good := read("attribution-missing.good.html")
	bad := strings.Replace(read("headline-missing.bad.html"), `<html lang="en">`, `<html>`, 1)
	if clean {
		bad = strings.Replace(good, "Golovchenko meets with SCO delegation in Minsk", "Government reviews the regional investment programmes", 2)
	}
	list := func(title string, links ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>%s</title></head><body><h1>%s</h1><ul>\n", title, title)
		for _, l := range links {
			fmt.Fprintf(&b, "<li><a href=%q>%s</a></li>\n", l, l)
		}
		b.WriteString("</ul></body></html>\n")
		return b.String()
	}
	files := map[string]string{
		"index.html":                   list("Home", "/government/", "/government/events/", "/economy/", "/society/"),
		"government/index.html":        list("Government", "/government/events/"),
		"government/events/index.html": list("Events", "/government/events/a.html", "/government/events/b.html"),
		"economy/index.html":           list("Economy", "/"),
		"society/index.html":           list("Society", "/"),
		"government/events/a.html":     good,
		"government/events/b.html":     bad,
		"img/2024/04/03/meeting.jpg":   "\xff\xd8\xff\xe0 not really a jpeg",
		"img/2024/04/03/meeting-2.jpg": "\xff\xd8\xff\xe0",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// checkNow is the clock of the end-to-end checks: the day after the
// fixtures' date.
const checkNow = "ARCHIVER_NOW=2024-04-04T12:00:00Z"

// TestCheckExitCodes runs the binary on a static build and on an archive,
// through every exit code.
func TestCheckExitCodes(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	site := staticSite(t, false)
	cleanSite := staticSite(t, true)
	db := filepath.Join(t.TempDir(), "archive.db")
	only := []string{"--only", "editorial/*"}
	base := []string{"--base-url", "https://www.example.gov"}

	// One command in CI: crawl the build into a temporary archive, check it.
	out, errOut, code := runBinary(t, []string{checkNow}, append(append([]string{"check", site}, base...), only...)...)
	if code != exitFindings || !strings.Contains(out, "editorial/headline-missing") || !strings.Contains(out, "FAILED") {
		t.Fatalf("check of a build with an error: exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "editorial/lang-missing") || strings.Contains(out, "\x1b[") {
		t.Errorf("text output lacks the warning or has colours off a terminal:\n%s", out)
	}
	out, errOut, code = runBinary(t, []string{checkNow}, append(append([]string{"check", cleanSite}, base...), only...)...)
	if code != exitOK || !strings.Contains(out, "PASSED") {
		t.Fatalf("check of a clean build: exit %d\n%s\n%s", code, out, errOut)
	}

	// --fail-on and --max-findings.
	for _, tc := range []struct {
		args []string
		want int
	}{
		{[]string{"--fail-on", "never"}, exitOK},
		{[]string{"--fail-on", "warning"}, exitFindings},
		{[]string{"--fail-on", "never", "--max-findings", "1"}, exitFindings},
		{[]string{"--fail-on", "never", "--max-findings", "5"}, exitOK},
		{[]string{"--fail-on", "fatal"}, exitError},
		{[]string{"--format", "xml"}, exitError},
		{[]string{"--update-baseline"}, exitError},
		{[]string{"--rules", filepath.Join(t.TempDir(), "missing")}, exitError},
	} {
		args := append(append(append([]string{"--db", db, "check", site}, base...), only...), tc.args...)
		if _, errOut, code := runBinary(t, []string{checkNow}, args...); code != tc.want {
			t.Errorf("check %v: exit %d, want %d\n%s", tc.args, code, tc.want, errOut)
		}
	}
	// No archive at all.
	if _, errOut, code := runBinary(t, nil, "--db", filepath.Join(t.TempDir(), "none.db"), "check"); code != exitError || !strings.Contains(errOut, "crawl first") {
		t.Errorf("check without an archive: exit %d: %s", code, errOut)
	}
	// A broken rule names its file and line.
	rulesDir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(rulesDir, "house"), 0o755); err != nil {
		t.Fatal(err)
	}
	broken := "id: house/no-click-here\ntitle: No click here\nseverity: warning\nkind: expr\nassert: 'body contains 1'\n"
	if err := os.WriteFile(filepath.Join(rulesDir, "house", "no-click-here.yaml"), []byte(broken), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code = runBinary(t, nil, "--db", db, "check", "--rules", rulesDir)
	if code != exitError || !strings.Contains(errOut, filepath.Join(rulesDir, "house", "no-click-here.yaml")+":5:") {
		t.Errorf("broken rule: exit %d, stderr %q", code, errOut)
	}
	// A user pack that works.
	fixed := "id: house/no-click-here\ntitle: No click here\nseverity: error\nkind: expr\nassert: 'not (body contains \"click here\")'\n"
	if err := os.WriteFile(filepath.Join(rulesDir, "house", "no-click-here.yaml"), []byte(fixed), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = runBinary(t, []string{checkNow}, "--db", db, "check", "--rules", rulesDir, "--only", "house/*")
	if code != exitOK || !strings.Contains(out, "1 rules") {
		t.Errorf("user pack: exit %d\n%s\n%s", code, out, errOut)
	}
}

// TestCheckBaselineWaiversStates checks an archive three times: the states
// move from new to persisting, a baseline accepts the findings, a waiver
// suppresses one until it expires.
func TestCheckBaselineWaiversStates(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	site := staticSite(t, false)
	dir := t.TempDir()
	db := filepath.Join(dir, "archive.db")
	if _, errOut, code := runBinary(t, nil, "--db", db, "crawl", "--base-url", "https://www.example.gov", site); code != exitOK {
		t.Fatalf("crawl: exit %d: %s", code, errOut)
	}
	type result struct {
		Run struct {
			ID         int64 `json:"id"`
			PreviousID int64 `json:"previous_id"`
			Failed     bool  `json:"failed"`
		} `json:"run"`
		Findings []struct {
			RuleID      string `json:"rule_id"`
			URL         string `json:"url"`
			State       string `json:"state"`
			Suppressed  string `json:"suppressed"`
			Fingerprint string `json:"fingerprint"`
			WaiverNote  string `json:"waiver_note"`
		} `json:"findings"`
		Counts struct {
			Errors, Warnings, New, Persisting, Waived, Baselined int
		} `json:"counts"`
	}
	check := func(want int, args ...string) result {
		t.Helper()
		out, errOut, code := runBinary(t, []string{checkNow}, append([]string{"--db", db, "check", "--only", "editorial/*", "--format", "json"}, args...)...)
		if code != want {
			t.Fatalf("check %v: exit %d, want %d\n%s", args, code, want, errOut)
		}
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("json output: %v\n%s", err, out)
		}
		return r
	}
	first := check(exitFindings)
	if first.Counts.Errors != 1 || first.Counts.Warnings != 1 || first.Counts.New != 2 || first.Run.PreviousID != 0 {
		t.Fatalf("first check: %+v", first)
	}
	second := check(exitFindings)
	if second.Counts.Persisting != 2 || second.Counts.New != 0 || second.Run.PreviousID != first.Run.ID {
		t.Errorf("second check: %+v", second)
	}

	baseline := filepath.Join(dir, "baseline.json")
	if _, errOut, code := runBinary(t, []string{checkNow}, "--db", db, "check", "--only", "editorial/*", "--baseline", baseline, "--update-baseline"); code != exitOK {
		t.Fatalf("--update-baseline: exit %d: %s", code, errOut)
	}
	withBaseline := check(exitOK, "--baseline", baseline)
	if withBaseline.Counts.Baselined != 2 || withBaseline.Run.Failed {
		t.Errorf("with the baseline: %+v", withBaseline)
	}

	var headline string
	for _, f := range first.Findings {
		if f.RuleID == "editorial/headline-missing" {
			headline = f.Fingerprint
		}
	}
	waivers := filepath.Join(dir, "waivers.yaml")
	write := func(expires string) {
		text := fmt.Sprintf("waivers:\n  - fingerprint: %s\n    reason: Gallery page without a headline.\n    owner: desk@example.gov\n    expires: %s\n", headline, expires)
		if err := os.WriteFile(waivers, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("2024-12-31")
	waived := check(exitOK, "--waivers", waivers)
	if waived.Counts.Waived != 1 || waived.Counts.Errors != 0 {
		t.Errorf("with a waiver in force: %+v", waived.Counts)
	}
	write("2024-04-01")
	expired := check(exitFindings, "--waivers", waivers)
	found := false
	for _, f := range expired.Findings {
		if f.Fingerprint == headline {
			found = f.Suppressed == "" && strings.Contains(f.WaiverNote, "expired")
		}
	}
	if !found || expired.Counts.Errors != 1 {
		t.Errorf("an expired waiver must fail again: %+v", expired)
	}
	if _, errOut, code := runBinary(t, nil, "--db", db, "check", "--waivers", filepath.Join(dir, "none.yaml")); code != exitError {
		t.Errorf("missing waivers file: exit %d: %s", code, errOut)
	}
}

// TestCheckFormats writes every format through the binary and reads each
// back as its consumer would.
func TestCheckFormats(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	site := staticSite(t, false)
	dir := t.TempDir()
	db := filepath.Join(dir, "archive.db")
	if _, errOut, code := runBinary(t, nil, "--db", db, "crawl", "--base-url", "https://www.example.gov", site); code != exitOK {
		t.Fatalf("crawl: exit %d: %s", code, errOut)
	}
	for _, format := range []string{"text", "json", "csv", "sarif", "junit", "github", "gitlab"} {
		t.Run(format, func(t *testing.T) {
			out := filepath.Join(dir, "out."+format)
			summary := filepath.Join(dir, "summary-"+format+".md")
			stdout, errOut, code := runBinary(t, []string{checkNow, "GITHUB_STEP_SUMMARY=" + summary}, "--db", db, "check", "--only", "editorial/*", "--format", format, "--out", out)
			if code != exitFindings || stdout != "" || !strings.Contains(errOut, "check failed") {
				t.Fatalf("exit %d, stdout %q, stderr %q", code, stdout, errOut)
			}
			data, err := os.ReadFile(out)
			if err != nil {
				t.Fatal(err)
			}
			switch format {
			case "json", "sarif", "gitlab":
				if !json.Valid(data) {
					t.Errorf("invalid JSON:\n%s", data)
				}
			case "junit":
				var v struct{}
				if err := xml.Unmarshal(data, &v); err != nil {
					t.Errorf("invalid XML: %v", err)
				}
			case "github":
				if !strings.HasPrefix(string(data), "::error ") {
					t.Errorf("no error annotation first:\n%s", data)
				}
				sum, err := os.ReadFile(summary)
				if err != nil || !strings.Contains(string(sum), "## archiver check: failed") {
					t.Errorf("step summary %q: %v", sum, err)
				}
			}
			if !strings.Contains(string(data), "headline-missing") && format != "csv" || format == "csv" && !strings.Contains(string(data), "editorial/headline-missing") {
				t.Errorf("%s output does not name the finding:\n%s", format, data)
			}
		})
	}
}

// TestRulesCommands lists, explains and tests the default packs.
func TestRulesCommands(t *testing.T) {
	out, errOut, code := appRun(t, "rules", "list")
	if code != exitOK || !strings.Contains(out, "editorial/date-in-future") || !strings.Contains(out, "links/") || !strings.Contains(out, "archive/") {
		t.Fatalf("rules list: exit %d\n%s\n%s", code, out, errOut)
	}
	out, _, code = appRun(t, "rules", "list", "--format", "json")
	var list []struct{ ID, Severity string }
	if code != exitOK || json.Unmarshal([]byte(out), &list) != nil || len(list) < 14 {
		t.Errorf("rules list --format json: exit %d\n%s", code, out)
	}
	out, _, code = appRun(t, "rules", "explain", "editorial/lang-mismatch")
	for _, want := range []string{"Why", "How to fix", "Example", "Kind language", "by_path", "Fixtures"} {
		if code != exitOK || !strings.Contains(out, want) {
			t.Errorf("rules explain lacks %q:\n%s", want, out)
		}
	}
	if _, _, code := appRun(t, "rules", "explain", "editorial/nothing"); code != exitError {
		t.Errorf("explain of an unknown rule: exit %d", code)
	}
	out, errOut, code = appRun(t, "rules", "test")
	if code != exitOK || !strings.Contains(out, " 0 failed") {
		t.Errorf("rules test: exit %d\n%s\n%s", code, out, errOut)
	}
	// A fixture that contradicts its rule fails the test with exit 1.
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "house"), 0o755); err != nil {
		t.Fatal(err)
	}
	rule := "id: house/short\ntitle: Short pages\nseverity: note\nkind: expr\nassert: 'word_count < 10'\n"
	if err := os.WriteFile(filepath.Join(dir, "house", "short.yaml"), []byte(rule), 0o644); err != nil {
		t.Fatal(err)
	}
	page := "<html lang=en><body><h1>Title</h1><p>" + strings.Repeat("word ", 50) + "</p></body></html>"
	if err := os.WriteFile(filepath.Join(dir, "house", "short.good.html"), []byte(page), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code = appRun(t, "rules", "test", "--no-default-rules", "--rules", dir)
	if code != exitFindings || !strings.Contains(out, "FAIL house/short") {
		t.Errorf("failing fixture: exit %d\n%s", code, out)
	}
}
