package main

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
)

// crawlSite serves a home page linking ten pages, and counts requests.
func crawlSite(t *testing.T) (*httptest.Server, *atomic.Int32) {
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<p>%s</p>", r.URL.Path)
		if r.URL.Path == "/" {
			for i := range 10 {
				fmt.Fprintf(w, `<a href="/p/%d">p</a>`, i)
			}
			fmt.Fprint(w, `<a href="/private/x">x</a>`)
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestCrawlCommand(t *testing.T) {
	srv, hits := crawlSite(t)
	db := filepath.Join(t.TempDir(), "a.db")
	out, errOut, code := appRun(t, "--db", db, "crawl", "--delay", "0", srv.URL+"/")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	for _, want := range []string{"run 1: complete", "captured 12", "skipped: robots 1"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if hits.Load() != 11 {
		t.Errorf("%d page requests, want 11", hits.Load())
	}
}

func TestCrawlCommandIncompleteThenResumed(t *testing.T) {
	srv, hits := crawlSite(t)
	db := filepath.Join(t.TempDir(), "a.db")
	out, errOut, code := appRun(t, "--db", db, "crawl", "--delay", "0", "--max-pages", "4", srv.URL+"/")
	if code != exitIncomplete {
		t.Fatalf("exit %d, want %d (incomplete)\n%s\n%s", code, exitIncomplete, out, errOut)
	}
	if !strings.Contains(out, "run 1: interrupted") {
		t.Errorf("summary:\n%s", out)
	}
	// The same command again resumes run 1 by itself (same seeds, run
	// incomplete), with the limit lifted: flags given now override the
	// run's stored configuration.
	out, errOut, code = appRun(t, "--db", db, "--log-format", "json", "crawl", "--delay", "0", "--max-pages", "0", srv.URL+"/")

	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	var sum struct {
		RunID   int64  `json:"run_id"`
		Status  string `json:"status"`
		Resumed bool   `json:"resumed"`
	}
	if err := json.Unmarshal([]byte(strings.TrimSpace(out)), &sum); err != nil {
		t.Fatalf("JSON summary %q: %v", out, err)
	}
	if sum.RunID != 1 || sum.Status != "complete" || !sum.Resumed {
		t.Errorf("summary %+v", sum)
	}
	if hits.Load() != 11 {
		t.Errorf("%d page requests over the runs, want 11 (nothing fetched twice)", hits.Load())
	}
	if !strings.Contains(errOut, "resuming run 1") {
		t.Errorf("stderr lacks the resume notice:\n%s", errOut)
	}
}

func TestCrawlCommandUsage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "a.db")
	for _, args := range [][]string{
		{"crawl"},
		{"crawl", "ftp://example.org/"},
		{"crawl", "--workers", "0", "http://127.0.0.1:1/"},
		{"crawl", "--resolve", "nonsense", "http://127.0.0.1:1/"},
		{"crawl", "--calendar-from", "yesterday", "http://127.0.0.1:1/"},
		{"crawl", "--resume"},
		{"crawl", "--delay", "soon", "http://127.0.0.1:1/"},
		{"crawl", "--delay", "-1s", "http://127.0.0.1:1/"},
		{"crawl", "--max-delay", "1ms", "--min-delay", "1s", "http://127.0.0.1:1/"},
	} {
		_, errOut, code := appRun(t, append([]string{"--db", db}, args...)...)
		if code != exitError {
			t.Errorf("%v: exit %d, want %d\n%s", args, code, exitError, errOut)
		}
	}
}

// TestCrawlCommandDefaults crawls with the default, adaptive politeness,
// then again with --no-revisit after the site dropped its links: the
// summary names the host's politeness, and only the default run fetches
// the pages nothing links to any more.
func TestCrawlCommandDefaults(t *testing.T) {
	var linked atomic.Bool
	linked.Store(true)
	var hits atomic.Int32
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", http.NotFound)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/" {
			hits.Add(1)
		}
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprintf(w, "<p>%s</p>", r.URL.Path)
		if r.URL.Path == "/" && linked.Load() {
			for i := range 5 {
				fmt.Fprintf(w, `<a href="/p/%d">p</a>`, i)
			}
		}
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	db := filepath.Join(t.TempDir(), "a.db")
	host := strings.TrimPrefix(srv.URL, "http://")
	out, errOut, code := appRun(t, "--db", db, "crawl", srv.URL+"/")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	if !strings.Contains(out, "host "+host+": 7 requests") || hits.Load() != 5 {
		t.Errorf("first run: %d page requests, summary:\n%s", hits.Load(), out)
	}
	linked.Store(false)
	out, errOut, code = appRun(t, "--db", db, "crawl", "--fresh", srv.URL+"/")
	if code != exitOK || !strings.Contains(out, "revisited 5 URLs") || hits.Load() != 10 {
		t.Errorf("second run: exit %d, %d page requests in all, summary:\n%s\n%s", code, hits.Load(), out, errOut)
	}
	out, errOut, code = appRun(t, "--db", db, "crawl", "--fresh", "--no-revisit", "--delay", "10ms", srv.URL+"/")
	if code != exitOK || strings.Contains(out, "revisited") || hits.Load() != 10 {
		t.Errorf("run with --no-revisit: exit %d, %d page requests in all, summary:\n%s\n%s", code, hits.Load(), out, errOut)
	}
}
