package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/sqlite"
)

// TestCheckLinksLevelPages runs the binary: a check with only links rules
// derives links-level pages (extract.LinksVersion) and stores them; a
// later full check re-derives every one of them as full pages; a links
// check after that reads the full pages as they are.
func TestCheckLinksLevelPages(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	site := staticSite(t, false)
	db := filepath.Join(t.TempDir(), "archive.db")
	base := []string{"--base-url", "https://www.example.gov", "--fail-on", "never"}
	versions := func() map[string]int {
		t.Helper()
		s, err := sqlite.Open(context.Background(), db)
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		v, err := s.PageVersions(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, x := range v {
			out[x]++
		}
		return out
	}
	run := func(args ...string) {
		t.Helper()
		if _, errOut, code := runBinary(t, []string{checkNow}, append(append([]string{"--db", db, "check"}, args...), base...)...); code != exitOK {
			t.Fatalf("check %v: exit %d\n%s", args, code, errOut)
		}
	}

	run(site, "--only", "links/*")
	v := versions()
	if v[extract.LinksVersion] < 5 || len(v) != 1 {
		t.Fatalf("after a links check: page versions %v, want only %s", v, extract.LinksVersion)
	}
	pages := v[extract.LinksVersion]
	run("--only", "editorial/*")
	if v := versions(); v[extract.Version] != pages || len(v) != 1 {
		t.Fatalf("after a full check: page versions %v, want %d pages of %s", v, pages, extract.Version)
	}
	run("--only", "links/*")
	if v := versions(); v[extract.Version] != pages || len(v) != 1 {
		t.Fatalf("a links check after a full one: page versions %v, want the %d full pages kept", v, pages)
	}
}
