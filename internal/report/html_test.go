package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"golang.org/x/net/html"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/html")

// golden compares got with testdata/html/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "html", name)
	if *update {
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
		t.Fatalf("%v (run the test with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < len(gl) && i < len(wl); i++ {
			if gl[i] != wl[i] {
				t.Fatalf("%s differs at line %d:\n got: %.300s\nwant: %.300s\n(run with -update if the change is intended)", path, i+1, gl[i], wl[i])
			}
		}
		t.Fatalf("%s differs in length: got %d lines, want %d (run with -update if the change is intended)", path, len(gl), len(wl))
	}
}

// TestReportDataGolden pins what the report says: counts, score and its
// deductions, groups, coverage, changes and the first findings.
func TestReportDataGolden(t *testing.T) {
	got, err := json.MarshalIndent(buildReport(fixtureAudit(60, 240)), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "data.golden.json", append(got, '\n'))
}

// TestHTMLGolden pins the whole page of a small audit, and that writing it
// twice gives the same bytes.
func TestHTMLGolden(t *testing.T) {
	var a, b bytes.Buffer
	if err := HTML(&a, fixtureAudit(12, 30)); err != nil {
		t.Fatal(err)
	}
	if err := HTML(&b, fixtureAudit(12, 30)); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Fatal("two reports of the same audit differ")
	}
	golden(t, "report.golden.html", a.Bytes())
}

func TestSummaryCounts(t *testing.T) {
	a := fixtureAudit(60, 240)
	d := buildReport(a)
	// Count independently from the input.
	var open, errs, suppressed, baselined, newOpen, resolved int
	pages := map[string]bool{}
	for _, f := range a.Result.Findings {
		if f.State == archive.StateResolved {
			resolved++
			continue
		}
		switch f.Suppressed {
		case "":
			open++
			pages[f.URL] = true
			if f.Severity == archive.SeverityError {
				errs++
			}
			if f.State == archive.StateNew {
				newOpen++
			}
		case "baseline":
			baselined++
		default:
			suppressed++
		}
	}
	if d.Open.Total() != open || d.Open.Errors != errs || d.Waived != suppressed || d.Baselined != baselined || d.New != newOpen {
		t.Errorf("open %d errors %d waived %d baselined %d new %d; want %d %d %d %d %d",
			d.Open.Total(), d.Open.Errors, d.Waived, d.Baselined, d.New, open, errs, suppressed, baselined, newOpen)
	}
	if d.New+d.Persisting != open {
		t.Errorf("new %d + persisting %d != open %d", d.New, d.Persisting, open)
	}
	if d.PagesWithFindings != len(pages) {
		t.Errorf("pages with findings %d, want %d", d.PagesWithFindings, len(pages))
	}
	if d.Resolved != resolved || resolved == 0 {
		t.Errorf("resolved %d, want %d (and more than 0)", d.Resolved, resolved)
	}
	sum := 0
	for _, r := range d.Rules {
		sum += r.Open
	}
	if sum != open {
		t.Errorf("rules add up to %d open findings, want %d", sum, open)
	}
	if len(d.FirstFindings) != firstFindings {
		t.Errorf("%d findings rendered without script, want %d", len(d.FirstFindings), firstFindings)
	}
	for i := 1; i < len(d.FirstFindings); i++ {
		if d.FirstFindings[i-1].Severity.Rank() < d.FirstFindings[i].Severity.Rank() {
			t.Fatalf("finding %d (%s) before a more severe one", i-1, d.FirstFindings[i-1].Severity)
		}
	}
}

