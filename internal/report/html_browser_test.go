package report

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/chromedp"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/report/htmltest"
)

func writeReport(t *testing.T, a *Audit) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "report.html")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := HTML(f, a); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func countOpen(a *Audit, sev archive.Severity) int {
	n := 0
	for _, f := range a.Result.Findings {
		if IsOpen(&f) && (sev == "" || f.Severity == sev) {
			n++
		}
	}
	return n
}

// TestHTMLInBrowser opens a report in headless Chromium: the sections and
// counts are there, filters and pages work, evidence opens, a hostile
// archived page renders inert, nothing leaves the file and nothing logs an
// error. It saves a screenshot of the whole page.
func TestHTMLInBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	a := fixtureAudit(200, 400)
	path := writeReport(t, a)
	b := htmltest.Open(t, true)
	b.Run(t, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#findings-list .finding", chromedp.ByQuery))

	var headings []string
	b.Eval(t, `Array.from(document.querySelectorAll("h2")).map(h => h.textContent.trim())`, &headings)
	want := []string{"Summary", "Archive coverage", "Findings", "Changes", "Removals", "Waivers register", "Archived copies", "Reproducibility"}
	if strings.Join(headings, "|") != strings.Join(want, "|") {
		t.Errorf("sections %q, want %q", headings, want)
	}
	var landmarks map[string]int
	b.Eval(t, `({banner: document.querySelectorAll("body > header").length, nav: document.querySelectorAll("nav").length, main: document.querySelectorAll("main").length, contentinfo: document.querySelectorAll("body > footer").length})`, &landmarks)
	for _, k := range []string{"banner", "nav", "main", "contentinfo"} {
		if landmarks[k] != 1 {
			t.Errorf("%d %s landmarks, want 1", landmarks[k], k)
		}
	}

	open, errs := countOpen(a, ""), countOpen(a, archive.SeverityError)
	var status string
	var items int
	b.Eval(t, `document.getElementById("findings-status").textContent`, &status)
	b.Eval(t, `document.querySelectorAll("#findings-list details.finding").length`, &items)
	if want := fmt.Sprintf("Showing 1–50 of %d findings.", open); status != want || items != 50 {
		t.Errorf("findings status %q with %d items, want %q with 50", status, items, want)
	}
	var summary string
	b.Eval(t, `document.querySelector(".verdict").textContent`, &summary)
	if !strings.Contains(summary, fmt.Sprintf("%d open findings", open)) || !strings.Contains(summary, fmt.Sprintf("%d errors", errs)) {
		t.Errorf("summary %q does not give %d open findings and %d errors", summary, open, errs)
	}

	// Filter to errors, then page on.
	b.Run(t, chromedp.SetValue("#f-sev", "error", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("f-sev").dispatchEvent(new Event("input", {bubbles: true}))`, nil))
	b.Eval(t, `document.getElementById("findings-status").textContent`, &status)
	if want := fmt.Sprintf("Showing 1–50 of %d findings (filtered; %d open in all).", errs, open); status != want {
		t.Errorf("after filtering: %q, want %q", status, want)
	}
	var sevs []string
	b.Eval(t, `Array.from(document.querySelectorAll("#findings-list .finding .sev")).map(e => e.textContent)`, &sevs)
	for _, s := range sevs {
		if s != "error" {
			t.Fatalf("the error filter shows a %q finding", s)
		}
	}
	b.Run(t, chromedp.Click("#page-next", chromedp.ByQuery))
	b.Eval(t, `document.getElementById("findings-status").textContent`, &status)
	if !strings.HasPrefix(status, "Showing 51–") {
		t.Errorf("after Next: %q", status)
	}

	// A drill-down from the rules table, then the evidence of one finding.
	b.Run(t, chromedp.Click(`#rules-table a[data-filter-rule="links/broken-internal"]`, chromedp.ByQuery))
	b.Eval(t, `document.getElementById("findings-status").textContent`, &status)
	if want := fmt.Sprintf("of %d findings", countRule(a, "links/broken-internal")); !strings.Contains(status, want) {
		t.Errorf("after choosing the rule: %q, want %q", status, want)
	}
	b.Run(t, chromedp.Click("#findings-list details.finding summary", chromedp.ByQuery),
		chromedp.WaitVisible("#findings-list details.finding .body .evidence", chromedp.ByQuery))
	var evidence string
	b.Eval(t, `document.querySelector("#findings-list details.finding .body").textContent`, &evidence)
	for _, w := range []string{"Body SHA-256", "Captured (UTC)", "HTTP status", "How to fix", "2 places"} {
		if !strings.Contains(evidence, w) {
			t.Errorf("evidence lacks %q: %.500s", w, evidence)
		}
	}

	// The hostile finding text shows as text.
	b.Run(t, chromedp.SetValue("#f-sev", "", chromedp.ByQuery), chromedp.SetValue("#f-rule", "", chromedp.ByQuery),
		chromedp.SetValue("#f-q", "window.pwned", chromedp.ByQuery),
		chromedp.Evaluate(`document.getElementById("f-q").dispatchEvent(new Event("input", {bubbles: true}))`, nil))
	var msg string
	b.Eval(t, `document.querySelector("#findings-list .finding .msg").textContent`, &msg)
	if msg != "Headline "+hostile {
		t.Errorf("hostile headline shown as %q", msg)
	}

	// Open the hostile archived copy in its frame.
	b.Run(t, chromedp.Navigate("file://"+path+"#copy-1001"), chromedp.WaitVisible("#copy-1001 iframe", chromedp.ByQuery), chromedp.Sleep(500*time.Millisecond))
	var sandbox string
	var hasSandbox bool
	b.Run(t, chromedp.AttributeValue("#copy-1001 iframe", "sandbox", &sandbox, &hasSandbox, chromedp.ByQuery))
	if !hasSandbox || sandbox != "" {
		t.Errorf("copy frame sandbox=%q (present %v), want an empty sandbox", sandbox, hasSandbox)
	}
	frameText := ""
	for _, ctx := range b.Frames(t) {
		var s string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &s)); err != nil {
			t.Fatal(err)
		}
		frameText += s
	}
	if !b.FrameHasText(t, "Minister visits plant") && !strings.Contains(frameText, "Minister visits plant") {
		t.Errorf("the archived copy's text is not in its frame (frames say %q)", frameText)
	}
	var pwned, title string
	b.Eval(t, `String(window.pwned)`, &pwned)
	b.Eval(t, `document.title`, &title)
	if pwned != "undefined" || !strings.HasPrefix(title, "Audit report:") {
		t.Errorf("hostile page ran code: window.pwned=%s, title=%q", pwned, title)
	}

	b.Run(t, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#findings-list .finding", chromedp.ByQuery))
	var shot []byte
	b.Run(t, chromedp.FullScreenshot(&shot, 100))
	out := filepath.Join(htmltest.ArtifactDir(t), "report.png")
	if err := os.WriteFile(out, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", out)

	b.Axe(t)
	b.CheckClean(t)
}

func countRule(a *Audit, rule string) int {
	n := 0
	for _, f := range a.Result.Findings {
		if IsOpen(&f) && f.RuleID == rule {
			n++
		}
	}
	return n
}

// TestHTMLWithoutScripts opens the report with JavaScript disabled: the
// summary, the first findings with their evidence and the archived copies
// are all there.
func TestHTMLWithoutScripts(t *testing.T) {
	if testing.Short() {
		t.Skip("the browser test is not short")
	}
	a := fixtureAudit(200, 400)
	path := writeReport(t, a)
	b := htmltest.Open(t, false)
	var items, frames int
	var status, verdict string
	b.Run(t, chromedp.Navigate("file://"+path), chromedp.WaitReady("#repro", chromedp.ByQuery),
		chromedp.Text("#findings-status", &status, chromedp.ByQuery),
		chromedp.Text(".verdict", &verdict, chromedp.ByQuery))
	b.Run(t, chromedp.ActionFunc(func(ctx context.Context) error {
		var nodes []*cdp.Node
		if err := chromedp.Nodes("#findings-list details.finding", &nodes, chromedp.ByQueryAll).Do(ctx); err != nil {
			return err
		}
		items = len(nodes)
		if err := chromedp.Nodes("details.copy iframe[sandbox]", &nodes, chromedp.ByQueryAll, chromedp.AtLeast(0)).Do(ctx); err != nil {
			return err
		}
		frames = len(nodes)
		return nil
	}))
	open := countOpen(a, "")
	if items != firstFindings || !strings.Contains(status, fmt.Sprintf("Showing the first %d of %d open findings", firstFindings, open)) {
		t.Errorf("without scripts: %d findings, status %q", items, status)
	}
	if !strings.Contains(verdict, fmt.Sprintf("%d open findings", open)) {
		t.Errorf("verdict %q", verdict)
	}
	if frames != len(a.Copies) {
		t.Errorf("%d sandboxed copy frames without scripts, want %d", frames, len(a.Copies))
	}
	b.CheckClean(t)
}
