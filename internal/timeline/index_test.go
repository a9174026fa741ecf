package timeline_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/sqlite"
	"github.com/archiver-dev/archiver/internal/timeline"
)

const site = "https://portal.test"

// articleHTML renders an article of the synthetic site.
func articleHTML(n int, headline, author, credit, modified, correction, body string, counter int) string {
	ld := fmt.Sprintf(`{"@context":"https://schema.org","@type":"NewsArticle","headline":%q,"datePublished":"2024-04-03T10:0%dZ"`, headline, n)
	if modified != "" {
		ld += fmt.Sprintf(`,"dateModified":"%sT09:00Z"`, modified)
	}
	if author != "" {
		ld += fmt.Sprintf(`,"author":{"@type":"Person","name":%q}`, author)
	}
	ld += "}"
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s | Portal</title>
<script type="application/ld+json">%s</script></head><body>
<nav class="menu"><a href="/en/">Home</a> <a href="/en/news/">News</a></nav>
<div class="breadcrumbs"><a href="/en/">Home</a> | <a href="/en/news/">News</a></div>
<article><h1>%s</h1><p class="date"><time datetime="2024-04-03T10:0%dZ">3 Apr 2024</time></p>`, headline, ld, headline, n)
	if author != "" {
		fmt.Fprintf(&b, `<p class="byline">By <span class="author">%s</span></p>`, author)
	}
	fmt.Fprintf(&b, `<figure><img src="/img/%d.jpg" alt="Photo"><figcaption>Photo by %s</figcaption></figure>`, n, credit)
	for _, p := range strings.Split(body, "\n") {
		fmt.Fprintf(&b, "<p>%s</p>\n", p)
	}
	if correction != "" {
		fmt.Fprintf(&b, `<p class="correction"><em>%s</em></p>`, correction)
	}
	fmt.Fprintf(&b, `</article><div class="stats"><span id="visit-counter">%d</span> views</div></body></html>`, counter)
	return b.String()
}

func listingHTML(title string, items []int, extra string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>%s | Portal</title></head><body>
<nav class="menu"><a href="/en/">Home</a></nav><h1>%s</h1><div class="news_list">`, title, title)
	for _, i := range items {
		fmt.Fprintf(&b, `<div class="news_item"><a href="/en/news/article-%d.html">Government and delegation discuss cooperation in region number %d</a><p>Teaser …</p></div>`, i, i)
	}
	b.WriteString(extra + `</div></body></html>`)
	return b.String()
}

const calendarHTML = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Archive | Portal</title></head><body>
<h1>Archive</h1><div class="calendar"><div class="cal_head">April 2024</div><table class="cal"><tr><th>Mo</th><th>Tu</th><th>We</th><th>Th</th><th>Fr</th><th>Sa</th><th>Su</th></tr>
<tr><td><a href="/en/archive/?day=01&amp;month=04&amp;year=24">1</a></td><td><a href="/en/archive/?day=02&amp;month=04&amp;year=24">2</a></td><td><a href="/en/archive/?day=03&amp;month=04&amp;year=24">3</a></td><td>4</td><td>5</td><td>6</td><td>7</td></tr></table></div></body></html>`

// syntheticSite returns the pages of the synthetic portal in a run (1, 2
// or 3): URL → status and body.
func syntheticSite(run int) map[string]struct {
	status int
	body   string
} {
	type page = struct {
		status int
		body   string
	}
	body := "MINSK, 3 April (BelTA) - The Prime Minister met the delegation.\nThey discussed trade and the new roadmap.\nThe next meeting is planned for May."
	pages := map[string]page{
		"/en/news/":                            {200, listingHTML("News", []int{1, 2, 3, 4, 5, 6}, "")},
		"/en/calendar/?month=04&year=24":       {200, calendarHTML},
		"/en/archive/?day=03&month=04&year=24": {200, listingHTML("News of 3 April 2024", []int{1, 2, 3, 4}, "")},
		"/en/archive/?day=02&month=04&year=24": {200, listingHTML("News of 2 April 2024", nil, `<p class="no_news">There is no news for this day.</p>`)},
		"/en/archive/?day=01&month=04&year=24": {404, "<html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>"},
		"/en/archive/?day=31&month=04&year=24": {200, listingHTML("News of 31 April 2024", []int{1, 2, 3, 4}, "")},
		"/en/archive/?day=31&month=03&year=24": {200, listingHTML("News of 31 March 2024", []int{6}, "")},
		"/sitemap.xml":                         {200, `<?xml version="1.0"?><urlset><url><loc>https://portal.test/en/news/article-1.html</loc></url><url><loc>https://portal.test/en/news/article-5.html</loc></url><url><loc>https://portal.test/en/never.html</loc></url></urlset>`},
		"/en/news/article-1.html":              {200, articleHTML(1, "Prime Minister meets delegation", "Anna Ivanova", "sectsco.org", "", "", body, 100*run)},
		"/en/news/article-2.html":              {200, articleHTML(2, "Roadmap on trade signed", "Ivan Petrov", "pravo.by", "", "", body, 7)},
		"/en/news/article-3.html":              {200, articleHTML(3, "Forum on health projects opens", "Olga Sidorova", "BelTA", "", "", body, 9)},
		"/en/news/article-4.html":              {200, articleHTML(4, "Ministers discuss exports", "Pavel Orlov", "BelTA", "", "", body, 11*run)},
		"/en/news/article-5.html":              {200, articleHTML(5, "Delegation visits Minsk", "Maria Lebedeva", "BelTA", "", "", body, 13)},
		// The oldest article, published the day before the calendar's
		// broken and empty days: they are inside the archive's range.
		"/en/news/article-6.html": {200, strings.NewReplacer("2024-04-03T", "2024-03-31T", "3 Apr 2024", "31 Mar 2024").Replace(
			articleHTML(6, "Exhibition of crafts opens", "Pavel Orlov", "BelTA", "", "", body, 5))},
	}
	if run >= 2 {
		pages["/en/news/article-1.html"] = page{200, articleHTML(1, "Prime Minister meets delegation", "Anna Ivanova", "sectsco.org", "", "", strings.Replace(body, "trade and the new roadmap", "trade, energy and the new roadmap", 1), 100*run)}
		pages["/en/news/article-2.html"] = page{200, articleHTML(2, "Roadmap on trade signed", "Ivan Petrov", "pravo.by", "2024-04-04", "Correction: an earlier version misstated the date of the next meeting.", strings.Replace(body, "May", "June", 1), 7)}
		pages["/en/news/article-3.html"] = page{404, "<html><head><title>Page not found</title></head><body><h1>Page not found</h1></body></html>"}
		pages["/en/news/article-5.html"] = page{200, articleHTML(5, "Delegation visits Minsk", "", "BelTA", "", "", body, 13)}
	}
	return pages
}

