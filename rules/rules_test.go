package rules_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/links"
	"github.com/archiver-dev/archiver/internal/timeline"
	"github.com/archiver-dev/archiver/rules"
)

// TestFixtures runs every default rule on its good and bad fixtures
// through the real extractor, as `archiver rules test` does.
func TestFixtures(t *testing.T) {
	kinds := append(links.Kinds(links.Options{}), timeline.Kinds(nil, timeline.DefaultOptions())...)
	eng, err := check.New(check.Options{Kinds: kinds, Now: func() time.Time { return time.Date(2024, 4, 5, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	set, err := eng.Load([]check.Source{{FS: rules.FS(), Name: "rules"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Every editorial rule ships a good and a bad fixture. (Rules of site
	// kinds that compare runs, such as the archive pack's, cannot be shown
	// with one HTML file.)
	for _, id := range set.RulesWithoutFixtures() {
		if strings.HasPrefix(id, "editorial/") {
			t.Errorf("rule %s lacks a good or a bad fixture", id)
		}
	}
	x := extract.New(extract.Options{})
	results := eng.TestFixtures(context.Background(), set, x.Capture)
	editorial := 0
	for _, r := range set.Rules() {
		if r.Pack == "editorial" {
			editorial++
		}
	}
	if editorial < 14 || len(results) < 2*editorial {
		t.Fatalf("%d fixture results for %d editorial rules", len(results), editorial)
	}
	for _, r := range results {
		t.Run(r.File, func(t *testing.T) {
			if r.Err != nil {
				t.Fatalf("fixture error: %v", r.Err)
			}
			for _, f := range r.Findings {
				if f.RuleID != r.RuleID {
					t.Errorf("finding of rule %s, want %s", f.RuleID, r.RuleID)
				}
			}
			if !r.Pass {
				js, _ := json.MarshalIndent(r.Findings, "", "  ")
				t.Errorf("want bad=%v, got %d findings: %s", r.WantBad, len(r.Findings), js)
				logPages(t, r.File)
			}
		})
	}
}

// logPages logs what the extractor made of a failing fixture.
func logPages(t *testing.T, file string) {
	t.Helper()
	data, err := readFixture(file)
	if err != nil {
		t.Log(err)
		return
	}
	p, err := extract.Page(&archive.Capture{ID: 1, URL: check.DefaultFixtureURL, Body: data})
	if err != nil {
		t.Log(err)
		return
	}
	p.Body, p.Links, p.Menu = "", nil, nil
	js, _ := json.MarshalIndent(p, "", "  ")
	t.Logf("extracted (first page): %s", js)
}
