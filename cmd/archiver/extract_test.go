package main

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"golang.org/x/text/encoding/charmap"
)

const extractFixture = `<html lang="en"><head><title>Summit opens | Portal</title></head><body>
<div class="breadcrumbs"><a href="/en/">Home</a> | <a href="/en/government/">Government</a> | <span>Events</span></div>
<article><h1>Summit opens</h1><div class="date">3 Apr 2024</div>
<div class="pic"><img src="/i/1.jpg" alt="Hall"></div><div class="photo_by">Photo by sectsco.org</div>
<p>MINSK, 3 April (BelTA) - Belarus and China discussed trade, energy and transport cooperation on Tuesday.</p>
<p class="byline">By Anna Kovalenko</p></article></body></html>`

func TestExtractFilesJSONL(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "page.html")
	if err := os.WriteFile(file, []byte(extractFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	urls := filepath.Join(dir, "urls.jsonl")
	if err := os.WriteFile(urls, []byte(`{"file":"`+file+`","url":"https://portal.example/en/government/events/summit_i_1.html"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, stderr, code := appRun(t, "extract", "--format", "jsonl", "--urls", urls, file)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var rec map[string]any
	if err := json.Unmarshal([]byte(out), &rec); err != nil {
		t.Fatalf("%v: %q", err, out)
	}
	want := map[string]any{
		"file": file, "url": "https://portal.example/en/government/events/summit_i_1.html", "title": "Summit opens",
		"date": "2024-04-03", "author": "Anna Kovalenko", "source": "BelTA", "dateline": "MINSK, 3 April (BelTA) -",
		"credits": []any{"Photo by sectsco.org"}, "breadcrumbs": []any{"Home", "Government", "Events"}, "kind": "article",
	}
	for k, v := range want {
		if got, _ := json.Marshal(rec[k]); string(got) != mustJSON(t, v) {
			t.Errorf("%s: got %s, want %s", k, got, mustJSON(t, v))
		}
	}
	if !strings.Contains(rec["body"].(string), "discussed trade") {
		t.Errorf("body %q", rec["body"])
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExtractURLAndErrors(t *testing.T) {
	body, err := charmap.Windows1251.NewEncoder().String(`<html><head><title>Новости</title></head><body><h1>Саммит открылся</h1><p>МИНСК, 3 апреля (БЕЛТА) – Президент провёл совещание с правительством по вопросам экономики.</p></body></html>`)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=windows-1251")
		w.Write([]byte(body))
	}))
	defer srv.Close()
	out, stderr, code := appRun(t, "extract", "--format", "json", srv.URL+"/ru/news/1.html")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var p struct {
		archive.Page
		File string `json:"file"`
	}
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatal(err)
	}
	if p.Headline != "Саммит открылся" || p.Charset != "windows-1251" || p.CharsetFrom != "header" || p.Dateline.Agency != "БЕЛТА" || p.File != srv.URL+"/ru/news/1.html" {
		t.Errorf("headline %q charset %s/%s dateline %+v file %q", p.Headline, p.Charset, p.CharsetFrom, p.Dateline, p.File)
	}
	// A file that does not exist: an error record and exit 2, the other
	// inputs still printed.
	out, stderr, code = appRun(t, "extract", "--format", "jsonl", filepath.Join(t.TempDir(), "nope.html"), srv.URL+"/ru/news/1.html")
	if code != exitError || !strings.Contains(stderr, "nope.html") || strings.Count(out, "\n") != 2 || !strings.Contains(out, `"err"`) {
		t.Errorf("exit %d, stderr %q, out %q", code, stderr, out)
	}
	if _, _, code := appRun(t, "extract", "--format", "xml", "x.html"); code != exitError {
		t.Errorf("bad format: exit %d", code)
	}
	if _, _, code := appRun(t, "extract"); code != exitError {
		t.Errorf("no inputs: exit %d", code)
	}
}

func TestExtractRebuild(t *testing.T) {
	ctx := context.Background()
	db := filepath.Join(t.TempDir(), "archive.db")
	s, err := sqlite.Open(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	run, err := s.CreateRun(ctx, archive.Run{Seeds: []string{"https://portal.example/"}, StartedAt: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	c := &archive.Capture{RunID: run, URL: "https://portal.example/en/1.html", CanonicalURL: "https://portal.example/en/1.html", Method: "GET",
		Status: 200, Header: http.Header{"Content-Type": {"text/html; charset=utf-8"}}, FetchedAt: time.Date(2026, 1, 1, 0, 0, 1, 0, time.UTC),
		ContentLength: -1, Verdict: archive.VerdictOK, Body: []byte(extractFixture)}
	id, _, err := s.PutCapture(ctx, c)
	if err != nil {
		t.Fatal(err)
	}
	// A page made by an older extractor.
	if err := s.PutPage(ctx, &archive.Page{CaptureID: id, URL: c.URL, ExtractorVersion: "extract/0"}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	out, stderr, code := appRun(t, "--db", db, "extract", "--rebuild")
	if code != exitOK || !strings.Contains(out, "1 pages re-derived") {
		t.Fatalf("exit %d: %s %s", code, out, stderr)
	}
	out, _, _ = appRun(t, "--db", db, "extract", "--rebuild")
	if !strings.Contains(out, "0 pages re-derived, 1 already at "+extract.Version) {
		t.Errorf("second pass: %s", out)
	}
	s, err = sqlite.OpenReadOnly(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	p, err := s.Page(ctx, id)
	if err != nil || p.ExtractorVersion != extract.Version || p.Headline != "Summit opens" || len(p.Credits) != 1 {
		t.Errorf("stored page %+v, %v", p, err)
	}
}