// buildSyntheticArchive stores three daily runs of the synthetic site and
// indexes them.
func buildSyntheticArchive(t *testing.T) (*sqlite.Store, *timeline.Indexer, []int64) {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "archive.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ix, err := timeline.NewIndexer(st, timeline.DefaultIndexOptions())
	if err != nil {
		t.Fatal(err)
	}
	var runs []int64
	for run := 1; run <= 3; run++ {
		at := day0.AddDate(0, 0, run-1)
		id, err := st.CreateRun(ctx, archive.Run{Seeds: []string{site + "/en/"}, StartedAt: at})
		if err != nil {
			t.Fatal(err)
		}
		pages := syntheticSite(run)
		paths := make([]string, 0, len(pages))
		for p := range pages {
			paths = append(paths, p)
		}
		slices.Sort(paths)
		for i, p := range paths {
			pg := pages[p]
			ct := "text/html; charset=utf-8"
			if strings.HasSuffix(p, ".xml") {
				ct = "application/xml"
			}
			c := &archive.Capture{RunID: id, URL: site + p, CanonicalURL: site + p, FinalURL: site + p, Method: "GET", Status: pg.status,
				Header: http.Header{"Content-Type": {ct}}, FetchedAt: at.Add(time.Duration(i) * time.Second), Verdict: archive.VerdictOK, Body: []byte(pg.body)}
			if _, _, err := st.PutCapture(ctx, c); err != nil {
				t.Fatal(err)
			}
		}
		if err := st.FinishRun(ctx, id, archive.RunComplete, archive.RunCounts{}, at.Add(time.Minute)); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, id)
	}
	done, err := timeline.EnsureIndexed(ctx, st, ix)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(done, runs) {
		t.Fatalf("EnsureIndexed indexed %v, want %v", done, runs)
	}
	if again, err := timeline.EnsureIndexed(ctx, st, ix); err != nil || len(again) != 0 {
		t.Fatalf("EnsureIndexed again: %v %v", again, err)
	}
	// Another volatile configuration makes other digests: every run is
	// indexed again.
	opts := timeline.DefaultIndexOptions()
	opts.Volatile.Selectors = append(opts.Volatile.Selectors, ".stats")
	other, err := timeline.NewIndexer(st, opts)
	if err != nil {
		t.Fatal(err)
	}
	if other.Version() == ix.Version() {
		t.Fatal("the index version does not depend on the volatile configuration")
	}
	if redone, err := timeline.EnsureIndexed(ctx, st, other); err != nil || !slices.Equal(redone, runs) {
		t.Fatalf("EnsureIndexed with another configuration: %v %v", redone, err)
	}
	if _, err := timeline.EnsureIndexed(ctx, st, ix); err != nil {
		t.Fatal(err)
	}
	return st, ix, runs
}

