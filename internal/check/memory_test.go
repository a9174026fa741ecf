package check_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/check"
)

// TestMemoryArchiveRevisits checks a second run whose captures are 304
// revisits of the first run's: the in-memory archive presents each revisit
// as the response it repeats, as the SQLite store does, so the engine checks
// the unchanged pages again and finds the same defects with the repeated
// response's status, while a revisit of a 404 stays out of the page rules.
func TestMemoryArchiveRevisits(t *testing.T) {
	e := newEngine(t)
	set := defaultRules(t, e)
	clean := article("https://www.example.gov/government/events/clean.html")
	bad := article("https://www.example.gov/government/events/no-attribution.html")
	bad.Authors, bad.Source = nil, ""
	gone := article("https://www.example.gov/government/events/gone.html")
	gone.Authors, gone.Source = nil, ""

	m := check.NewMemoryArchive()
	m.AddRun(archive.Run{ID: 1, StartedAt: now.Add(-48 * time.Hour), Status: archive.RunComplete})
	m.AddRun(archive.Run{ID: 2, StartedAt: now.Add(-24 * time.Hour), Status: archive.RunComplete})
	for i, p := range []*archive.Page{clean, bad, gone} {
		id := int64(i + 1)
		status := http.StatusOK
		if p == gone {
			status = http.StatusNotFound
		}
		first := &archive.Capture{ID: id, RunID: 1, URL: p.URL, CanonicalURL: p.URL, FinalURL: p.URL, Status: status,
			Header: http.Header{"Content-Type": {"text/html"}}, FetchedAt: now.Add(-47 * time.Hour),
			BodySHA256: "sha-" + p.URL, Verdict: archive.VerdictOK}
		pc := *p
		pc.CaptureID = id
		if err := m.AddCapture(first, &pc); err != nil {
			t.Fatal(err)
		}
		revisit := &archive.Capture{ID: id + 10, RunID: 2, URL: p.URL, CanonicalURL: p.URL, FinalURL: p.URL,
			Status: http.StatusNotModified, FetchedAt: now.Add(-23 * time.Hour), BodySHA256: "sha-" + p.URL,
			Verdict: archive.VerdictRevisit, RevisitOf: id}
		pr := *p
		pr.CaptureID = id + 10
		if err := m.AddCapture(revisit, &pr); err != nil {
			t.Fatal(err)
		}
	}

	for _, run := range []int64{1, 2} {
		res, err := e.Check(t.Context(), check.Request{Archive: m, RunID: run, Rules: set})
		if err != nil {
			t.Fatal(err)
		}
		got := byRule(res)
		if want := []string{bad.URL}; !slices.Equal(got["editorial/attribution-missing"], want) {
			t.Errorf("run %d: attribution-missing on %v, want %v", run, got["editorial/attribution-missing"], want)
		}
		if len(got) != 1 {
			t.Errorf("run %d: findings %v, want only attribution-missing", run, got)
		}
		if res.Run.Pages != 2 {
			t.Errorf("run %d: %d pages checked, want 2 (the 404 and its revisit are not pages)", run, res.Run.Pages)
		}
		for _, f := range res.Findings {
			if f.Status != http.StatusOK {
				t.Errorf("run %d: finding on %s reports status %d, want the repeated 200", run, f.URL, f.Status)
			}
		}
	}

	// The archive's own captures are left as they were.
	c, err := m.Capture(t.Context(), 12, false)
	if err != nil {
		t.Fatal(err)
	}
	if c.Status != http.StatusNotModified {
		t.Errorf("stored revisit changed to status %d", c.Status)
	}
}
