package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/http"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// openAtVersion creates an archive whose schema stops at version v, as an
// archiver of that version left it, and returns its writer connection.
func openAtVersion(t *testing.T, path string, v int) *sql.DB {
	t.Helper()
	ctx := context.Background()
	wdsn, err := dsn(path, false, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	wdb, err := sql.Open("sqlite", wdsn)
	if err != nil {
		t.Fatal(err)
	}
	wdb.SetMaxOpenConns(1)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	var upTo []migration
	for _, m := range ms {
		if m.version <= v {
			upTo = append(upTo, m)
		}
	}
	s := &Store{path: path, wdb: wdb}
	if err := s.migrateWith(ctx, upTo); err != nil {
		t.Fatal(err)
	}
	return wdb
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMigrateVersion5 fills an archive of schema version 5 the way the
// archiver of that version wrote it (URLs as text, headers as JSON, times
// as text), opens it with this archiver, which migrates it, and checks
// that every capture, frontier entry and alias reads back exactly, that
// the views keep the old tables' columns, that the interrupted run can be
// resumed, and that new captures are written beside the old rows.
func TestMigrateVersion5(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "v5.db")
	db := openAtVersion(t, path, 5)

	body := []byte("<html><body>Минск</body></html>")
	sum := sha256Hex(body)
	fetched := time.Date(2026, 4, 3, 9, 30, 1, 123456789, time.UTC)
	want := []*archive.Capture{{
		ID: 1, RunID: 1, URL: "http://www.portal.example/a?utm_source=x", CanonicalURL: "https://portal.example/a",
		FinalURL: "https://portal.example/a/", Method: "GET",
		Redirects:     []archive.Redirect{{URL: "http://www.portal.example/a?utm_source=x", Status: 301, Location: "https://portal.example/a/"}},
		RequestHeader: http.Header{"User-Agent": {"archiver/0.9"}, "Accept-Encoding": {"gzip"}},
		Status:        200, Proto: "HTTP/1.1",
		Header:     http.Header{"Content-Type": {"text/html; charset=utf-8"}, "Etag": {`"e1"`}, "Date": {"Fri, 03 Apr 2026 09:30:01 GMT"}},
		RemoteAddr: "127.0.0.1:8080", FetchedAt: fetched, Duration: 42 * time.Millisecond, ContentLength: int64(len(body)),
		Size: int64(len(body)), BodySHA256: sum, Depth: 1, DiscoveredFrom: "https://portal.example/", Verdict: archive.VerdictOK,
	}, {
		ID: 2, RunID: 2, URL: "https://portal.example/a", CanonicalURL: "https://portal.example/a", FinalURL: "https://portal.example/a",
		Method: "GET", RequestHeader: http.Header{"User-Agent": {"archiver/0.9"}, "If-None-Match": {`"e1"`}},
		Status: 304, Proto: "HTTP/1.1", Header: http.Header{}, FetchedAt: fetched.Add(24 * time.Hour), ContentLength: 0,
		Size: int64(len(body)), BodySHA256: sum, Depth: 0, Verdict: archive.VerdictRevisit, RevisitOf: 1,
	}, {
		// No response, a final URL left empty, another method, a time
		// outside the range of integer nanoseconds.
		ID: 3, RunID: 2, URL: "https://portal.example/b", CanonicalURL: "https://portal.example/b", FinalURL: "",
		Method: "HEAD", FetchedAt: time.Date(1601, 1, 1, 0, 0, 0, 5, time.UTC), ContentLength: -1, Depth: 2,
		DiscoveredFrom: "https://portal.example/a", Verdict: archive.VerdictError, Error: "connection reset by peer",
	}}
	if _, err := db.ExecContext(ctx, `INSERT INTO runs (id, seeds, config, started_at, status) VALUES
		(1, '["https://portal.example/"]', '', ?, 'complete'), (2, '["https://portal.example/"]', '', ?, 'interrupted')`,
		timeText(fetched), timeText(fetched.Add(24*time.Hour))); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO bodies (sha256, codec, size, stored_size, run_id, data)
		VALUES (?, 'identity', ?, ?, 1, ?)`, sum, len(body), len(body), body); err != nil {
		t.Fatal(err)
	}
	for _, c := range want {
		var bodySHA, revisitOf any
		if c.BodySHA256 != "" {
			bodySHA = c.BodySHA256
		}
		if c.RevisitOf != 0 {
			revisitOf = c.RevisitOf
		}
		if _, err := db.ExecContext(ctx, `INSERT INTO captures (id, run_id, url, canonical_url, final_url, redirects,
			method, request_headers, status, proto, headers, content_type, remote_addr, fetched_at, duration_ns,
			content_length, size, truncated, body_sha256, depth, discovered_from, verdict, revisit_of, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			c.ID, c.RunID, c.URL, c.CanonicalURL, c.FinalURL, mustJSON(t, c.Redirects), c.Method,
			mustJSON(t, c.RequestHeader), c.Status, c.Proto, mustJSON(t, c.Header), c.ContentType(), c.RemoteAddr,
			timeText(c.FetchedAt), int64(c.Duration), c.ContentLength, c.Size, c.Truncated, bodySHA, c.Depth,
			c.DiscoveredFrom, string(c.Verdict), revisitOf, c.Error); err != nil {
			t.Fatal(err)
		}
	}
	frontier := []archive.FrontierEntry{
		{RunID: 2, URL: "https://portal.example/a", State: archive.FrontierDone, Reason: "revisit"},
		{RunID: 2, URL: "https://portal.example/b", Depth: 2, DiscoveredFrom: "https://portal.example/a", State: archive.FrontierDone, Reason: "error", Attempts: 3},
		{RunID: 2, URL: "https://portal.example/c", Depth: 2, DiscoveredFrom: "https://portal.example/a", State: archive.FrontierClaimed},
		{RunID: 2, URL: "https://portal.example/d", Depth: 1, DiscoveredFrom: "https://portal.example/a", State: archive.FrontierQueued,
			NotBefore: fetched.Add(25 * time.Hour), Reason: "http 503", Attempts: 1},
		{RunID: 2, URL: "https://portal.example/cal?y=1999", Depth: 3, DiscoveredFrom: "https://portal.example/c", State: archive.FrontierSkipped, Reason: "trap:calendar-range"},
	}
	for _, e := range frontier {
		if _, err := db.ExecContext(ctx, `INSERT INTO frontier (run_id, url, state, reason, depth, discovered_from, attempts, not_before)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, e.RunID, e.URL, string(e.State), e.Reason, e.Depth, e.DiscoveredFrom,
			e.Attempts, timeText(e.NotBefore)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.ExecContext(ctx, `INSERT INTO aliases (run_id, alias, canonical, reason) VALUES
		(1, 'https://portal.example/a?sid=1', 'https://portal.example/a', 'session-id')`); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("open a version 5 archive: %v", err)
	}
	defer s.Close()
	var uv int
	if err := s.rdb.QueryRowContext(ctx, "PRAGMA user_version").Scan(&uv); err != nil || uv != SchemaVersion() {
		t.Fatalf("user_version %d (%v), want %d", uv, err, SchemaVersion())
	}
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	var fkProblems int
	if err := s.rdb.QueryRowContext(ctx, "SELECT count(*) FROM pragma_foreign_key_check").Scan(&fkProblems); err != nil || fkProblems != 0 {
		t.Errorf("foreign key check: %d problems (%v)", fkProblems, err)
	}

	for _, w := range want {
		got, err := s.Capture(ctx, w.ID, w.BodySHA256 != "")
		if err != nil {
			t.Fatal(err)
		}
		wc := *w
		if wc.BodySHA256 != "" {
			wc.Body = body
		}
		if !reflect.DeepEqual(got, &wc) {
			t.Errorf("capture %d after migration:\n got %+v\nwant %+v", w.ID, got, &wc)
		}
	}
	for url, id := range map[string]int64{
		"https://portal.example/a":                 2, // canonical, newest
		"http://www.portal.example/a?utm_source=x": 1, // as requested
		"https://portal.example/a/":                1, // final
		"https://portal.example/a?sid=1":           2, // alias
	} {
		if c, err := s.FindCapture(ctx, url, 0); err != nil || c.ID != id {
			t.Errorf("FindCapture(%s): %v, %v; want capture %d", url, c, err, id)
		}
	}
	if c, err := s.LatestCapture(ctx, "https://portal.example/a", 2); err != nil || c.ID != 1 {
		t.Errorf("LatestCapture before run 2: %v, %v; want capture 1", c, err)
	}
	aliases, err := s.Aliases(ctx, "https://portal.example/a")
	if err != nil || len(aliases) != 1 || aliases[0] != (Alias{RunID: 1, Alias: "https://portal.example/a?sid=1", Canonical: "https://portal.example/a", Reason: "session-id"}) {
		t.Errorf("aliases: %+v, %v", aliases, err)
	}

	var entries []archive.FrontierEntry
	if err := s.FrontierEntries(ctx, 2, "", func(e archive.FrontierEntry) error { entries = append(entries, e); return nil }); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(entries, frontier) {
		t.Errorf("frontier after migration:\n got %+v\nwant %+v", entries, frontier)
	}
	skipped, err := s.SkippedByReason(ctx, 2)
	if err != nil || !reflect.DeepEqual(skipped, map[string]int{"trap:calendar-range": 1}) {
		t.Errorf("skipped: %v, %v", skipped, err)
	}

	// The views keep the columns and the text of version 5.
	rows, err := s.rdb.QueryContext(ctx, `SELECT id, url, canonical_url, final_url, redirects, method, fetched_at,
		coalesce(body_sha256, ''), discovered_from, error, content_type FROM captures ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; rows.Next(); i++ {
		var id int64
		var url, canonical, final, redirects, method, at, sha, from, errText, ct string
		if err := rows.Scan(&id, &url, &canonical, &final, &redirects, &method, &at, &sha, &from, &errText, &ct); err != nil {
			t.Fatal(err)
		}
		w := want[i]
		if id != w.ID || url != w.URL || canonical != w.CanonicalURL || final != w.FinalURL || redirects != mustJSON(t, w.Redirects) ||
			method != w.Method || at != timeText(w.FetchedAt) || sha != w.BodySHA256 || from != w.DiscoveredFrom || errText != w.Error || ct != w.ContentType() {
			t.Errorf("view captures row %d: %q %q %q %q %q %q %q %q %q %q", id, url, canonical, final, redirects, method, at, sha, from, errText, ct)
		}
	}
	rows.Close()
	var frontierRows, aliasRows int
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM frontier WHERE run_id = 2 AND discovered_from = 'https://portal.example/a'`).Scan(&frontierRows); err != nil || frontierRows != 3 {
		t.Errorf("view frontier: %d rows from /a (%v), want 3", frontierRows, err)
	}
	if err := s.rdb.QueryRowContext(ctx, `SELECT count(*) FROM aliases WHERE alias = 'https://portal.example/a?sid=1' AND canonical = 'https://portal.example/a'`).Scan(&aliasRows); err != nil || aliasRows != 1 {
		t.Errorf("view aliases: %d rows (%v), want 1", aliasRows, err)
	}

	// The interrupted run resumes: its claim is released, the queued
	// entries are claimed in order, and a new capture of the migrated
	// archive reads back beside the old ones.
	if n, err := s.Release(ctx, 2); err != nil || n != 1 {
		t.Fatalf("release: %d, %v", n, err)
	}
	claimed, err := s.Claim(ctx, 2, 10, fetched.Add(26*time.Hour))
	if err != nil || len(claimed) != 2 || claimed[0].URL != "https://portal.example/d" || claimed[1].URL != "https://portal.example/c" ||
		claimed[1].DiscoveredFrom != "https://portal.example/a" {
		t.Fatalf("claim after migration: %+v, %v", claimed, err)
	}
	c := &archive.Capture{RunID: 2, URL: "https://portal.example/c", CanonicalURL: "https://portal.example/c", FinalURL: "https://portal.example/c",
		Method: "GET", RequestHeader: http.Header{"User-Agent": {"archiver/1.0"}}, Status: 200, Proto: "HTTP/1.1",
		Header: http.Header{"Date": {"Sat, 04 Apr 2026 10:00:00 GMT"}}, FetchedAt: fetched.Add(26 * time.Hour), ContentLength: -1,
		Depth: 2, DiscoveredFrom: "https://portal.example/a", Verdict: archive.VerdictOK, Body: body}
	id, newBody, err := s.PutCapture(ctx, c)
	if err != nil || newBody {
		t.Fatalf("put after migration: %d, new body %v, %v", id, newBody, err)
	}
	got, err := s.Capture(ctx, id, true)
	if err != nil || !reflect.DeepEqual(got, c) {
		t.Errorf("new capture:\n got %+v (%v)\nwant %+v", got, err, c)
	}
	counts, err := s.FrontierCounts(ctx, 2)
	if err != nil || counts[archive.FrontierDone] != 3 || counts[archive.FrontierClaimed] != 1 {
		t.Errorf("frontier counts: %v, %v", counts, err)
	}
}