func TestScore(t *testing.T) {
	tests := []struct {
		name    string
		groups  []ruleGroup
		pages   int
		overall int
		packs   map[string]int
	}{
		{"clean", []ruleGroup{{ID: "a/x", Pack: "a", Severity: archive.SeverityError}}, 100, 100, map[string]int{"a": 100}},
		// 30 × (0.2 + 0.8 × √0.01) = 8.4.
		{"one error on one page of 100", []ruleGroup{{ID: "a/x", Pack: "a", Severity: archive.SeverityError, Open: 1, Pages: 1}}, 100, 92, map[string]int{"a": 92}},
		// 30 × (0.2 + 0.8 × √0.5) = 22.97; 12 × (0.2 + 0.8 × 1) = 12; (77 + 88) / 2 = 82.5.
		{"two packs", []ruleGroup{
			{ID: "a/x", Pack: "a", Severity: archive.SeverityError, Open: 70, Pages: 50},
			{ID: "b/y", Pack: "b", Severity: archive.SeverityWarning, Open: 300, Pages: 100},
		}, 100, 83, map[string]int{"a": 77, "b": 88}},
		{"floor at zero", []ruleGroup{
			{ID: "a/1", Pack: "a", Severity: archive.SeverityError, Open: 9, Pages: 9},
			{ID: "a/2", Pack: "a", Severity: archive.SeverityError, Open: 9, Pages: 9},
			{ID: "a/3", Pack: "a", Severity: archive.SeverityError, Open: 9, Pages: 9},
			{ID: "a/4", Pack: "a", Severity: archive.SeverityError, Open: 9, Pages: 9},
			{ID: "a/5", Pack: "a", Severity: archive.SeverityError, Open: 9, Pages: 9},
			{ID: "a/6", Pack: "a", Severity: archive.SeverityError, Open: 9, Pages: 9},
		}, 9, 0, map[string]int{"a": 0}},
		// 3 × 0.2 = 0.6.
		{"unknown denominator costs the minimum", []ruleGroup{{ID: "a/x", Pack: "a", Severity: archive.SeverityNote, Open: 5, Pages: 5}}, 0, 99, map[string]int{"a": 99}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			packs, overall := scorePacks(tt.groups, tt.pages)
			if overall != tt.overall {
				t.Errorf("overall %d, want %d", overall, tt.overall)
			}
			for _, p := range packs {
				if p.Score != tt.packs[p.Pack] {
					t.Errorf("pack %s: %d, want %d", p.Pack, p.Score, tt.packs[p.Pack])
				}
				if p.Band != band(p.Score) {
					t.Errorf("pack %s: band %q for %d", p.Pack, p.Band, p.Score)
				}
			}
		})
	}
}

