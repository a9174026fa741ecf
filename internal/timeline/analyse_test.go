package timeline_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/timeline"
)

// memSource is a Source over versions held in memory, for the unit tests
// of the analysis itself; the integration tests use the SQLite archive.
type memSource struct {
	runs     []archive.Run // newest first
	versions map[string][]timeline.Version
	missing  map[int64][]timeline.Missing
}

func (m *memSource) Runs(context.Context) ([]archive.Run, error) { return m.runs, nil }

func (m *memSource) Versions(ctx context.Context, upTo int64, fn func(string, []timeline.Version) error) error {
	urls := make([]string, 0, len(m.versions))
	for u := range m.versions {
		urls = append(urls, u)
	}
	sort.Strings(urls)
	for _, u := range urls {
		var vs []timeline.Version
		for _, v := range m.versions[u] {
			if v.RunID <= upTo {
				vs = append(vs, v)
			}
		}
		if len(vs) == 0 {
			continue
		}
		if err := fn(u, vs); err != nil {
			return err
		}
	}
	return nil
}

func (m *memSource) NeverCaptured(_ context.Context, run int64) ([]timeline.Missing, error) {
	return m.missing[run], nil
}

var day0 = time.Date(2024, 4, 1, 6, 0, 0, 0, time.UTC)

// history builds a source with n daily runs.
func history(n int) *memSource {
	m := &memSource{versions: map[string][]timeline.Version{}, missing: map[int64][]timeline.Missing{}}
	for i := n; i >= 1; i-- {
		m.runs = append(m.runs, archive.Run{ID: int64(i), Seeds: []string{"https://portal.test/"}, StartedAt: day0.AddDate(0, 0, i-1), Status: archive.RunComplete})
	}
	return m
}

// article is a good article version in run, with the given fields.
func article(run int64, f timeline.Fields, refs timeline.Refs) timeline.Version {
	if f.BodyHash == "" {
		f.BodyHash = timeline.HashText(f.Body)
	}
	return timeline.Version{
		RunID: run, CaptureID: run*1000 + 1, FetchedAt: day0.AddDate(0, 0, int(run)-1).Add(time.Minute),
		Status: 200, Verdict: archive.VerdictOK, Indexed: true, BodySHA256: fmt.Sprintf("sha%d", run),
		Digest: timeline.Digest{
			ContentHash: timeline.HashText(fmt.Sprint(f)),
			Kind:        archive.KindArticle, Section: "https://portal.test/en/news/", Fields: f, Refs: refs,
		},
	}
}

func gone(run int64, status int) timeline.Version {
	return timeline.Version{RunID: run, CaptureID: run*1000 + 2, FetchedAt: day0.AddDate(0, 0, int(run)-1), Status: status, Verdict: archive.VerdictOK}
}

func rules(fs []archive.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID+" "+f.URL)
	}
	slices.Sort(out)
	return out
}

