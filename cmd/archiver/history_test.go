package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// timelineFixture is an archive of three daily runs of one article: the
// first capture, a silent edit of its body, then a 404.
type timelineFixture struct {
	path string
	runs []int64
	url  string
}

func timelineArticle(body string) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Prime Minister meets delegation | Portal</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Prime Minister meets delegation","datePublished":"2026-04-03T10:00Z","author":{"@type":"Person","name":"Anna Ivanova"}}</script>
</head><body><article><h1>Prime Minister meets delegation</h1><p class="byline">By <span class="author">Anna Ivanova</span></p>`)
	for _, p := range strings.Split(body, "\n") {
		fmt.Fprintf(&b, "<p>%s</p>\n", p)
	}
	b.WriteString(`</article><span id="visit-counter">` + fmt.Sprint(len(body)) + `</span></body></html>`)
	return b.String()
}

func newTimelineFixture(t *testing.T) timelineFixture {
	t.Helper()
	ctx := context.Background()
	f := timelineFixture{path: filepath.Join(t.TempDir(), "archive.db"), url: "https://portal.example/en/news/1.html"}
	s, err := sqlite.Open(ctx, f.path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	body := "MINSK, 3 April (BelTA) - The Prime Minister met the delegation.\nThey discussed trade and the new roadmap.\nThe next meeting is planned for May."
	pages := []struct {
		status int
		html   string
	}{
		{200, timelineArticle(body)},
		{200, timelineArticle(strings.Replace(body, "trade and the new roadmap", "trade, energy and the new roadmap", 1))},
		{404, "<html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>"},
	}
	start := time.Date(2026, 4, 3, 6, 0, 0, 0, time.UTC)
	for i, p := range pages {
		at := start.AddDate(0, 0, i)
		run, err := s.CreateRun(ctx, archive.Run{Seeds: []string{"https://portal.example/"}, Config: `{}`, StartedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		c := &archive.Capture{RunID: run, URL: f.url, CanonicalURL: f.url, FinalURL: f.url, Method: "GET", Status: p.status,
			Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, FetchedAt: at.Add(time.Minute), Verdict: archive.VerdictOK, Body: []byte(p.html)}
		if _, _, err := s.PutCapture(ctx, c); err != nil {
			t.Fatal(err)
		}
		if err := s.AddAlias(ctx, run, "https://portal.example/en/news/1.html?utm_source=feed", f.url, "tracking-param"); err != nil {
			t.Fatal(err)
		}
		if err := s.FinishRun(ctx, run, archive.RunComplete, archive.RunCounts{}, at.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		f.runs = append(f.runs, run)
	}
	return f
}

func TestHistory(t *testing.T) {
	f := newTimelineFixture(t)
	for _, u := range []string{f.url, f.url + "#comments", "https://portal.example/en/news/1.html?utm_source=feed"} {
		out, errOut, code := appRun(t, "--db", f.path, "history", u)
		if code != exitOK {
			t.Fatalf("history %s: exit %d, stderr %s", u, code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(out), "\n")
		if len(lines) != 5 || lines[0] != f.url+": 3 version(s)" {
			t.Fatalf("history %s:\n%s", u, out)
		}
		for i, want := range []string{"200 good", "first capture", "200 good", "silent-edit: body", "404 gone", "gone (404)"} {
			if !strings.Contains(normalizeSpaces(lines[2+i/2]), want) {
				t.Errorf("history line %d lacks %q:\n%s", 2+i/2, want, out)
			}
		}
	}
	out, errOut, code := appRun(t, "--db", f.path, "history", "--format", "json", f.url)
	if code != exitOK {
		t.Fatalf("history --format json: exit %d, stderr %s", code, errOut)
	}
	var got struct {
		URL      string `json:"url"`
		Versions []struct {
			State   string `json:"state"`
			Note    string `json:"note"`
			Version struct {
				RunID  int64 `json:"run_id"`
				Status int   `json:"status"`
			} `json:"version"`
		} `json:"versions"`
	}
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatal(err)
	}
	if got.URL != f.url || len(got.Versions) != 3 || got.Versions[1].Note != "silent-edit: body" || got.Versions[2].State != "gone" || got.Versions[2].Version.RunID != f.runs[2] {
		t.Errorf("history json: %+v", got)
	}
}

func TestDiff(t *testing.T) {
	f := newTimelineFixture(t)
	out, errOut, code := appRun(t, "--db", f.path, "diff", "--from", fmt.Sprint(f.runs[0]), "--to", fmt.Sprint(f.runs[1]), f.url)
	if code != exitOK {
		t.Fatalf("diff: exit %d, stderr %s", code, errOut)
	}
	for _, want := range []string{
		"silent-edit",
		"--- run " + fmt.Sprint(f.runs[0]),
		"+++ run " + fmt.Sprint(f.runs[1]),
		"-They discussed trade and the new roadmap.",
		"+They discussed trade, energy and the new roadmap.",
		" The next meeting is planned for May.",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diff output lacks %q:\n%s", want, out)
		}
	}
	// By default: the newest version against the newest earlier one with
	// other content — the 404 against the edited page.
	out, errOut, code = appRun(t, "--db", f.path, "diff", "--format", "json", f.url)
	if code != exitOK {
		t.Fatalf("diff --format json: exit %d, stderr %s", code, errOut)
	}
	var d struct {
		Kind string `json:"kind"`
		From struct {
			RunID int64 `json:"run_id"`
		} `json:"from"`
		To struct {
			RunID  int64 `json:"run_id"`
			Status int   `json:"status"`
		} `json:"to"`
		Fields []struct {
			Field string `json:"field"`
		} `json:"fields"`
		BodyDiff string `json:"body_diff"`
	}
	if err := json.Unmarshal([]byte(out), &d); err != nil {
		t.Fatal(err)
	}
	if d.From.RunID != f.runs[1] || d.To.RunID != f.runs[2] || d.To.Status != 404 || d.Kind != "status 200 → 404" || d.BodyDiff == "" {
		t.Errorf("default diff: %+v", d)
	}
}

func TestHistoryAndDiffErrors(t *testing.T) {
	f := newTimelineFixture(t)
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no url", []string{"history"}, "want exactly one URL"},
		{"unknown url", []string{"history", "https://portal.example/none"}, "no captures in the archive"},
		{"bad format", []string{"history", "--format", "xml", f.url}, "want text or json"},
		{"diff no url", []string{"diff"}, "want exactly one URL"},
		{"diff run without the url", []string{"diff", "--to", "99", f.url}, "not captured in run 99"},
		{"diff negative context", []string{"diff", "--context", "-1", f.url}, "want 0 or more"},
		{"broken volatile selector", []string{"history", "--volatile-selector", "div[[", f.url}, "volatile selector"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, code := appRun(t, append([]string{"--db", f.path}, tc.args...)...)
			if code != exitError {
				t.Errorf("exit %d, want %d", code, exitError)
			}
			var errb strings.Builder
			err := run(context.Background(), append([]string{"archiver", "--db", f.path}, tc.args...), strings.NewReader(""), &strings.Builder{}, &errb)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to say %q", err, tc.want)
			}
		})
	}
}