// TestHostileTextStaysText checks the raw page: text planted by a hostile
// page appears only escaped, and the findings JSON cannot end its script
// element.
func TestHostileTextStaysText(t *testing.T) {
	var buf bytes.Buffer
	if err := HTML(&buf, fixtureAudit(12, 30)); err != nil {
		t.Fatal(err)
	}
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	scripts, handlers := 0, 0
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if n.Data == "script" {
				scripts++
			}
			for _, at := range n.Attr {
				if strings.HasPrefix(at.Key, "on") {
					handlers++
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	// The findings JSON and the report's own script, nothing else.
	if scripts != 2 || handlers != 0 {
		t.Errorf("the parsed report has %d script elements and %d event handler attributes; want 2 and 0", scripts, handlers)
	}
	blob := regexp.MustCompile(`(?s)<script type="application/json" id="findings-data">(.*?)</script>`).FindSubmatch(buf.Bytes())
	if blob == nil {
		t.Fatal("no findings JSON in the report")
	}
	var v struct {
		Findings []struct {
			M string `json:"m"`
		} `json:"findings"`
	}
	if err := json.Unmarshal(blob[1], &v); err != nil {
		t.Fatalf("findings JSON: %v", err)
	}
	found := false
	for _, f := range v.Findings {
		found = found || strings.Contains(f.M, hostile)
	}
	if !found {
		t.Error("the hostile headline did not survive the JSON round trip intact")
	}
}

// TestRenderCopy checks the sanitiser on its own: what it keeps, what it
// removes, and that it decodes legacy charsets.
func TestRenderCopy(t *testing.T) {
	a := fixtureAudit(12, 30)
	p := copyPolicy()
	hostileOut := renderCopy(p, &a.Copies[0])
	for _, bad := range []string{"<script", "onerror", "onload", "javascript:", "127.0.0.1", "<iframe", "<object", "<form", "<base", "<link", "<meta http-equiv=\"refresh", "url("} {
		if strings.Contains(strings.ToLower(hostileOut), strings.ToLower(bad)) {
			t.Errorf("sanitised copy still contains %q", bad)
		}
	}
	for _, good := range []string{"Minister visits plant", "MINSK, 3 April (BelTA)", "<b>visited</b>", `alt="The minister"`, "Photo by sectsco.org", "a link"} {
		if !strings.Contains(hostileOut, good) {
			t.Errorf("sanitised copy lost %q", good)
		}
	}
	if out := renderCopy(p, &a.Copies[1]); !strings.Contains(out, "Министр посетил завод.") {
		t.Errorf("windows-1251 copy not decoded: %.400s", out)
	}
	if out := renderCopy(p, &a.Copies[2]); !strings.Contains(out, "image/jpeg body of 4 bytes, not shown") {
		t.Errorf("binary copy: %.400s", out)
	}
}

func TestSideBySide(t *testing.T) {
	tests := []struct {
		before, after string
		changed       bool
		kinds         string
	}{
		{"Same text. Twice.", "Same text. Twice.", false, "fold"},
		{"Same.", "Same.", false, "same"},
		{"One. Two. Three.", "One. Two changed. Three.", true, "same changed same"},
		{"One. Two.", "One. Two. Three.", true, "same same added"},
		{"One. Two.", "Two.", true, "removed same"},
		{"", "New.", true, "added"},
		{"A. B. C. D. E. F. G. H. X.", "A. B. C. D. E. F. G. H. Y.", true, "fold same same changed"},
	}
	for _, tt := range tests {
		rows, changed := sideBySide(tt.before, tt.after)
		var kinds []string
		for _, r := range rows {
			kinds = append(kinds, r.Kind)
		}
		if changed != tt.changed || strings.Join(kinds, " ") != tt.kinds {
			t.Errorf("sideBySide(%q, %q) = %q, %v; want %q, %v", tt.before, tt.after, strings.Join(kinds, " "), changed, tt.kinds, tt.changed)
		}
	}
	rows, _ := sideBySide("The cat <sat>.", "The dog <sat>.")
	if got := string(rows[0].Before) + "|" + string(rows[0].After); got != "The <del>cat</del> &lt;sat&gt;.|The <ins>dog</ins> &lt;sat&gt;." {
		t.Errorf("word diff = %s", got)
	}
}

func TestHTMLNeedsResult(t *testing.T) {
	if err := HTML(&bytes.Buffer{}, &Audit{}); err == nil {
		t.Error("HTML without a result did not fail")
	}
}

func TestBusiestWindow(t *testing.T) {
	mk := func(counts ...int) []CoverageDay {
		var out []CoverageDay
		for i, n := range counts {
			out = append(out, CoverageDay{Date: fmt.Sprintf("2024-01-%02d", i+1), Articles: n})
		}
		return out
	}
	tests := []struct {
		in    []CoverageDay
		n     int
		first string
		days  int
	}{
		{mk(1, 2, 3), 5, "2024-01-01", 3},
		{mk(0, 1, 2, 0), 5, "2024-01-02", 2},          // quiet ends trimmed
		{mk(5, 5, 0, 0, 0, 1), 3, "2024-01-01", 2},    // busiest window, quiet end trimmed
		{mk(0, 0, 0, 4, 4, 0, 1), 3, "2024-01-04", 2}, // busiest window, quiet end trimmed
		{mk(1, 0, 0, 1), 2, "2024-01-04", 1},          // a tie goes to the latest window
	}
	for _, tt := range tests {
		w := busiestWindow(tt.in, tt.n)
		if w[0].Date != tt.first || len(w) != tt.days {
			t.Errorf("busiestWindow(%v, %d) starts %s with %d days, want %s with %d", tt.in, tt.n, w[0].Date, len(w), tt.first, tt.days)
		}
	}
	gap := mk(0, 3, 0, 0)
	gap[3].Gap = true
	if w := busiestWindow(gap, 10); len(w) != 3 || w[0].Date != "2024-01-02" {
		t.Errorf("a flagged gap at the end must stay: got %v", w)
	}
}
