package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/portal"
)

func TestDemoPrintsAddressAndWritesManifest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "manifest.json")
	out, errOut, code := appRun(t, "demo", "--articles", "30", "--seed", "5", "--day", "2", "--manifest", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"demo portal: http://127.0.0.1:", "/en/", "pages by kind", "article", "planted defects", "missing-byline", "traps 5"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m portal.Manifest
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest JSON: %v", err)
	}
	if m.Seed != 5 || m.Articles != 30 || m.Day != 2 || len(m.Pages) < 300 || len(m.Changes) == 0 {
		t.Errorf("manifest seed %d articles %d day %d pages %d changes %d", m.Seed, m.Articles, m.Day, len(m.Pages), len(m.Changes))
	}
}

func TestDemoManifestToStdoutIsPureJSON(t *testing.T) {
	out, errOut, code := appRun(t, "demo", "--articles", "24", "--manifest", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m portal.Manifest
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("stdout is not the manifest: %v", err)
	}
	if !strings.Contains(errOut, "demo portal: http://127.0.0.1:") {
		t.Errorf("summary not on stderr: %s", errOut)
	}
}

func TestDemoRejectsBadFlags(t *testing.T) {
	for _, args := range [][]string{
		{"demo", "--articles", "5"},
		{"demo", "--day", "-3"},
		{"demo", "extra-argument"},
		{"demo", "--addr", "256.0.0.1:99999"},
		{"demo", "--rate-limit-429", "2"},
		{"demo", "--host", "http://x/"},
	} {
		_, errOut, code := appRun(t, args...)
		if code != exitError {
			t.Errorf("%v: exit %d, want %d (%s)", args, code, exitError, errOut)
		}
	}
}

func TestStartDemoPortal(t *testing.T) {
	base, p, stop, err := startDemoPortal(context.Background(), demoPortalConfig{Portal: portal.Config{Seed: 1, Articles: 24}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(base, "http://127.0.0.1:") || strings.HasSuffix(base, "/") {
		t.Errorf("base URL %q", base)
	}
	client := &http.Client{Timeout: 10 * time.Second}
	var article string
	for _, pg := range p.Manifest().Pages {
		if pg.Article != nil && pg.Status == 200 {
			article = pg.URL
			break
		}
	}
	for _, u := range []string{"/robots.txt", "/en/", article} {
		resp, err := client.Get(base + u)
		if err != nil {
			t.Fatalf("GET %s: %v", u, err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Errorf("GET %s: %d", u, resp.StatusCode)
		}
	}
	stop()
	if _, err := client.Get(base + "/robots.txt"); err == nil {
		t.Error("the portal still answers after stop")
	}
}

// lockedBuffer is a bytes.Buffer safe for one writer and one reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestDemoServeUntilInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out lockedBuffer
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"archiver", "demo", "--serve", "--articles", "24"}, strings.NewReader(""), &out, &out)
	}()
	deadline := time.After(30 * time.Second)
	for !strings.Contains(out.String(), "serving") {
		select {
		case err := <-done:
			t.Fatalf("demo --serve returned early: %v\n%s", err, out.String())
		case <-deadline:
			t.Fatalf("demo --serve did not start:\n%s", out.String())
		case <-time.After(20 * time.Millisecond):
		}
	}
	line := out.String()
	addr := line[strings.Index(line, "http://"):]
	addr = addr[:strings.Index(addr, "/en/")]
	resp, err := http.Get(addr + "/en/")
	if err != nil {
		t.Fatalf("GET while serving: %v", err)
	}
	resp.Body.Close()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("demo --serve ended with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("demo --serve did not stop after the interrupt")
	}
}

func TestDemoQuirkFlags(t *testing.T) {
	out, errOut, code := appRun(t, "demo", "--articles", "24", "--rate-limit-429", "0.25", "--rate-limit-403", "5", "--slow", "2s", "--host", "www.portal.example", "--manifest", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var m portal.Manifest
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatal(err)
	}
	enabled := map[string]bool{}
	for _, rl := range m.RateLimits {
		enabled[rl.ID] = rl.Enabled
	}
	if !enabled["429"] || !enabled["403"] || !enabled["slow"] || m.Host != "www.portal.example" {
		t.Errorf("quirk flags not applied: %v host %q", enabled, m.Host)
	}
}

// TestDemoMainJob runs the whole demo as `make demo` does, on a small
// portal: two crawls on consecutive days, the check and the report.
func TestDemoMainJob(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal twice, checks it and writes the report; runs without -short")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "demo.db")
	out := filepath.Join(dir, "report")
	stdout, stderr, code := appRun(t, "--db", db, "demo", "--articles", "24", "--out", out)
	if code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	for _, want := range []string{
		"demo portal: http://127.0.0.1:",
		"== crawl 1 of 2: the portal on day 0 ==", "run 1: complete",
		"== crawl 2 of 2: the portal on day 1 ==", "run 2: complete",
		"== check ==", "error(s)", "since check run",
		"== report ==", filepath.Join(out, "report.html"),
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("demo output lacks %q:\n%s", want, stdout)
		}
	}
	for _, name := range []string{"report.html", "findings.csv", "findings.json"} {
		if fi, err := os.Stat(filepath.Join(out, name)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", name, err)
		}
	}
	// The demo's whole check agrees with the manifest: every finding of
	// the editorial, links and archive packs is a problem the portal
	// plants (see unplanted), and every planted editorial defect, empty
	// day and gap in the cadence is found. A finding on a day the crawler
	// reached through the calendar trap beyond the manifest's calendar
	// pages fails too, unless the day is within the crawler's calendar
	// slack (it explores a month past the dates it has seen content on):
	// those are counted.
	findings, err := readFindings(filepath.Join(out, "findings.json"))
	if err != nil {
		t.Fatal(err)
	}
	ms, err := portalDays(24, 2)
	if err != nil {
		t.Fatal(err)
	}
	base := stdout[strings.Index(stdout, "http://127.0.0.1:"):]
	base = base[:strings.Index(base, "/en/")]
	slack := 0
	for _, line := range unplanted(findings, ms, base) {
		if strings.HasPrefix(line, "slack: ") {
			slack++
			continue
		}
		t.Errorf("not planted in the manifest: %s", line)
	}
	for _, line := range missedPlanted(findings, ms, base) {
		t.Errorf("planted but not found: %s", line)
	}
	t.Logf("%d findings: each a planted problem but %d on trap days within the crawler's calendar slack", len(findings), slack)
}

// TestDemoBadFlagsKeepTheArchive checks that a demo that cannot start
// leaves the previous demo archive alone.
func TestDemoBadFlagsKeepTheArchive(t *testing.T) {
	db := filepath.Join(t.TempDir(), "demo.db")
	if err := os.WriteFile(db, []byte("previous archive"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"--db", db, "demo", "--articles", "5"},
		{"--db", db, "demo", "--addr", "256.0.0.1:99999"},
		{"--db", db, "demo", "--days", "0"},
	} {
		if _, _, code := appRun(t, args...); code != exitError {
			t.Errorf("%v: exit %d, want %d", args, code, exitError)
		}
	}
	if data, err := os.ReadFile(db); err != nil || string(data) != "previous archive" {
		t.Fatalf("the archive was touched: %q, %v", data, err)
	}
}
