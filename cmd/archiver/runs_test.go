package main

import (
	"context"
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// archiveFixture is a small archive: run 1 complete with its counts, run 2
// killed while running (no counts recorded).
type archiveFixture struct {
	path       string
	run1, run2 int64
	start      time.Time
	body       []byte
	captures   map[string]int64
}

func newArchiveFixture(t *testing.T) archiveFixture {
	t.Helper()
	ctx := context.Background()
	f := archiveFixture{
		path:     filepath.Join(t.TempDir(), "archive.db"),
		start:    time.Date(2026, 4, 3, 9, 30, 0, 0, time.UTC),
		body:     []byte("<html><head><meta charset=windows-1251></head><body>\xcc\xe8\xed\xf1\xea, 3 \xe0\xef\xf0\xe5\xeb\xff</body></html>\r\n"),
		captures: map[string]int64{},
	}
	s, err := sqlite.Open(ctx, f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	f.run1, err = s.CreateRun(ctx, archive.Run{Seeds: []string{"https://portal.example/"}, Config: `{"max_pages":100}`, StartedAt: f.start})
	if err != nil {
		t.Fatal(err)
	}
	put := func(name string, c *archive.Capture) {
		t.Helper()
		if _, _, err := s.PutCapture(ctx, c); err != nil {
			t.Fatal(err)
		}
		f.captures[name] = c.ID
	}
	put("run1", &archive.Capture{
		RunID: f.run1, URL: "http://www.portal.example/news/1?utm_source=x", CanonicalURL: "https://portal.example/news/1",
		FinalURL:  "https://portal.example/news/1",
		Redirects: []archive.Redirect{{URL: "http://www.portal.example/news/1?utm_source=x", Status: 301, Location: "https://portal.example/news/1"}},
		Method:    "GET", RequestHeader: http.Header{"User-Agent": {"archiver/test"}},
		Status: 200, Proto: "HTTP/1.1", Header: http.Header{"Content-Type": {"text/html; charset=windows-1251"}, "Set-Cookie": {"a=1", "b=2"}},
		RemoteAddr: "127.0.0.1:8080", FetchedAt: f.start.Add(time.Second), Duration: 12 * time.Millisecond,
		ContentLength: int64(len(f.body)), Depth: 1, DiscoveredFrom: "https://portal.example/",
		Verdict: archive.VerdictOK, Body: f.body,
	})
	if err := s.AddAlias(ctx, f.run1, "https://portal.example/index.php?id=1", "https://portal.example/news/1", "duplicate content"); err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, f.run1, archive.RunComplete, archive.RunCounts{Captured: 7, Revisits: 1, Refused: 2, Errors: 3, Skipped: map[string]int{"robots": 4, "trap": 5}}, f.start.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}

	f.run2, err = s.CreateRun(ctx, archive.Run{Seeds: []string{"https://portal.example/", "https://portal.example/sitemap.xml"}, StartedAt: f.start.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	put("run2", &archive.Capture{
		RunID: f.run2, URL: "https://portal.example/news/1", CanonicalURL: "https://portal.example/news/1", FinalURL: "https://portal.example/news/1",
		Status: 304, Proto: "HTTP/1.1", Header: http.Header{"Etag": {`"v1"`}}, FetchedAt: f.start.Add(time.Hour + time.Second),
		Verdict: archive.VerdictRevisit, BodySHA256: sha256Of(f.body), RevisitOf: f.captures["run1"], ContentLength: -1,
	})
	put("error", &archive.Capture{
		RunID: f.run2, URL: "https://portal.example/reset", CanonicalURL: "https://portal.example/reset",
		FetchedAt: f.start.Add(time.Hour + 2*time.Second), Verdict: archive.VerdictError, Error: "connection reset by peer", ContentLength: -1,
	})
	if err := s.Skip(ctx, f.run2, archive.FrontierEntry{URL: "https://portal.example/private/", Reason: "robots"}); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestRunsText(t *testing.T) {
	f := newArchiveFixture(t)
	out, errOut, code := appRun(t, "--db", f.path, "runs")
	if code != exitOK {
		t.Fatalf("runs: exit %d, stderr %s", code, errOut)
	}
	want := `ID        STARTED (UTC)       FINISHED (UTC)       STATUS  CAPTURED  REVISITS  REFUSED  ERRORS  SKIPPED  SEEDS
 2  2026-04-03 10:30:00                 -     running        0*        1*       0*      1*       1*  https://portal.example/ https://portal.example/sitemap.xml
 1  2026-04-03 09:30:00  2026-04-03 09:31:00  complete         7         1        2       3        9  https://portal.example/
* counted from the archive so far: the run has not finished
`
	if normalizeSpaces(out) != normalizeSpaces(want) {
		t.Errorf("runs output:\n%s\nwant:\n%s", out, want)
	}
}

// normalizeSpaces collapses runs of spaces, so that the test does not
// depend on tabwriter's exact padding.
func normalizeSpaces(s string) string {
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		lines = append(lines, strings.Join(strings.Fields(l), " "))
	}
	return strings.Join(lines, "\n")
}

func TestRunsJSON(t *testing.T) {
	f := newArchiveFixture(t)
	out, errOut, code := appRun(t, "--db", f.path, "runs", "--format", "json")
	if code != exitOK {
		t.Fatalf("runs --format json: exit %d, stderr %s", code, errOut)
	}
	var got []struct {
		ID         int64             `json:"id"`
		StartedAt  time.Time         `json:"started_at"`
		FinishedAt *time.Time        `json:"finished_at"`
		Status     string            `json:"status"`
		Seeds      []string          `json:"seeds"`
		Counts     archive.RunCounts `json:"counts"`
		LiveCounts bool              `json:"live_counts"`
		Config     map[string]any    `json:"config"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("%v in:\n%s", err, out)
	}
	if len(got) != 2 || got[0].ID != f.run2 || got[1].ID != f.run1 {
		t.Fatalf("runs %+v", got)
	}
	r2, r1 := got[0], got[1]
	if r2.Status != "running" || r2.FinishedAt != nil || !r2.LiveCounts || r2.Counts.Revisits != 1 || r2.Counts.Errors != 1 || r2.Counts.Skipped["robots"] != 1 {
		t.Errorf("run 2: %+v", r2)
	}
	if r1.Status != "complete" || r1.FinishedAt == nil || !r1.FinishedAt.Equal(f.start.Add(time.Minute)) || r1.LiveCounts ||
		r1.Counts.Captured != 7 || r1.Counts.Skipped["trap"] != 5 || r1.Config["max_pages"] != float64(100) || !r1.StartedAt.Equal(f.start) {
		t.Errorf("run 1: %+v", r1)
	}
}

func TestRunsErrors(t *testing.T) {
	f := newArchiveFixture(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"bad format", []string{"--db", f.path, "runs", "--format", "xml"}, "want text or json"},
		{"argument", []string{"--db", f.path, "runs", "extra"}, "takes no arguments"},
		{"no archive", []string{"--db", filepath.Join(t.TempDir(), "none.db"), "runs"}, "no archive at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, code := appRun(t, tc.args...)
			err := run(context.Background(), append([]string{"archiver"}, tc.args...), strings.NewReader(""), &strings.Builder{}, &strings.Builder{})
			if code != exitError || err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("exit %d, error %v; want exit %d and %q", code, err, exitError, tc.want)
			}
		})
	}
}

func TestRunsEmptyArchive(t *testing.T) {
	path := filepath.Join(t.TempDir(), "archive.db")
	s, err := sqlite.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, _, code := appRun(t, "--db", path, "runs")
	if code != exitOK || out != "no runs in the archive\n" {
		t.Errorf("empty archive: exit %d, output %q", code, out)
	}
	out, _, code = appRun(t, "--db", path, "runs", "--format", "json")
	if code != exitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("empty archive as JSON: exit %d, output %q", code, out)
	}
}
