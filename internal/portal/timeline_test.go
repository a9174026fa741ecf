package portal_test

import (
	"bytes"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/portal"
)

func TestDeterministicBytes(t *testing.T) {
	p1, s1 := served(t, portal.Config{Seed: 42})
	_, s2 := served(t, portal.Config{Seed: 42})
	_, s3 := served(t, portal.Config{Seed: 43})
	m := p1.Manifest()
	c := noRedirect()
	urls := []string{"/en/", "/ru/", "/be/press-center/news/?page=2", "/robots.txt", "/sitemap.xml", "/en/rss.xml"}
	for _, pg := range m.Pages {
		if pg.Article != nil && len(urls) < 60 {
			urls = append(urls, pg.URL)
		}
	}
	for _, u := range urls {
		a := get(t, c, s1.URL, u)
		b := get(t, c, s2.URL, u)
		if u == "/en/" && bytes.Equal(a.raw, b.raw) {
			// Distinct requests differ in their volatile parts (counter, token, promo).
			a2 := get(t, c, s1.URL, u)
			if bytes.Equal(a.raw, a2.raw) {
				t.Errorf("%s: two requests gave identical bytes; the volatile parts should change", u)
			}
		}
		ra := bytes.ReplaceAll(stripVolatile(t, m, a.raw), []byte(s1.URL), []byte("BASE"))
		rb := bytes.ReplaceAll(stripVolatile(t, m, b.raw), []byte(s2.URL), []byte("BASE"))
		ra = bytes.ReplaceAll(ra, []byte(strings.TrimPrefix(s1.URL, "http://")), []byte("HOST"))
		rb = bytes.ReplaceAll(rb, []byte(strings.TrimPrefix(s2.URL, "http://")), []byte("HOST"))
		if !bytes.Equal(ra, rb) {
			t.Errorf("%s: same seed, different bytes beyond the volatile parts", u)
		}
	}
	a := get(t, c, s1.URL, "/en/")
	b := get(t, c, s3.URL, "/en/")
	if bytes.Equal(stripVolatile(t, m, a.raw), stripVolatile(t, m, b.raw)) {
		t.Error("seeds 42 and 43 gave the same home page")
	}
	// The manifest itself is deterministic.
	p2, _ := portal.New(portal.Config{Seed: 42})
	if len(p2.Manifest().Pages) != len(m.Pages) || p2.Manifest().Pages[len(m.Pages)/2].URL != m.Pages[len(m.Pages)/2].URL {
		t.Error("manifests of the same seed differ")
	}
}

