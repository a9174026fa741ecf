package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/report"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/internal/timeline"
)

func TestReportWithoutCheckRun(t *testing.T) {
	db := filepath.Join(t.TempDir(), "archive.db")
	s, err := sqlite.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"report"}, "the archive has no check run"},
		{[]string{"report", "--run", "42"}, "no check run 42"},
		{[]string{"report", "--copies", "-1"}, "must not be negative"},
		{[]string{"report", "extra"}, "unexpected arguments"},
	} {
		args := append([]string{"archiver", "--db", db}, tc.args...)
		args = append(args, "--out", t.TempDir())
		err := run(context.Background(), args, strings.NewReader(""), io.Discard, io.Discard)
		if exitCodeOf(err) != exitError || err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: %v (exit %d); want exit %d saying %q", tc.args, err, exitCodeOf(err), exitError, tc.want)
		}
	}
}

func TestWaiverRegister(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.Parse("2006-01-02", s); return d }
	findings := []archive.Finding{
		{RuleID: "editorial/image-credit-missing", Suppressed: report.SuppressedWaiver, WaiverNote: "waived by desk@example.gov: agency photos (expires 2026-12-31)"},
		{RuleID: "editorial/image-credit-missing", Suppressed: report.SuppressedWaiver, WaiverNote: "waived by desk@example.gov: agency photos (expires 2026-12-31)"},
		{RuleID: "links/broken-internal", Suppressed: report.SuppressedWaiver, WaiverNote: "waived by web team: legacy pages"},
		{RuleID: "editorial/date-missing", WaiverNote: "waiver expired 2026-01-31 (owner j.doe: migration)"},
		{RuleID: "editorial/date-missing", State: archive.StateResolved, WaiverNote: "waived by x: gone"},
	}
	got := waiverRegister(findings)
	want := []report.Waiver{
		{RuleID: "editorial/image-credit-missing", Owner: "desk@example.gov", Reason: "agency photos", Expires: day("2027-01-01"), Matches: 2},
		{RuleID: "links/broken-internal", Owner: "web team", Reason: "legacy pages", Matches: 1},
		{RuleID: "editorial/date-missing", Owner: "j.doe", Reason: "migration", Expires: day("2026-02-01"), Expired: true, Matches: 1},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d waivers, want %d: %+v", len(got), len(want), got)
	}
	for _, w := range want {
		found := false
		for _, g := range got {
			found = found || g == w
		}
		if !found {
			t.Errorf("register lacks %+v; got %+v", w, got)
		}
	}
}