func analyse(t *testing.T, m *memSource, run int64, mod func(*timeline.Options)) *timeline.Analysis {
	t.Helper()
	opts := timeline.DefaultOptions()
	opts.Now = func() time.Time { return m.runs[0].StartedAt.Add(time.Hour) }
	opts.Freshness = 0
	if mod != nil {
		mod(&opts)
	}
	a, err := timeline.Analyse(context.Background(), m, run, opts)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

const u = "https://portal.test/en/news/story_i_1.html"

func TestChanges(t *testing.T) {
	base := timeline.Fields{Headline: "Minister meets delegation", Published: "2024-04-01", Authors: []string{"Ivan Petrov"}, Credits: []string{"sectsco.org"}, Body: "MINSK, 1 April (BelTA) - The minister met."}
	edit := func(f func(*timeline.Fields)) timeline.Fields {
		c := base
		c.Authors = slices.Clone(base.Authors)
		c.Credits = slices.Clone(base.Credits)
		f(&c)
		c.BodyHash = ""
		return c
	}
	cases := []struct {
		name  string
		next  timeline.Fields
		kind  timeline.ChangeKind
		rules []string
	}{
		{"silent body edit", edit(func(f *timeline.Fields) { f.Body += " He left." }), timeline.ChangeSilent, []string{timeline.RuleSilentEdit}},
		{"silent headline edit", edit(func(f *timeline.Fields) { f.Headline = "Minister snubs delegation" }), timeline.ChangeSilent, []string{timeline.RuleSilentEdit}},
		{"edit with modified date", edit(func(f *timeline.Fields) { f.Body += " Updated."; f.Modified = "2024-04-02" }), timeline.ChangeDeclared, nil},
		{"edit with correction note", edit(func(f *timeline.Fields) { f.Body += " Fixed."; f.Correction = "Correction: the date was wrong." }), timeline.ChangeDeclared, nil},
		{"published moved", edit(func(f *timeline.Fields) { f.Published = "2024-03-30" }), timeline.ChangeMetadata, []string{timeline.RulePublishedMoved}},
		{"byline removed", edit(func(f *timeline.Fields) { f.Authors = nil }), timeline.ChangeMetadata, []string{timeline.RuleBylineRemoved}},
		{"credit removed", edit(func(f *timeline.Fields) { f.Credits = nil }), timeline.ChangeMetadata, []string{timeline.RuleCreditRemoved}},
		{"silent edit and byline removed", edit(func(f *timeline.Fields) { f.Body = "Other text"; f.Authors = nil }), timeline.ChangeSilent, []string{timeline.RuleBylineRemoved, timeline.RuleSilentEdit}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := history(2)
			m.versions[u] = []timeline.Version{article(1, base, timeline.RefListing), article(2, tc.next, timeline.RefListing)}
			a := analyse(t, m, 2, nil)
			if len(a.Changes) != 1 || a.Changes[0].Kind != tc.kind {
				t.Fatalf("changes = %+v, want one %s", a.Changes, tc.kind)
			}
			var got []string
			for _, f := range a.Findings() {
				got = append(got, f.RuleID)
				if f.URL != u || f.CaptureID != 2001 || f.Fingerprint == "" {
					t.Errorf("finding evidence: %+v", f)
				}
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.rules) {
				t.Errorf("findings = %v, want %v", got, tc.rules)
			}
		})
	}
}

func TestVolatileOnlyIsNoChange(t *testing.T) {
	m := history(2)
	f := timeline.Fields{Headline: "Same", Body: "Same body"}
	v1, v2 := article(1, f, timeline.RefListing), article(2, f, timeline.RefListing)
	v2.BodySHA256 = "different raw bytes" // the raw body differs, the normalised content does not
	m.versions[u] = []timeline.Version{v1, v2}
	a := analyse(t, m, 2, nil)
	if len(a.Changes) != 0 || len(a.Findings()) != 0 || a.Unchanged != 1 {
		t.Fatalf("changes %v findings %v unchanged %d", a.Changes, a.Findings(), a.Unchanged)
	}
}

