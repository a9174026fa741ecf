package timeline_test

import (
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/portal"
	"github.com/archiver-dev/archiver/internal/timeline"
)

// TestPortalDayArchiveFindings crawls a small demo portal on two days and
// checks, rule by rule, that the day archive findings of each run are
// exactly what the portal plants (its manifest): every finding is a
// planted defect and every planted defect is found.
func TestPortalDayArchiveFindings(t *testing.T) {
	if testing.Short() {
		t.Skip("crawls the demo portal twice")
	}
	h := crawlPortal(t, 2, 24)
	for d, run := range h.runs {
		m := h.manifests[d]
		got := map[string][]string{}
		for _, f := range checkPack(t, h, run, portalDay.AddDate(0, 0, d).Add(2*time.Hour)) {
			got[f.RuleID] = append(got[f.RuleID], strings.TrimPrefix(f.URL, h.base))
		}
		// Calendar days: the days of the archive's range without news,
		// each answering 404 (broken) or "no news" (empty).
		for _, tc := range []struct {
			rule   string
			status int
		}{{timeline.RuleCalendarDayBroken, 404}, {timeline.RuleCalendarDayEmpty, 200}} {
			var want []string
			for _, e := range m.EmptyDays {
				if e.Status == tc.status {
					want = append(want, e.URL)
				}
			}
			if len(want) == 0 {
				t.Fatalf("day %d: the portal plants no %s", d, tc.rule)
			}
			compareSets(t, d, tc.rule, got[tc.rule], want)
		}
		// Pages ignoring their date: the date-ignored pages asked for a
		// date, found once per page (whatever date), and nothing outside
		// the URL families (traps) they belong to.
		var planted []string
		var families []*regexp.Regexp
		for _, p := range m.Pages {
			if !slices.Contains(p.Quirks, portal.QuirkDateIgnored) || timeline.DayOfURL(h.abs(p.URL)) == "" {
				continue
			}
			planted = append(planted, timeline.WithoutDate(h.abs(p.URL)))
			for _, tr := range m.Traps {
				if re := regexp.MustCompile(tr.Pattern); re.MatchString(p.URL) && !slices.ContainsFunc(families, func(r *regexp.Regexp) bool { return r.String() == re.String() }) {
					families = append(families, re)
				}
			}
		}
		if len(planted) == 0 {
			t.Fatalf("day %d: the portal plants no page ignoring its date", d)
		}
		found := map[string]bool{}
		for _, u := range got[timeline.RuleDayIgnoresDate] {
			key := timeline.WithoutDate(h.abs(u))
			found[key] = true
			if !slices.Contains(planted, key) && !slices.ContainsFunc(families, func(re *regexp.Regexp) bool { return re.MatchString(u) }) {
				t.Errorf("day %d: %s %s is not planted", d, timeline.RuleDayIgnoresDate, u)
			}
		}
		for _, p := range planted {
			if !found[p] {
				t.Errorf("day %d: %s missed %s", d, timeline.RuleDayIgnoresDate, strings.TrimPrefix(p, h.base))
			}
		}
		t.Logf("day %d: %d broken, %d empty calendar days, %d pages ignoring their date (%d planted)", d,
			len(got[timeline.RuleCalendarDayBroken]), len(got[timeline.RuleCalendarDayEmpty]), len(got[timeline.RuleDayIgnoresDate]), len(planted))
	}
}

// compareSets reports the findings of a rule that are not planted and the
// planted URLs it does not find.
func compareSets(t *testing.T, day int, rule string, got, want []string) {
	t.Helper()
	for _, u := range got {
		if !slices.Contains(want, u) {
			t.Errorf("day %d: %s %s is not planted", day, rule, u)
		}
	}
	for _, u := range want {
		if !slices.Contains(got, u) {
			t.Errorf("day %d: %s missed %s", day, rule, u)
		}
	}
	if n := len(got); n != len(want) {
		t.Errorf("day %d: %s found %d, planted %d", day, rule, n, len(want))
	}
}
