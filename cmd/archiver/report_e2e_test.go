package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/archiver-dev/archiver/internal/report/htmltest"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// crawlDemo crawls the demo portal of the given day into db, through the
// command line, and, with check, checks the newest run while the portal
// still serves (the links pack asks it about pages the crawl skipped).
// It returns the URLs of the pages the portal planted hostile content in.
func crawlDemo(t *testing.T, db, addr string, day int, check bool) (hostile []string) {
	t.Helper()
	base, p, stop, err := startDemoPortal(context.Background(), demoPortalConfig{Addr: addr, Portal: portal.Config{Seed: 1, Articles: 24, Day: day}})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for _, pg := range p.Manifest().Pages {
		if pg.HasQuirk(portal.QuirkHostileScript) || pg.HasQuirk(portal.QuirkHostileOnerror) || pg.HasQuirk(portal.QuirkHostileTitle) {
			hostile = append(hostile, base+pg.URL)
		}
	}
	if _, errOut, code := appRun(t, "--db", db, "crawl", "--delay", "0", "--workers", "4", base+"/en/"); code != exitOK {
		t.Fatalf("crawl day %d: exit %d: %s", day, code, errOut)
	}
	if !check {
		return hostile
	}
	if _, errOut, code := appRun(t, "--db", db, "check", "--fail-on", "never"); code != exitOK {
		t.Fatalf("check day %d: exit %d: %s", day, code, errOut)
	}
	return hostile
}

// TestReportEndToEnd crawls two days of the demo portal, checks the second,
// writes the report with the command, and opens it in headless Chromium:
// the counts agree with the archive, the changed and vanished pages are
// there, every embedded archived copy (the portal plants hostile pages)
// opens without running code or making a request, and nothing logs an
// error.
func TestReportEndToEnd(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal twice, checks it and opens a browser")
	}
	db := filepath.Join(t.TempDir(), "archive.db")
	ln := freeAddr(t)
	crawlDemo(t, db, ln, 0, false)
	hostile := crawlDemo(t, db, ln, 1, true)
	if len(hostile) == 0 {
		t.Fatal("the demo portal's manifest lists no hostile page")
	}

	out := filepath.Join(t.TempDir(), "report")
	args := []string{"--db", db, "report", "--out", out}
	for _, u := range hostile {
		args = append(args, "--copy", u)
	}
	stdout, errOut, code := appRun(t, args...)
	if code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	path := strings.TrimSpace(stdout)
	if path != filepath.Join(out, "report.html") {
		t.Fatalf("report printed %q, want the path of report.html in %s", stdout, out)
	}
	for _, name := range []string{"report.html", "findings.csv", "findings.json"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v (size %v)", name, err, fi)
		}
	}

	// What the archive says, to compare with the page.
	store, err := sqlite.OpenReadOnly(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	run, findings, err := store.LastCheckRun(context.Background())
	store.Close()
	if err != nil {
		t.Fatal(err)
	}
	open := 0
	for i := range findings {
		if report.IsOpen(&findings[i]) {
			open++
		}
	}
	var exported report.Result
	data, err := os.ReadFile(filepath.Join(out, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &exported); err != nil {
		t.Fatalf("findings.json: %v", err)
	}
	if exported.Run.ID != run.ID || exported.Counts.Open != open {
		t.Errorf("findings.json: check run %d with %d open findings; the archive has run %d with %d", exported.Run.ID, exported.Counts.Open, run.ID, open)
	}

	b := htmltest.Open(t, true)
	b.Run(t, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#summary", chromedp.ByQuery))
	var verdict, status string
	b.Eval(t, `document.querySelector(".verdict").textContent`, &verdict)
	b.Eval(t, `document.getElementById("findings-status").textContent`, &status)
	if open > 0 && !strings.Contains(verdict, fmt.Sprintf("%d open findings", open)) {
		t.Errorf("summary %q does not say %d open findings", verdict, open)
	}
	if open > 0 && !strings.Contains(status, fmt.Sprintf(" of %d findings", open)) {
		t.Errorf("findings status %q, want %d findings", status, open)
	}
	var counts struct{ Changes, Removals, Copies, Sections, Trend int }
	b.Eval(t, `({Changes: document.querySelectorAll("details.change").length, Removals: document.querySelectorAll("#removals tbody tr").length,
		Copies: document.querySelectorAll("details.copy").length, Sections: document.querySelectorAll("svg.heatmap").length,
		Trend: document.querySelectorAll("svg.chart rect").length})`, &counts)
	if counts.Changes == 0 || counts.Copies == 0 || counts.Sections == 0 || counts.Trend == 0 {
		t.Errorf("the report of two days shows %+v; want changes, copies, coverage heatmaps and a trend", counts)
	}

	// The hostile pages asked for with --copy are among the copies; open
	// every copy.
	var copies []string
	b.Eval(t, `Array.from(document.querySelectorAll("details.copy > summary > .mono")).map(e => e.textContent)`, &copies)
	for _, u := range hostile {
		found := false
		for _, c := range copies {
			found = found || strings.HasPrefix(c, u) || strings.HasPrefix(u, c)
		}
		if !found {
			t.Errorf("the hostile page %s is not embedded", u)
		}
	}
	b.Run(t, chromedp.Evaluate(`document.querySelectorAll("details.copy").forEach(d => d.open = true)`, nil), chromedp.Sleep(2*time.Second))
	var frames int
	b.Eval(t, `document.querySelectorAll("details.copy iframe[sandbox='']").length`, &frames)
	if frames != counts.Copies {
		t.Errorf("%d sandboxed frames for %d copies", frames, counts.Copies)
	}
	frameText := ""
	for _, ctx := range b.Frames(t) {
		var s string
		if err := chromedp.Run(ctx, chromedp.Evaluate(`document.body ? document.body.innerText : ""`, &s)); err != nil {
			t.Fatal(err)
		}
		frameText += s
	}
	if strings.Contains(frameText, "injected by a script") {
		t.Error("a hostile page's script wrote into its copy")
	}
	var pwned string
	b.Eval(t, `String(window.hostile)`, &pwned)
	if pwned != "undefined" {
		t.Errorf("a hostile archived page ran its script in the report (window.hostile = %s)", pwned)
	}

	b.Run(t, chromedp.Navigate("file://"+path), chromedp.WaitVisible("#summary", chromedp.ByQuery))
	var shot []byte
	b.Run(t, chromedp.FullScreenshot(&shot, 100))
	png := filepath.Join(htmltest.ArtifactDir(t), "demo-report.png")
	if err := os.WriteFile(png, shot, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("report %s; screenshot %s; %d open findings, %+v", path, png, open, counts)
	b.Axe(t)
	b.CheckClean(t)
}
