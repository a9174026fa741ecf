package timeline_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/timeline"
)

// checkMissingDays scores the archive/missing-day findings of the run of
// day d against the portal's manifest, requiring precision and recall 1.0.
//
// The truth: each language publishes on the manifest's Cadence (daily) and
// its sections on its SectionCadence (irregularly), so the gaps are the
// language's empty days inside its archive range (its oldest to its newest
// article) on which it never published. An empty day that EmptiedBy lists
// articles for had news, later removed or orphaned: the archive holds those
// articles, so the day is no gap in the cadence (the calendar rules and
// page-removed / orphaned-page report it). A day is reported once, for the
// language root.
func checkMissingDays(t *testing.T, h *portalHistory, d int, a *timeline.Analysis, findings []archive.Finding) {
	t.Helper()
	m := h.manifests[d]
	if m.Cadence != portal.CadenceDaily || m.SectionCadence != portal.CadenceIrregular {
		t.Fatalf("day %d: the manifest's cadence is %q, its sections' %q; the test expects daily and irregular", d, m.Cadence, m.SectionCadence)
	}
	// The archive's range of each language, from its articles (a date in
	// the future is a planted defect, not the end of the range).
	first, last := map[string]string{}, map[string]string{}
	for _, p := range m.Pages {
		if p.Article == nil || p.DuplicateOf != "" || slices.Contains(p.Defects, portal.DefectFutureDate) {
			continue
		}
		v := p.Article.Published.Value[:10]
		if f, ok := first[p.Lang]; !ok || v < f {
			first[p.Lang] = v
		}
		if v > last[p.Lang] {
			last[p.Lang] = v
		}
	}
	want := map[string]bool{}
	emptied := 0
	for _, e := range m.EmptyDays {
		if e.Date < first[e.Lang] || e.Date > last[e.Lang] {
			continue
		}
		if len(e.EmptiedBy) > 0 {
			emptied++
			continue
		}
		want[h.abs("/"+e.Lang+"/")+" day:"+e.Date] = true
	}
	if len(want) == 0 {
		t.Fatalf("day %d: the manifest plants no gap in the cadence", d)
	}
	got := map[string]bool{}
	for _, f := range findings {
		if f.RuleID == timeline.RuleMissingDay {
			got[f.URL+" "+f.EvidenceKey] = true
		}
	}
	hits := 0
	for k := range got {
		if want[k] {
			hits++
		} else {
			t.Errorf("day %d: %s %s is not a planted gap", d, timeline.RuleMissingDay, strings.TrimPrefix(k, h.base))
		}
	}
	for k := range want {
		if !got[k] {
			t.Errorf("day %d: %s missed the gap %s", d, timeline.RuleMissingDay, strings.TrimPrefix(k, h.base))
		}
	}
	precision, recall := 0.0, float64(hits)/float64(len(want))
	if len(got) > 0 {
		precision = float64(hits) / float64(len(got))
	}
	if precision != 1 || recall != 1 {
		t.Errorf("day %d: %s precision %.3f, recall %.3f; want 1.0 and 1.0", d, timeline.RuleMissingDay, precision, recall)
	}
	// The cadences learned from the archive are the manifest's.
	for _, s := range a.Sections {
		rel := strings.TrimPrefix(s.Section, h.base)
		wantCadence := timeline.Cadence(m.SectionCadence)
		if strings.Count(rel, "/") == 2 { // a language root, /en/
			wantCadence = timeline.Cadence(m.Cadence)
		}
		if s.Cadence != wantCadence || !s.Learned {
			t.Errorf("day %d: %s learned cadence %q (learned %v), the manifest says %q", d, rel, s.Cadence, s.Learned, wantCadence)
		}
	}
	t.Logf("day %d: %s precision %.3f recall %.3f (%d gaps planted, %d empty days emptied by removals or orphans)", d, timeline.RuleMissingDay, precision, recall, len(want), emptied)
}

// TestPortalMissingDays crawls a small demo portal on two days and scores
// archive/missing-day, run by the check engine, against the manifest.
func TestPortalMissingDays(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal twice")
	}
	h := crawlPortal(t, 2, 24)
	for d, run := range h.runs {
		a := h.analyse(t, run, timeline.DefaultOptions())
		checkMissingDays(t, h, d, a, checkPack(t, h, run, portalDay.AddDate(0, 0, d).Add(2*time.Hour)))
	}
}