// TestReportGathersTheArchive crawls two days of the demo portal into a
// real archive, stores two check runs with findings on some of its
// captures, and writes the report with the command: the counts, the
// resolved findings, the trend, the changes and removals of the timeline,
// the embedded copies and the exports all come from the archive.
func TestReportGathersTheArchive(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal twice")
	}
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "archive.db")
	addr := freeAddr(t)
	var fingerprints [2]map[string]bool
	for day := 0; day < 2; day++ {
		base, _, stop, err := startDemoPortal(ctx, demoPortalConfig{Addr: addr, Portal: portal.Config{Seed: 1, Articles: 24, Day: day}})
		if err != nil {
			t.Fatal(err)
		}
		_, errOut, code := appRun(t, "--db", db, "crawl", "--delay", "0", "--workers", "4", base+"/en/")
		stop()
		if code != exitOK {
			t.Fatalf("crawl day %d: exit %d: %s", day, code, errOut)
		}
		s, err := sqlite.Open(ctx, db)
		if err != nil {
			t.Fatal(err)
		}
		crawl, err := s.LatestRun(ctx)
		if err != nil {
			t.Fatal(err)
		}
		// A finding on every fifth page of the day (offset by the day, so
		// that some are resolved and some new the next day).
		var fs []archive.Finding
		n := 0
		fingerprints[day] = map[string]bool{}
		err = s.EachCapture(ctx, sqlite.CaptureQuery{RunID: crawl.ID, Responses: true, ContentType: "text/html"}, func(c *archive.Capture) error {
			n++
			if (n+day)%5 == 0 {
				f := archive.Finding{RuleID: "editorial/attribution-missing", Severity: archive.SeverityError, Message: "no author and no source",
					URL: c.CanonicalURL, CaptureID: c.ID, CapturedAt: c.FetchedAt, BodySHA256: c.BodySHA256, Status: c.Status, FinalURL: c.FinalURL,
					State: archive.StateNew}
				f.Fingerprint = archive.Fingerprint(f.RuleID, f.URL, "")
				if fingerprints[0][f.Fingerprint] {
					f.State = archive.StatePersisting
				}
				fingerprints[day][f.Fingerprint] = true
				fs = append(fs, f)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.SaveCheckRun(ctx, sqlite.CheckRun{CrawlRunID: crawl.ID, PreviousID: int64(day), StartedAt: crawl.FinishedAt, FinishedAt: crawl.FinishedAt,
			RulesHash: "sha256:test", FailOn: "error", Failed: true, Pages: n, Errors: len(fs)}, fs); err != nil {
			t.Fatal(err)
		}
		s.Close()
	}
	resolved := 0
	for fp := range fingerprints[0] {
		if !fingerprints[1][fp] {
			resolved++
		}
	}

	out := filepath.Join(t.TempDir(), "report")
	stdout, errOut, code := appRun(t, "--db", db, "report", "--out", out, "--copies", "20")
	if code != exitOK {
		t.Fatalf("report: exit %d: %s", code, errOut)
	}
	if strings.TrimSpace(stdout) != filepath.Join(out, "report.html") {
		t.Fatalf("report printed %q", stdout)
	}
	var exported report.Result
	data, err := os.ReadFile(filepath.Join(out, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &exported); err != nil {
		t.Fatal(err)
	}
	if exported.Counts.Open != len(fingerprints[1]) || exported.Counts.Resolved != resolved || resolved == 0 {
		t.Errorf("findings.json counts %+v; want %d open and %d resolved", exported.Counts, len(fingerprints[1]), resolved)
	}
	if r := exported.Rule("editorial/attribution-missing"); r == nil || r.Title == r.ID || r.Help == "" {
		t.Errorf("the rule's title and help were not read from the default packs: %+v", r)
	}
	page, err := os.ReadFile(filepath.Join(out, "report.html"))
	if err != nil {
		t.Fatal(err)
	}
	html := string(page)
	for _, want := range []string{
		fmt.Sprintf("<strong>%d open findings</strong>", len(fingerprints[1])),
		fmt.Sprintf("Resolved since the previous run (%d)", resolved),
		`<svg class="chart"`, `<svg class="heatmap"`, `class="plain change"`, `<details class="copy" id="copy-`,
		`href="findings.csv"`, `href="findings.json"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if copies := strings.Count(html, `<details class="copy"`); copies != 20 {
		t.Errorf("%d archived copies embedded, want the --copies limit of 20", copies)
	}
	// The changes and removals are the timeline's.
	store, ix, err := openTimeline(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	tl, err := timeline.BuildReport(ctx, timeline.Indexed(store, ix), ix, 0, timeline.DefaultOptions(), timeline.ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(tl.Changes) == 0 {
		t.Fatal("the timeline of two days of the portal has no change")
	}
	for _, want := range []string{
		fmt.Sprintf("Changes (%d)", len(tl.Changes)),
		fmt.Sprintf("Removals (%d)", len(tl.Removals)+len(tl.Orphans)),
	} {
		if !strings.Contains(html, want) {
			t.Errorf("report.html lacks %q", want)
		}
	}
	if n := strings.Count(html, `class="plain change"`); n != len(tl.Changes) {
		t.Errorf("%d changes rendered, want %d", n, len(tl.Changes))
	}
}

// freeAddr returns a loopback address free at the time of the call, for a
// portal that must come back on the same address the next day.
func freeAddr(t *testing.T) string {
	t.Helper()
	base, _, stop, err := startDemoPortal(context.Background(), demoPortalConfig{Portal: portal.Config{Seed: 1, Articles: 30}})
	if err != nil {
		t.Fatal(err)
	}
	stop()
	return strings.TrimPrefix(base, "http://")
}
