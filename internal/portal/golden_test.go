package portal_test

import (
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/archiver-dev/archiver/internal/portal"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestCountsGolden pins the page counts of the default portal (seed 1, day
// 0 and day 3), so that a change of the generator, which every other
// package's tests score against, is always a deliberate one (go test
// -update rewrites the file).
func TestCountsGolden(t *testing.T) {
	for _, day := range []int{0, 3} {
		p, err := portal.New(portal.Config{Seed: 1, Day: day})
		if err != nil {
			t.Fatal(err)
		}
		m := p.Manifest()
		got, err := json.MarshalIndent(struct {
			Counts    portal.Counts `json:"counts"`
			Traps     int           `json:"traps"`
			EmptyDays int           `json:"empty_days"`
			Redirects int           `json:"redirects"`
			Changes   int           `json:"changes"`
			Links     int           `json:"links"`
		}{m.Counts, len(m.Traps), len(m.EmptyDays), len(m.Redirects), len(m.Changes), len(m.Links)}, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, '\n')
		path := filepath.Join("testdata", "counts_seed1_day"+string(rune('0'+day))+".json")
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if string(got) != string(want) {
			t.Errorf("%s differs (go test -update rewrites it):\n%s", path, got)
		}
	}
}
