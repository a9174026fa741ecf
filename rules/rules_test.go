package rules_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/rules"
)

// TestFixtures runs every default rule on its good and bad fixtures
// through the real extractor, as `archiver rules test` does.
func TestFixtures(t *testing.T) {
	eng, err := check.New(check.Options{Now: func() time.Time { return time.Date(2024, 4, 5, 0, 0, 0, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	set, err := eng.Load([]check.Source{{FS: rules.FS(), Name: "rules"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if missing := set.RulesWithoutFixtures(); len(missing) > 0 {
		t.Errorf("rules without a good and a bad fixture: %v", missing)
	}
	x := extract.New(extract.Options{})
	results := eng.TestFixtures(context.Background(), set, x.Capture)
	if len(results) < 2*len(set.Rules()) {
		t.Fatalf("%d fixture results for %d rules", len(results), len(set.Rules()))
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