func TestRemovalPersistence(t *testing.T) {
	f := timeline.Fields{Headline: "H", Body: "B"}
	soft := article(0, f, 0)
	soft.Digest.SoftNotFound = true
	home := gone(0, 200)
	home.Redirected, home.FinalURL = true, "https://portal.test/en/"
	cases := []struct {
		name   string
		later  []timeline.Version // runs 2.. onwards, run ids filled in
		runs   int
		days   int
		report []bool // confirmed removal reported at runs 2, 3, …
		how    string
	}{
		{"404 for two runs", []timeline.Version{gone(0, 404), gone(0, 404)}, 2, 0, []bool{false, true}, "404"},
		{"one bad run is not a removal", []timeline.Version{gone(0, 404), article(0, f, timeline.RefListing)}, 2, 0, []bool{false, false}, ""},
		{"410 needs three runs", []timeline.Version{gone(0, 410), gone(0, 410), gone(0, 410)}, 3, 0, []bool{false, false, true}, "410"},
		{"soft 404", []timeline.Version{soft, soft}, 2, 0, []bool{false, true}, "soft 404"},
		{"redirect to home", []timeline.Version{home, home}, 2, 0, []bool{false, true}, "redirect to home"},
		{"errors neither count nor reset", []timeline.Version{gone(0, 404), gone(0, 503), gone(0, 404)}, 2, 0, []bool{false, false, true}, "404"},
		{"days persistence", []timeline.Version{gone(0, 404), gone(0, 503), gone(0, 503), gone(0, 404)}, 5, 2, []bool{false, false, false, true}, "404"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := history(1 + len(tc.later))
			vs := []timeline.Version{article(1, f, timeline.RefListing)}
			for i, v := range tc.later {
				run := int64(i + 2)
				v.URL, v.RunID, v.CaptureID, v.FetchedAt = u, run, run*1000+3, day0.AddDate(0, 0, int(run)-1)
				vs = append(vs, v)
			}
			m.versions[u] = vs
			for i, want := range tc.report {
				a := analyse(t, m, int64(i+2), func(o *timeline.Options) { o.RemovalRuns, o.RemovalDays = tc.runs, tc.days })
				got := slices.Contains(rules(a.Findings()), timeline.RulePageRemoved+" "+u)
				if got != want {
					t.Errorf("run %d: removal reported %v, want %v (removals %+v)", i+2, got, want, a.Removals)
				}
				if got && a.Removals[0].How != tc.how {
					t.Errorf("how = %q, want %q", a.Removals[0].How, tc.how)
				}
			}
		})
	}
}

func TestOrphan(t *testing.T) {
	f := timeline.Fields{Headline: "H", Body: "B"}
	m := history(3)
	m.versions[u] = []timeline.Version{article(1, f, timeline.RefListing|timeline.RefSitemap), article(2, f, timeline.RefSitemap), article(3, f, 0)}
	other := "https://portal.test/en/news/never_linked.html"
	m.versions[other] = []timeline.Version{article(2, f, 0), article(3, f, 0)}
	if got := rules(analyse(t, m, 2, nil).Findings()); len(got) != 0 {
		t.Errorf("run 2: %v, want nothing (still in the sitemap)", got)
	}
	got := rules(analyse(t, m, 3, nil).Findings())
	if want := []string{timeline.RuleOrphaned + " " + u}; !slices.Equal(got, want) {
		t.Errorf("run 3: %v, want %v", got, want)
	}
}

func TestDayProblems(t *testing.T) {
	m := history(1)
	day := func(url string, status int, d timeline.Digest) {
		d.Kind = archive.KindDayArchive
		d.ContentHash = "x"
		m.versions[url] = []timeline.Version{{RunID: 1, CaptureID: int64(len(m.versions) + 1), Status: status, Verdict: archive.VerdictOK, Indexed: true, Digest: d, FetchedAt: day0}}
	}
	base := "https://portal.test/en/archive/?day="
	day(base+"01", 200, timeline.Digest{Day: "2024-04-01", Refs: timeline.RefCalendar, Items: 3, ItemsOnDay: 3, ItemsDated: 3})
	day(base+"02", 200, timeline.Digest{Day: "2024-04-02", Refs: timeline.RefCalendar, SoftNotFound: true})
	day(base+"03", 404, timeline.Digest{Day: "2024-04-03", Refs: timeline.RefCalendar})
	day(base+"04", 200, timeline.Digest{Day: "2024-04-04", Refs: timeline.RefCalendar, Items: 0})
	day(base+"31", 200, timeline.Digest{Day: "2024-04-31", Items: 5, ItemsAfter: 5, ItemsDated: 5})
	day(base+"05", 404, timeline.Digest{Day: "2024-04-05"}) // not linked: nothing to report
	day(base+"06", 200, timeline.Digest{Day: "2024-04-06", Refs: timeline.RefCalendar, Items: 2, ItemsOnDay: 2, ItemsDated: 2})
	// Outside the archive's range (before its first news, after its last):
	// an endless calendar's days, not defects of the archive.
	day(base+"0301", 404, timeline.Digest{Day: "2024-03-01", Refs: timeline.RefCalendar})
	day(base+"0302", 200, timeline.Digest{Day: "2024-03-02", Refs: timeline.RefCalendar, SoftNotFound: true})
	day(base+"0507", 404, timeline.Digest{Day: "2024-05-07", Refs: timeline.RefCalendar})
	day(base+"0230", 200, timeline.Digest{Day: "2024-02-30", Items: 5, ItemsAfter: 5, ItemsDated: 5})
	a := analyse(t, m, 1, nil)
	got := rules(a.Findings())
	want := []string{
		timeline.RuleCalendarDayBroken + " " + base + "03",
		timeline.RuleCalendarDayEmpty + " " + base + "02",
		timeline.RuleCalendarDayEmpty + " " + base + "04",
		timeline.RuleDayIgnoresDate + " " + base + "31",
	}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("findings\n got %v\nwant %v", got, want)
	}
}