func TestDayN(t *testing.T) {
	const day = 5
	p0, s0 := served(t, portal.Config{Seed: 6})
	pn, sn := served(t, portal.Config{Seed: 6, Day: day})
	m0, mn := p0.Manifest(), pn.Manifest()
	c := noRedirect()
	if mn.Today <= m0.Today {
		t.Fatalf("today %s on day %d, %s on day 0", mn.Today, day, m0.Today)
	}
	kinds := map[portal.ChangeKind]int{}
	changed := map[string]bool{}
	sitemap := string(get(t, c, sn.URL, "/sitemap.xml").raw)
	later := map[string]bool{} // URLs changed again after being published
	for _, ch := range mn.Changes {
		if ch.Kind != portal.ChangePublished {
			later[ch.URL] = true
		}
	}
	for _, ch := range mn.Changes {
		kinds[ch.Kind]++
		changed[ch.URL] = true
		if ch.Day < 1 || ch.Day > day {
			t.Errorf("change on day %d", ch.Day)
		}
		before, _ := manifestPage(m0, ch.URL)
		after, ok := manifestPage(mn, ch.URL)
		if !ok {
			t.Errorf("%s (%s) not in the day-%d manifest", ch.URL, ch.Kind, day)
			continue
		}
		f := get(t, c, sn.URL, ch.URL)
		switch ch.Kind {
		case portal.ChangePublished:
			if later[ch.URL] {
				continue // checked under its later change
			}
			if f.status != 200 || after.Article == nil || after.Article.Published.Value <= m0.Today {
				t.Errorf("published %s: %d", ch.URL, f.status)
			}
			if _, existed := manifestPage(m0, ch.URL); existed {
				t.Errorf("published %s already existed on day 0", ch.URL)
			}
		case portal.ChangeEdited:
			if before.Article == nil {
				// Published and edited within the window: compare with the story headline.
				if f.status != 200 || after.Article.Version != 1 {
					t.Errorf("edited %s: %d, version %d", ch.URL, f.status, after.Article.Version)
				}
				continue
			}
			if f.status != 200 || after.Article.Published != before.Article.Published || after.Article.Modified.Value != "" {
				t.Errorf("edited %s: status %d or dates changed", ch.URL, f.status)
				continue
			}
			old := get(t, c, s0.URL, ch.URL)
			if bytes.Equal(stripVolatile(t, m0, old.raw), stripVolatile(t, mn, f.raw)) {
				t.Errorf("edited %s: bytes unchanged", ch.URL)
			}
			if (ch.What == "headline") == (after.Article.Headline == before.Article.Headline) {
				t.Errorf("edited %s (%s): headline %q → %q", ch.URL, ch.What, before.Article.Headline, after.Article.Headline)
			}
		case portal.ChangeCorrected:
			if f.status != 200 || after.Article.Modified.Value != ch.Date || after.Article.Correction == "" {
				t.Errorf("corrected %s: %d, modified %q", ch.URL, f.status, after.Article.Modified.Value)
			}
			if !strings.Contains(parse(t, decode(t, f.raw, after.Charset)).text, after.Article.Correction) {
				t.Errorf("corrected %s: no correction note", ch.URL)
			}
		case portal.ChangeRemoved:
			if f.status != ch.Status || after.Status != ch.Status {
				t.Errorf("removed %s: %d, want %d", ch.URL, f.status, ch.Status)
			}
		case portal.ChangeOrphaned:
			if f.status != 200 || after.InSitemap || after.InListing || !hasQuirk(after.Quirks, portal.QuirkOrphaned) {
				t.Errorf("orphaned %s: %d, in sitemap %v", ch.URL, f.status, after.InSitemap)
			}
			if strings.Contains(sitemap, ch.URL) {
				t.Errorf("orphaned %s is in the sitemap", ch.URL)
			}
			for _, pg := range mn.Pages {
				for _, it := range pg.Items {
					if it == ch.URL {
						t.Errorf("orphaned %s still listed on %s", ch.URL, pg.URL)
					}
				}
			}
		}
	}
	for _, k := range []portal.ChangeKind{portal.ChangePublished, portal.ChangeEdited, portal.ChangeCorrected, portal.ChangeRemoved, portal.ChangeOrphaned} {
		if kinds[k] < day {
			t.Errorf("%d %s changes over %d days", kinds[k], k, day)
		}
	}
	// An untouched old article whose neighbours are untouched has the same
	// bytes on both days, apart from the volatile parts.
	compared := 0
	for _, pg := range m0.Pages {
		if pg.Article == nil || pg.DuplicateOf != "" || changed[pg.URL] || compared == 5 || strings.HasPrefix(pg.Calendar.Month, m0.Today[:7]) {
			continue
		}
		a := stripVolatile(t, m0, get(t, c, s0.URL, pg.URL).raw)
		b := stripVolatile(t, mn, get(t, c, sn.URL, pg.URL).raw)
		if bytes.Equal(a, b) {
			compared++
		}
	}
	if compared < 5 {
		t.Errorf("only %d untouched articles kept their bytes", compared)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	for _, cfg := range []portal.Config{
		{Articles: 10},
		{Day: -1},
		{Day: 100000},
		{Quirks: portal.Quirks{RateLimit429: 1.5}},
		{Host: "http://x"},
	} {
		if _, err := portal.New(cfg); err == nil {
			t.Errorf("New(%+v) accepted a bad config", cfg)
		}
	}
}

func TestConditionalRequests(t *testing.T) {
	p0, s0 := served(t, portal.Config{Seed: 6})
	pn, sn := served(t, portal.Config{Seed: 6, Day: 3})
	m0 := p0.Manifest()
	condGet := func(u, since string) int {
		t.Helper()
		req, _ := http.NewRequest(http.MethodGet, sn.URL+u, nil)
		req.Header.Set("If-Modified-Since", since)
		resp, err := noRedirect().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	touched := map[string]bool{}
	for _, ch := range pn.Manifest().Changes {
		if ch.Kind == portal.ChangeEdited || ch.Kind == portal.ChangeCorrected {
			touched[ch.URL] = true
		}
	}
	revisits, refetched := 0, 0
	for _, pg := range m0.ArticlePages() {
		after, ok := pn.Manifest().Lookup(pg.URL)
		if !ok || after.Status != 200 || pg.LastModified == "" {
			continue
		}
		got := condGet(pg.URL, pg.LastModified)
		if touched[pg.URL] && after.LastModified == pg.LastModified {
			t.Errorf("%s was edited on a later day but keeps its day-0 Last-Modified", pg.URL)
		}
		// A page whose article or surroundings (related block, calendar
		// widget) changed has a later Last-Modified.
		switch {
		case after.LastModified != pg.LastModified:
			refetched++
			if got != 200 {
				t.Errorf("%s changed on a later day but answered %d to the day-0 Last-Modified", pg.URL, got)
			}
		default:
			revisits++
			if got != http.StatusNotModified {
				t.Errorf("%s unchanged but answered %d to its Last-Modified", pg.URL, got)
			}
			// Not modified means the same page, its volatile parts aside.
			a := bytes.ReplaceAll(stripVolatile(t, m0, get(t, noRedirect(), s0.URL, pg.URL).raw), []byte(strings.TrimPrefix(s0.URL, "http://")), []byte("HOST"))
			b := bytes.ReplaceAll(stripVolatile(t, m0, get(t, noRedirect(), sn.URL, pg.URL).raw), []byte(strings.TrimPrefix(sn.URL, "http://")), []byte("HOST"))
			if !bytes.Equal(a, b) {
				t.Errorf("%s answers 304 to its day-0 Last-Modified but its page changed", pg.URL)
			}
		}
	}
	if revisits == 0 || refetched == 0 {
		t.Errorf("%d revisits, %d refetches", revisits, refetched)
	}
	if got := condGet("/css/portal.css", "Mon, 01 Jan 2024 00:00:00 GMT"); got != 200 {
		t.Errorf("stylesheet modified since 2024-01-01 answered %d", got)
	}
}

// TestEmptyDaysAndCadence checks the manifest's account of the days
// without news against its own articles on every day up to Day: a day
// without listed news either never had an article (a gap in the
// languages' daily cadence, which never leaves two days in a row empty) or
// lists in EmptiedBy exactly the articles dated that day, each removed or
// orphaned by a change up to Day; and no section publishes on half of the
// days of its range or more (their cadence is irregular).
func TestEmptyDaysAndCadence(t *testing.T) {
	const days = 4
	published := map[string][]string{} // "lang date" → every article ever dated that day
	sectionDays := map[string]map[string]bool{}
	var m *portal.Manifest
	for d := 0; d <= days; d++ {
		p, err := portal.New(portal.Config{Seed: 6, Articles: 40, Day: d})
		if err != nil {
			t.Fatal(err)
		}
		m = p.Manifest()
		for _, pg := range m.Pages {
			if pg.Article == nil || pg.DuplicateOf != "" || pg.Status != 200 {
				continue
			}
			day := pg.Article.Published.Value[:10]
			if slices.Contains(pg.Defects, portal.DefectFutureDate) {
				// It prints a date in the future: its real day is the
				// day archive that lists it.
				day = ""
				for _, dp := range m.Pages {
					if dp.Kind == portal.KindDayArchive && strings.Contains(dp.URL, "/archive/") && slices.Contains(dp.Items, pg.URL) {
						day = dayOf(t, dp.URL)
					}
				}
				if day == "" {
					t.Fatalf("day %d: %s is in no day archive", d, pg.URL)
				}
			}
			key := pg.Lang + " " + day
			if !slices.Contains(published[key], pg.URL) {
				published[key] = append(published[key], pg.URL)
			}
			sec := pg.Lang + " " + pg.Article.Section + "/" + pg.Article.Sub
			if sectionDays[sec] == nil {
				sectionDays[sec] = map[string]bool{}
			}
			sectionDays[sec][day] = true
		}
	}
	if m.Cadence != portal.CadenceDaily || m.SectionCadence != portal.CadenceIrregular {
		t.Fatalf("cadence %q, sections %q", m.Cadence, m.SectionCadence)
	}
	gone := map[string]int{}
	for _, c := range m.Changes {
		if c.Kind == portal.ChangeRemoved || c.Kind == portal.ChangeOrphaned {
			gone[c.URL] = c.Day
		}
	}
	empty := map[string]bool{}
	gaps, emptied := 0, 0
	for _, e := range m.EmptyDays {
		key := e.Lang + " " + e.Date
		empty[key] = true
		want := published[key]
		slices.Sort(want)
		got := slices.Sorted(slices.Values(e.EmptiedBy))
		if !slices.Equal(got, want) {
			t.Errorf("%s: emptied by %v, articles ever dated that day %v", key, got, want)
		}
		for _, u := range got {
			if _, ok := gone[u]; !ok {
				t.Errorf("%s: %s empties the day but no change removed or orphaned it", key, u)
			}
		}
		if len(got) == 0 {
			gaps++
		} else {
			emptied++
		}
	}
	if gaps == 0 || emptied == 0 {
		t.Fatalf("%d gaps and %d emptied days; the test needs both", gaps, emptied)
	}
	// Daily: no two days in a row without news ever published.
	for _, lang := range m.Languages {
		var prevGap string
		for _, e := range m.EmptyDays {
			if e.Lang != lang || len(e.EmptiedBy) > 0 {
				continue
			}
			if prevGap != "" && nextDay(t, prevGap) == e.Date {
				t.Errorf("%s: %s and %s both without news; the cadence is daily", lang, prevGap, e.Date)
			}
			prevGap = e.Date
		}
	}
	// Irregular sections: news on fewer than half the days of their range.
	for sec, ds := range sectionDays {
		first, last := "", ""
		for d := range ds {
			if first == "" || d < first {
				first = d
			}
			if d > last {
				last = d
			}
		}
		span := spanDays(t, first, last)
		if len(ds) >= 4 && 2*len(ds) >= span {
			t.Errorf("section %s has news on %d of %d days", sec, len(ds), span)
		}
	}
	t.Logf("%d gaps, %d days emptied by removals or orphans, %d sections", gaps, emptied, len(sectionDays))
}

func dayOf(t *testing.T, dayURL string) string {
	t.Helper()
	var d, mo, y int
	if _, err := fmt.Sscanf(dayURL[strings.Index(dayURL, "?"):], "?day=%d&month=%d&year=%d/", &d, &mo, &y); err != nil {
		t.Fatalf("%s: %v", dayURL, err)
	}
	return fmt.Sprintf("%04d-%02d-%02d", 2000+y, mo, d)
}

func nextDay(t *testing.T, date string) string {
	t.Helper()
	d, err := time.Parse(time.DateOnly, date)
	if err != nil {
		t.Fatal(err)
	}
	return d.AddDate(0, 0, 1).Format(time.DateOnly)
}

func spanDays(t *testing.T, first, last string) int {
	t.Helper()
	a, err1 := time.Parse(time.DateOnly, first)
	b, err2 := time.Parse(time.DateOnly, last)
	if err1 != nil || err2 != nil {
		t.Fatalf("dates %q %q", first, last)
	}
	return int(b.Sub(a).Hours()/24) + 1
}