func TestIndexAndAnalyseSyntheticSite(t *testing.T) {
	st, ix, runs := buildSyntheticArchive(t)
	ctx := context.Background()
	opts := timeline.DefaultOptions()
	opts.Now = func() time.Time { return day0.AddDate(0, 0, 2).Add(time.Hour) }
	opts.Freshness = 0

	a, err := timeline.Analyse(ctx, st, runs[1], opts)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range a.Findings() {
		got = append(got, f.RuleID+" "+strings.TrimPrefix(f.URL, site))
	}
	slices.Sort(got)
	want := []string{
		timeline.RuleBylineRemoved + " /en/news/article-5.html",
		timeline.RuleCalendarDayBroken + " /en/archive/?day=01&month=04&year=24",
		timeline.RuleCalendarDayEmpty + " /en/archive/?day=02&month=04&year=24",
		timeline.RuleDayIgnoresDate + " /en/archive/?day=31&month=04&year=24",
		timeline.RuleMissingFromDay + " /en/news/article-5.html",
		timeline.RuleSilentEdit + " /en/news/article-1.html",
		timeline.RuleSitemapNeverCapture + " /en/never.html",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings at run 2\n got %q\nwant %q", got, want)
	}
	kinds := map[string]timeline.ChangeKind{}
	for _, c := range a.Changes {
		kinds[strings.TrimPrefix(c.URL, site)] = c.Kind
	}
	wantKinds := map[string]timeline.ChangeKind{
		"/en/news/article-1.html": timeline.ChangeSilent,
		"/en/news/article-2.html": timeline.ChangeDeclared,
		"/en/news/article-5.html": timeline.ChangeMetadata,
	}
	for u, k := range wantKinds {
		if kinds[u] != k {
			t.Errorf("change of %s: %q, want %q", u, kinds[u], k)
		}
	}
	if _, ok := kinds["/en/news/article-4.html"]; ok {
		t.Error("article 4 changed only its view counter and is reported changed")
	}
	if len(a.Removals) != 1 || a.Removals[0].Confirmed || !strings.HasSuffix(a.Removals[0].URL, "article-3.html") {
		t.Errorf("removals at run 2: %+v, want article 3 pending", a.Removals)
	}

	a3, err := timeline.Analyse(ctx, st, runs[2], opts)
	if err != nil {
		t.Fatal(err)
	}
	removed := 0
	for _, f := range a3.Findings() {
		if f.RuleID == timeline.RulePageRemoved {
			removed++
			if !strings.HasSuffix(f.URL, "article-3.html") || f.Status != 404 {
				t.Errorf("removal finding %+v", f)
			}
		}
	}
	if removed != 1 {
		t.Errorf("%d removals at run 3, want 1", removed)
	}

	// The report: changes with field changes and body diffs.
	r, err := timeline.BuildReport(ctx, st, ix, runs[1], opts, timeline.ReportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Changes) != 3 || r.Changes[0].Kind != timeline.ChangeSilent {
		t.Fatalf("report changes: %d, first %v", len(r.Changes), r.Changes[0].Kind)
	}
	silent := r.Changes[0]
	if !strings.Contains(silent.BodyDiff, "-They discussed trade and the new roadmap.") || !strings.Contains(silent.BodyDiff, "+They discussed trade, energy and the new roadmap.") {
		t.Errorf("body diff of the silent edit:\n%s", silent.BodyDiff)
	}
	if !strings.HasPrefix(silent.BodyDiff, "--- run ") || silent.BodyError != "" {
		t.Errorf("body diff header or error: %q %q", silent.BodyDiff, silent.BodyError)
	}
	declared := r.Changes[1]
	var fields []string
	for _, f := range declared.Fields {
		fields = append(fields, f.Field)
	}
	if !slices.Contains(fields, "modified") || !slices.Contains(fields, "correction") || !slices.Contains(fields, "body") {
		t.Errorf("declared edit fields %v", fields)
	}
	var roots int
	for _, s := range r.Sections {
		if s.Section == site+"/en/" {
			roots++
			// Article 3, removed since, was published that day too.
			last := len(s.Days) - 1
			if last < 0 || s.Days[0].Date != "2024-03-31" || s.Days[0].Count != 1 || s.Days[last].Date != "2024-04-03" || s.Days[last].Count != 5 {
				t.Errorf("en days %+v, want 1 article on 2024-03-31 and 5 on 2024-04-03", s.Days)
			}
		}
	}
	if roots != 1 {
		t.Errorf("no section for the en root in %+v", r.Sections)
	}

	// The history of the silently edited article.
	vs, err := st.URLVersions(ctx, site+"/en/news/article-1.html")
	if err != nil {
		t.Fatal(err)
	}
	var notes []string
	for _, e := range timeline.History(vs) {
		notes = append(notes, e.Note)
	}
	if want := []string{"first capture", "silent-edit: body", "unchanged"}; !slices.Equal(notes, want) {
		t.Errorf("history notes %q, want %q", notes, want)
	}
}