func TestListingAgainstDayArchive(t *testing.T) {
	m := history(1)
	f := timeline.Fields{Headline: "H", Body: "B", Published: "2024-04-01"}
	a1 := article(1, f, timeline.RefListing)
	a1.Digest.DayCaptured = true
	a2 := article(1, f, timeline.RefDay)
	a2.Digest.ListingComplete = true
	a3 := article(1, f, timeline.RefDay) // listing not fully crawled: no finding
	a4 := article(1, f, timeline.RefListing|timeline.RefDay)
	a4.Digest.DayCaptured, a4.Digest.ListingComplete = true, true
	m.versions["https://portal.test/en/news/a1.html"] = []timeline.Version{a1}
	m.versions["https://portal.test/en/news/a2.html"] = []timeline.Version{a2}
	m.versions["https://portal.test/en/news/a3.html"] = []timeline.Version{a3}
	m.versions["https://portal.test/en/news/a4.html"] = []timeline.Version{a4}
	got := rules(analyse(t, m, 1, nil).Findings())
	want := []string{timeline.RuleMissingFromDay + " https://portal.test/en/news/a1.html", timeline.RuleMissingFromListing + " https://portal.test/en/news/a2.html"}
	if !slices.Equal(got, want) {
		t.Errorf("findings\n got %v\nwant %v", got, want)
	}
}

func TestCadenceGaps(t *testing.T) {
	// 28 days of history: news publishes every day but 2024-04-10 (a
	// Wednesday, a portal-wide empty day); decrees publish on weekdays,
	// except 2024-04-17 (a Wednesday on which news did publish).
	cases := []struct {
		name    string
		cadence map[string]timeline.Cadence
		want    []string
		learned map[string]timeline.Cadence
	}{
		{
			name: "learned",
			want: []string{
				timeline.RuleMissingDay + " https://portal.test/en/ day:2024-04-10",
				timeline.RuleMissingDay + " https://portal.test/en/decrees/ day:2024-04-17",
			},
			learned: map[string]timeline.Cadence{"https://portal.test/en/": timeline.CadenceDaily, "https://portal.test/en/news/": timeline.CadenceDaily, "https://portal.test/en/decrees/": timeline.CadenceWeekdays},
		},
		{
			name:    "configured irregular decrees",
			cadence: map[string]timeline.Cadence{"/en/decrees/": timeline.CadenceIrregular},
			want:    []string{timeline.RuleMissingDay + " https://portal.test/en/ day:2024-04-10"},
			learned: map[string]timeline.Cadence{"https://portal.test/en/decrees/": timeline.CadenceIrregular},
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := history(1)
			for i := 0; i < 28; i++ {
				d := time.Date(2024, 4, 1+i, 0, 0, 0, 0, time.UTC)
				date := d.Format(time.DateOnly)
				if date == "2024-04-10" {
					continue
				}
				f := timeline.Fields{Headline: "news " + date, Body: date, Published: date + " 10:00"}
				m.versions[fmt.Sprintf("https://portal.test/en/news/n%02d.html", i)] = []timeline.Version{article(1, f, timeline.RefListing)}
				if d.Weekday() != time.Saturday && d.Weekday() != time.Sunday && date != "2024-04-17" {
					v := article(1, timeline.Fields{Headline: "decree " + date, Body: date, Published: date}, timeline.RefListing)
					v.Digest.Section = "https://portal.test/en/decrees/"
					m.versions[fmt.Sprintf("https://portal.test/en/decrees/d%02d.html", i)] = []timeline.Version{v}
				}
			}
			a := analyse(t, m, 1, func(o *timeline.Options) { o.Cadence = tc.cadence })
			var got []string
			for _, f := range a.Findings() {
				got = append(got, f.RuleID+" "+f.URL+" "+f.EvidenceKey)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("findings\n got %v\nwant %v", got, tc.want)
			}
			for _, s := range a.Sections {
				if want, ok := tc.learned[s.Section]; ok && s.Cadence != want {
					t.Errorf("%s cadence %s, want %s", s.Section, s.Cadence, want)
				}
				if len(s.Days) != 28 && strings.HasSuffix(s.Section, "/en/") {
					t.Errorf("%s has %d days, want 28", s.Section, len(s.Days))
				}
			}
		})
	}
}

