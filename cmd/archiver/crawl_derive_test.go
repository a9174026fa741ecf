package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// TestCrawlDerive crawls a static site with each --derive level: with
// links the crawl stores a links-level page for every HTML capture, with
// full a full page, with none (the default) no page at all; an unknown
// level is a usage error before anything is crawled.
func TestCrawlDerive(t *testing.T) {
	site := staticSite(t, false)
	for _, tc := range []struct {
		args []string
		want string // the version of every page; "" for no pages
	}{
		{nil, ""},
		{[]string{"--derive", "links"}, extract.LinksVersion},
		{[]string{"--derive", "full"}, extract.Version},
		{[]string{"--derive", "none"}, ""},
	} {
		t.Run(strings.Join(append([]string{"derive"}, tc.args...), " "), func(t *testing.T) {
			db := filepath.Join(t.TempDir(), "archive.db")
			args := append([]string{"--db", db, "crawl", "--base-url", "https://www.example.gov"}, tc.args...)
			if _, errOut, code := appRun(t, append(args, site)...); code != exitOK {
				t.Fatalf("crawl: exit %d\n%s", code, errOut)
			}
			s, err := sqlite.Open(context.Background(), db)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			versions, err := s.PageVersions(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			count := map[string]int{}
			for _, v := range versions {
				count[v]++
			}
			switch {
			case tc.want == "" && len(versions) != 0:
				t.Errorf("pages after a crawl with --derive none: %v", count)
			case tc.want != "" && (count[tc.want] < 5 || len(count) != 1):
				t.Errorf("page versions after the crawl: %v, want only %s", count, tc.want)
			}
		})
	}
	db := filepath.Join(t.TempDir(), "archive.db")
	_, errOut, code := runBinary(t, nil, "--db", db, "crawl", "--derive", "headlines", "--base-url", "https://www.example.gov", site)
	if code != exitError || !strings.Contains(errOut, "--derive") {
		t.Errorf("--derive headlines: exit %d, %q; want %d and a word on --derive", code, errOut, exitError)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("--derive headlines opened the archive before it refused: %v", err)
	}
}