func TestRunProblems(t *testing.T) {
	m := history(0)
	at := func(id int64, day int, st archive.RunStatus) archive.Run {
		return archive.Run{ID: id, Seeds: []string{"https://portal.test/"}, StartedAt: day0.AddDate(0, 0, day), Status: st}
	}
	// Daily runs on days 0, 1, 2, 5 (3 and 4 missed), 6 interrupted, 7.
	m.runs = []archive.Run{at(6, 7, archive.RunComplete), at(5, 6, archive.RunInterrupted), at(4, 5, archive.RunComplete), at(3, 2, archive.RunComplete), at(2, 1, archive.RunComplete), at(1, 0, archive.RunComplete)}
	cases := []struct {
		name     string
		now      time.Time
		interval time.Duration
		want     []string
	}{
		{"learned interval", day0.AddDate(0, 0, 7).Add(time.Hour), 0, []string{"archive/incomplete-run run:5", "archive/missed-run due:2024-04-04T06:00:00Z"}},
		{"configured interval, late now", day0.AddDate(0, 0, 10), 24 * time.Hour, []string{"archive/incomplete-run run:5", "archive/missed-run due:2024-04-04T06:00:00Z", "archive/missed-run due:2024-04-09T06:00:00Z"}},
		{"weekly schedule", day0.AddDate(0, 0, 7).Add(time.Hour), 7 * 24 * time.Hour, []string{"archive/incomplete-run run:5"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a := analyse(t, m, 0, func(o *timeline.Options) { o.Now = func() time.Time { return tc.now }; o.RunInterval = tc.interval })
			var got []string
			for _, f := range a.Findings() {
				got = append(got, f.RuleID+" "+f.EvidenceKey)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %v\nwant %v", got, tc.want)
			}
		})
	}
}

func TestStale(t *testing.T) {
	m := history(10)
	f := timeline.Fields{Headline: "H", Body: "B"}
	m.versions[u] = []timeline.Version{article(1, f, timeline.RefListing)}
	m.versions["https://portal.test/en/news/fresh.html"] = []timeline.Version{article(9, f, timeline.RefListing)}
	a := analyse(t, m, 10, func(o *timeline.Options) { o.Freshness = 3 * 24 * time.Hour })
	if got, want := rules(a.Findings()), []string{timeline.RuleStale + " " + u}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestAnalyseErrors(t *testing.T) {
	m := history(2)
	if _, err := timeline.Analyse(context.Background(), m, 9, timeline.DefaultOptions()); err == nil {
		t.Error("unknown run: no error")
	}
	opts := timeline.DefaultOptions()
	opts.RemovalRuns = 0
	if _, err := timeline.Analyse(context.Background(), m, 0, opts); err == nil {
		t.Error("removal_runs 0: no error")
	}
	if _, err := timeline.Analyse(context.Background(), history(0), 0, timeline.DefaultOptions()); err == nil {
		t.Error("no runs: no error")
	}
}
