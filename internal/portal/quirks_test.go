package portal_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/xml"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/portal"
)

// onePage returns the single page with a quirk or defect, failing if there
// is not exactly one.
func onePage(t *testing.T, m *portal.Manifest, f func(portal.Page) bool, what string) portal.Page {
	t.Helper()
	ps := pagesWhere(m, func(pg portal.Page) bool { return pg.DuplicateOf == "" && f(pg) })
	if len(ps) != 1 {
		t.Fatalf("%s: %d pages, want exactly 1", what, len(ps))
	}
	return ps[0]
}

func TestCharsetVariantsAsBytes(t *testing.T) {
	p, srv := served(t, portal.Config{Seed: 11})
	m := p.Manifest()
	c := noRedirect()
	tests := []struct {
		name                 string
		match                func(portal.Page) bool
		utf8, header1251, m1 bool
	}{
		{"windows-1251 declared in the header only", func(pg portal.Page) bool {
			return pg.Charset == "windows-1251" && pg.CharsetDecl == portal.DeclHeader
		}, false, true, false},
		{"windows-1251 declared in meta only", func(pg portal.Page) bool {
			return pg.Charset == "windows-1251" && pg.CharsetDecl == portal.DeclMeta
		}, false, false, true},
		{"windows-1251 with no declaration", func(pg portal.Page) bool {
			return pg.Charset == "windows-1251" && pg.CharsetDecl == portal.DeclNone
		}, false, false, false},
		{"meta says windows-1251, bytes are UTF-8", func(pg portal.Page) bool {
			return pg.Charset == "utf-8" && pg.CharsetDecl == portal.DeclWrong
		}, true, false, true},
		{"header windows-1251, meta utf-8", func(pg portal.Page) bool { return pg.CharsetDecl == portal.DeclConflict }, false, true, false},
		{"header says utf-8, bytes are windows-1251", func(pg portal.Page) bool {
			return pg.Charset == "windows-1251" && pg.CharsetDecl == portal.DeclWrong && pg.HeaderCharset == "utf-8"
		}, false, false, false},
		{"utf-8 with no declaration", func(pg portal.Page) bool {
			return pg.Charset == "utf-8" && pg.CharsetDecl == portal.DeclNone
		}, true, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ps := pagesWhere(m, func(pg portal.Page) bool { return pg.Article != nil && pg.DuplicateOf == "" && tc.match(pg) })
			if len(ps) == 0 {
				t.Fatal("no such page planted")
			}
			for _, pg := range ps {
				f := get(t, c, srv.URL, pg.URL)
				if utf8.Valid(f.raw) != tc.utf8 {
					t.Errorf("%s: valid UTF-8 = %v, want %v", pg.URL, utf8.Valid(f.raw), tc.utf8)
				}
				ct := f.header.Get("Content-Type")
				if strings.Contains(ct, "windows-1251") != tc.header1251 {
					t.Errorf("%s: Content-Type %q", pg.URL, ct)
				}
				if bytes.Contains(f.raw, []byte("charset=windows-1251")) != tc.m1 {
					t.Errorf("%s: meta windows-1251 present = %v, want %v", pg.URL, !tc.m1, tc.m1)
				}
				// Decoding the bytes with the real charset gives the headline back.
				text := parse(t, decode(t, f.raw, pg.Charset)).text
				if pg.Article.Headline != "" && !strings.Contains(text, pg.Article.Headline) {
					t.Errorf("%s: headline %q not found after decoding as %s", pg.URL, pg.Article.Headline, pg.Charset)
				}
				if pg.Lang != "en" && pg.Charset == "windows-1251" && strings.Contains(string(f.raw), pg.Article.Dateline.Place) && pg.Article.Dateline.Place != "" {
					t.Errorf("%s: Cyrillic text found as UTF-8 in a windows-1251 page", pg.URL)
				}
			}
		})
	}
	if n := len(pagesWhere(m, func(pg portal.Page) bool { return pg.CharsetDecl == portal.DeclConflict })); n != 1 {
		t.Errorf("%d pages with conflicting declarations, want 1", n)
	}
}

func TestHeadlineAndCreditVariants(t *testing.T) {
	for _, day := range []int{0, 9, 400, 1500} {
		t.Run("day"+strconv.Itoa(day), func(t *testing.T) { headlineAndCreditVariants(t, day) })
	}
}

func headlineAndCreditVariants(t *testing.T, day int) {
	p, _ := served(t, portal.Config{Seed: 2, Day: day})
	m := p.Manifest()
	variants := map[string]bool{}
	bylines := map[string]bool{}
	dashes := map[string]bool{}
	for _, pg := range m.Pages {
		if pg.Article == nil {
			continue
		}
		variants[pg.Article.CreditVariant] = true
		bylines[pg.Article.Byline] = true
		dashes[pg.Article.Dateline.Dash] = true
	}
	for _, v := range []string{"photo-by", "photos-by", "photo-colon", "foto-belta", "foto-name-belta", "alt-only", "none", "no-image"} {
		if !variants[v] {
			t.Errorf("no credit variant %s", v)
		}
	}
	for _, v := range []string{"person", "person-fio", "agency", "empty", "none"} {
		if !bylines[v] {
			t.Errorf("no byline variant %s", v)
		}
	}
	for _, v := range []string{"-", "–", "/."} {
		if !dashes[v] {
			t.Errorf("no dateline dash %q", v)
		}
	}
	for _, q := range []portal.Quirk{portal.QuirkSoftHyphens, portal.QuirkTimeInH1, portal.QuirkHeadlineCaption, portal.QuirkJSONLD,
		portal.QuirkTemplateOld, portal.QuirkTemplateNew, portal.QuirkLeadingNbsp, portal.QuirkForeignDateline, portal.QuirkTASSDateline} {
		if m.Counts.ByQuirk[q] == 0 {
			t.Errorf("quirk %s not planted", q)
		}
	}
	for _, d := range portal.AllDefects() {
		if m.Counts.Defects[d.ID] == 0 {
			t.Errorf("defect %s not planted", d.ID)
		}
	}
	checkHeadlinesUnique(t, m)
	dupKinds := map[string]int{}
	for _, pg := range m.Pages {
		if pg.DuplicateOf != "" {
			dupKinds[pg.DuplicateWhy]++
		}
	}
	for _, why := range []string{"print", "utm", "section-alias", "jsessionid", "page", "date-ignored"} {
		if dupKinds[why] == 0 {
			t.Errorf("no %s duplicates", why)
		}
	}
	for _, pg := range m.ArticlePages() {
		if future := pg.Article.Published.Value > m.Today; future != pg.HasDefect(portal.DefectFutureDate) {
			t.Errorf("%s: published %s, today %s, future-date defect %v", pg.URL, pg.Article.Published.Value, m.Today, !future)
		}
	}
	if m.Counts.Clean < 20 {
		t.Errorf("%d clean pages, want a clean set", m.Counts.Clean)
	}
	// Russian and Belarusian datelines use month names in the genitive.
	ruMonths := regexp.MustCompile(`(января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря)`)
	beMonths := regexp.MustCompile(`(студзеня|лютага|сакавіка|красавіка|мая|чэрвеня|ліпеня|жніўня|верасня|кастрычніка|лістапада|снежня)`)
	for _, pg := range m.Pages {
		if pg.Article == nil || pg.Article.Dateline.Raw == "" || pg.Article.Dateline.Agency == "TASS" {
			continue
		}
		switch pg.Lang {
		case "ru":
			if !ruMonths.MatchString(pg.Article.Dateline.DateText) || !strings.Contains(pg.Article.Dateline.Raw, "(БЕЛТА)") {
				t.Errorf("%s: dateline %q", pg.URL, pg.Article.Dateline.Raw)
			}
		case "be":
			if !beMonths.MatchString(pg.Article.Dateline.DateText) {
				t.Errorf("%s: dateline %q", pg.URL, pg.Article.Dateline.Raw)
			}
		}
	}
}

func TestSpecialPages(t *testing.T) {
	p, srv := served(t, portal.Config{Seed: 4})
	m := p.Manifest()
	c := noRedirect()
	has := func(q portal.Quirk) func(portal.Page) bool {
		return func(pg portal.Page) bool { return hasQuirk(pg.Quirks, q) }
	}
	t.Run("large", func(t *testing.T) {
		pg := onePage(t, m, has(portal.QuirkLarge), "large page")
		if f := get(t, c, srv.URL, pg.URL); len(f.raw) < 1<<20 {
			t.Errorf("large page is %d bytes", len(f.raw))
		}
	})
	t.Run("gzip even when not asked for", func(t *testing.T) {
		pg := onePage(t, m, has(portal.QuirkGzip), "gzip page")
		resp, err := c.Get(srv.URL + pg.URL) // DisableCompression: no Accept-Encoding
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q", resp.Header.Get("Content-Encoding"))
		}
		f := get(t, c, srv.URL, pg.URL) // get decompresses
		if !bytes.Contains(f.raw, []byte("<h1")) {
			t.Error("decompressed gzip page has no h1")
		}
	})
	t.Run("hostile", func(t *testing.T) {
		pg := onePage(t, m, has(portal.QuirkHostileTitle), "hostile title")
		f := get(t, c, srv.URL, pg.URL)
		if !bytes.Contains(f.raw, []byte(`</script><script>alert("title")</script> | `)) || !strings.Contains(pg.Title, "</script>") {
			t.Error("title does not carry </script>")
		}
		pg = onePage(t, m, has(portal.QuirkHostileScript), "hostile script")
		if f := get(t, c, srv.URL, pg.URL); !bytes.Contains(f.raw, []byte("<script>document.write(")) {
			t.Error("no script in the body")
		}
		pg = onePage(t, m, has(portal.QuirkHostileOnerror), "hostile onerror")
		if f := get(t, c, srv.URL, pg.URL); !bytes.Contains(f.raw, []byte(`onerror="alert(`)) {
			t.Error("no onerror in the body")
		}
	})
	t.Run("pdf", func(t *testing.T) {
		pg := onePage(t, m, func(pg portal.Page) bool { return pg.Kind == portal.KindPDF }, "pdf")
		f := get(t, c, srv.URL, pg.URL)
		if !bytes.HasPrefix(f.raw, []byte("%PDF-1.4")) || !bytes.HasSuffix(f.raw, []byte("%%EOF\n")) {
			t.Error("not a PDF")
		}
		// The startxref offset points at the cross-reference table.
		k := bytes.LastIndex(f.raw, []byte("startxref\n"))
		var off int
		if _, err := fmtSscan(string(f.raw[k+len("startxref\n"):]), &off); err != nil || !bytes.HasPrefix(f.raw[off:], []byte("xref")) {
			t.Errorf("startxref %d does not point at xref", off)
		}
	})
	t.Run("robots", func(t *testing.T) {
		f := get(t, c, srv.URL, "/robots.txt")
		for _, d := range m.Robots.Disallow {
			if !bytes.Contains(f.raw, []byte("Disallow: "+d+"\n")) {
				t.Errorf("robots.txt lacks Disallow: %s", d)
			}
		}
		if !bytes.Contains(f.raw, []byte("Sitemap: "+srv.URL+"/sitemap.xml")) {
			t.Errorf("robots.txt lacks the sitemap: %s", f.raw)
		}
		for _, pg := range pagesWhere(m, func(pg portal.Page) bool { return hasQuirk(pg.Quirks, portal.QuirkRobotsDisallowed) }) {
			if get(t, c, srv.URL, pg.URL).status != 200 {
				t.Errorf("disallowed %s is not served", pg.URL)
			}
		}
	})
	t.Run("sitemap", func(t *testing.T) {
		f := get(t, c, srv.URL, "/sitemap.xml")
		var sm struct {
			URLs []struct {
				Loc string `xml:"loc"`
			} `xml:"url"`
		}
		if err := xml.Unmarshal(f.raw, &sm); err != nil {
			t.Fatal(err)
		}
		in := map[string]bool{}
		for _, u := range sm.URLs {
			in[strings.TrimPrefix(u.Loc, srv.URL)] = true
		}
		want := pagesWhere(m, func(pg portal.Page) bool { return pg.InSitemap })
		if len(want) != len(in) {
			t.Errorf("sitemap has %d URLs, manifest %d", len(in), len(want))
		}
		for _, pg := range want {
			if !in[pg.URL] {
				t.Errorf("%s missing from the sitemap", pg.URL)
			}
		}
	})
}

func hasQuirk(qs []portal.Quirk, q portal.Quirk) bool {
	return portal.Page{Quirks: qs}.HasQuirk(q)
}

// checkHeadlinesUnique checks that headlines are unique within a language
// except on the pages planted with duplicate-headline, where they are not.
func checkHeadlinesUnique(t *testing.T, m *portal.Manifest) {
	t.Helper()
	byHeadline := map[string][]portal.Page{}
	for _, pg := range m.ArticlePages() {
		if pg.Article.Headline != "" {
			byHeadline[pg.Lang+"\x00"+pg.Article.Headline] = append(byHeadline[pg.Lang+"\x00"+pg.Article.Headline], pg)
		}
	}
	dups := 0
	for h, ps := range byHeadline {
		for _, pg := range ps {
			planted := pg.HasDefect(portal.DefectDuplicateHeadline)
			if planted != (len(ps) > 1) {
				t.Errorf("%s: headline %q shared by %d pages, defect planted %v", pg.URL, h[3:], len(ps), planted)
			}
			if planted {
				dups++
			}
		}
	}
	if dups == 0 {
		t.Error("no duplicate headlines")
	}
}

// TestHeadlinesUniqueBeyondTheStorySpace checks a portal larger than the
// 960 template × country × topic combinations.
func TestHeadlinesUniqueBeyondTheStorySpace(t *testing.T) {
	p, err := portal.New(portal.Config{Seed: 12, Articles: 1100})
	if err != nil {
		t.Fatal(err)
	}
	checkHeadlinesUnique(t, p.Manifest())
	if got := p.Config().Articles; got != 1100 {
		t.Errorf("Config().Articles = %d", got)
	}
	if q, err := portal.New(portal.Config{}); err != nil || q.Config().Articles != 60 {
		t.Errorf("default articles: %v, %v", q, err)
	}
}

func TestEmptyDaysAndDateIgnoringArchives(t *testing.T) {
	p, srv := served(t, portal.Config{Seed: 8})
	m := p.Manifest()
	c := noRedirect()
	soft, hard := 0, 0
	for _, e := range m.EmptyDays {
		f := get(t, c, srv.URL, e.URL)
		if f.status != e.Status {
			t.Errorf("%s: %d, manifest says %d", e.URL, f.status, e.Status)
		}
		if !strings.Contains(string(f.raw), `class="no_news"`) {
			t.Errorf("%s: no 'no news' message", e.URL)
		}
		if e.Status == 200 {
			soft++
		} else {
			hard++
		}
	}
	if soft == 0 || hard == 0 {
		t.Errorf("empty days: %d soft-404, %d 404; want both", soft, hard)
	}
	// The days before the oldest article that the listed calendar pages
	// link answer like empty days, and are exactly the days of those pages
	// before it.
	linkedBefore := map[string]bool{}
	first := firstArticle(m)
	for _, pg := range m.Pages {
		if pg.Kind != portal.KindCalendar {
			continue
		}
		for _, d := range pg.Calendar.LinkedDays {
			date := fmt.Sprintf("%s-%02d", pg.Calendar.Month, d)
			if date < first {
				linkedBefore[pg.Lang+" "+date] = true
			}
		}
	}
	soft, hard = 0, 0
	for _, e := range m.EmptyDaysBefore {
		if !linkedBefore[e.Lang+" "+e.Date] {
			t.Errorf("%s: not linked by a calendar page of the manifest", e.URL)
		}
		delete(linkedBefore, e.Lang+" "+e.Date)
		f := get(t, c, srv.URL, e.URL)
		if f.status != e.Status || !strings.Contains(string(f.raw), `class="no_news"`) {
			t.Errorf("%s: %d, manifest says %d with no news", e.URL, f.status, e.Status)
		}
		if e.Status == 200 {
			soft++
		} else {
			hard++
		}
	}
	if len(linkedBefore) > 0 || soft == 0 || hard == 0 {
		t.Errorf("days before the archive: %d linked but not listed, %d soft-404, %d 404", len(linkedBefore), soft, hard)
	}
	latest := get(t, c, srv.URL, "/en/all_news/")
	items := func(b []byte) string {
		var ids []string
		for _, id := range regexp.MustCompile(`_i_\d+\.html`).FindAllString(string(b), -1) {
			if len(ids) == 0 || ids[len(ids)-1] != id {
				ids = append(ids, id)
			}
		}
		return strings.Join(ids, " ")
	}
	for _, u := range []string{"/en/archive/?day=30&month=02&year=24/", "/en/archive/?day=05&month=06&year=31/", "/en/all_news/page/999/?day=01&month=01&year=99/"} {
		f := get(t, c, srv.URL, u)
		if f.status != 200 {
			t.Errorf("%s: %d", u, f.status)
		}
		if got, want := items(f.raw), items(latest.raw); !strings.HasPrefix(want, got) || got == "" {
			t.Errorf("%s does not show the latest news", u)
		}
	}
	// Kremlin style: the day list at or before a date.
	e := m.EmptyDays[0]
	bd := "/en/news/by-date/" + e.Date[8:10] + "." + e.Date[5:7] + "." + e.Date[:4]
	if pg, ok := manifestPage(m, bd); ok && len(pg.Items) > 0 {
		f := get(t, c, srv.URL, bd)
		if f.status != 200 || !strings.Contains(string(f.raw), pg.Items[0]) {
			t.Errorf("%s: %d, first item %s missing", bd, f.status, pg.Items[0])
		}
	}
}

func TestTrapsGoOnForever(t *testing.T) {
	p, srv := served(t, portal.Config{Seed: 9})
	m := p.Manifest()
	c := noRedirect()
	traps := map[string]*regexp.Regexp{}
	for _, tr := range m.Traps {
		traps[tr.ID] = regexp.MustCompile(tr.Pattern)
	}
	next := func(u, class string) string {
		t.Helper()
		f := get(t, c, srv.URL, u)
		if f.status != 200 {
			t.Fatalf("%s: %d", u, f.status)
		}
		re := regexp.MustCompile(`<a(?: class="` + class + `")? href="([^"]+)"(?: class="` + class + `")?>`)
		for _, mm := range re.FindAllStringSubmatch(string(f.raw), -1) {
			if strings.Contains(mm[0], class) {
				return strings.ReplaceAll(mm[1], "&amp;", "&")
			}
		}
		t.Fatalf("%s: no %s link", u, class)
		return ""
	}
	t.Run("calendar", func(t *testing.T) {
		u := "/en/calendar/?month=04&year=2024"
		seen := map[string]bool{}
		for k := 0; k < 40; k++ {
			u = next(u, "cal_prev")
			if seen[u] || !traps["calendar"].MatchString(u) {
				t.Fatalf("step %d: %s repeated or not matched by the trap pattern", k, u)
			}
			seen[u] = true
		}
		for _, u := range []string{"/en/calendar/?month=01&year=1", "/en/calendar/?month=12&year=9999"} {
			if f := get(t, c, srv.URL, u); f.status != 200 {
				t.Errorf("%s: %d", u, f.status)
			}
		}
	})
	t.Run("start accumulation", func(t *testing.T) {
		u := "/en/regions/news.html"
		for k := 0; k < 12; k++ {
			class := "p_next"
			if k%2 == 1 {
				class = "p_prev"
			}
			n := next(u, class)
			if len(n) <= len(u) {
				t.Fatalf("step %d: %s did not grow from %s", k, n, u)
			}
			u = n
		}
		if !traps["start-accumulation"].MatchString(u) {
			t.Errorf("%s not matched by the trap pattern", u)
		}
	})
	t.Run("jsessionid", func(t *testing.T) {
		f := get(t, c, srv.URL, "/en/press-center/press-release/")
		mm := regexp.MustCompile(`href="([^"]+;jsessionid=[0-9A-F]+)"`).FindStringSubmatch(string(f.raw))
		if mm == nil {
			t.Fatal("no jsessionid link on the press-release listing")
		}
		base, _ := url.Parse(srv.URL + "/en/press-center/press-release/")
		ref, _ := base.Parse(mm[1])
		u := ref.RequestURI()
		seen := map[string]bool{}
		for k := 0; k < 12; k++ {
			f := get(t, c, srv.URL, u)
			if f.status != 200 {
				t.Fatalf("%s: %d", u, f.status)
			}
			here, _ := url.Parse(srv.URL + u)
			next := ""
			for _, l := range regexp.MustCompile(`href="([^"]*;jsessionid=([0-9A-F]+)[^"]*)"`).FindAllStringSubmatch(string(f.raw), -1) {
				if !seen[l[2]] && strings.Contains(l[1], "press-release") {
					seen[l[2]] = true
					ref, _ := here.Parse(strings.ReplaceAll(l[1], "&amp;", "&"))
					next = ref.RequestURI()
					break
				}
			}
			if next == "" {
				t.Fatalf("step %d: %s mints no new jsessionid", k, u)
			}
			if !traps["jsessionid"].MatchString(next) {
				t.Fatalf("%s not matched by the trap pattern", next)
			}
			u = next
		}
	})
	t.Run("ignored date parameters", func(t *testing.T) {
		u := "/en/all_news/"
		for k := 0; k < 30; k++ {
			u = next(u, "p_next")
		}
		if !traps["ignored-date-params"].MatchString(u) {
			t.Errorf("%s not matched by the trap pattern", u)
		}
	})
}

func TestRateLimits(t *testing.T) {
	t.Run("429 with Retry-After, then served", func(t *testing.T) {
		p, srv := served(t, portal.Config{Seed: 1, Quirks: portal.Quirks{RateLimit429: 0.5, RetryAfter: 7}})
		c := noRedirect()
		limited, free := 0, 0
		for _, pg := range p.Manifest().Pages[:200] {
			if pg.Status != 200 || pg.URL == "/robots.txt" {
				continue
			}
			f := get(t, c, srv.URL, pg.URL)
			if p.Limited429(pg.URL) {
				limited++
				if f.status != 429 || f.header.Get("Retry-After") != "7" {
					t.Fatalf("%s: %d Retry-After %q, want 429 and 7", pg.URL, f.status, f.header.Get("Retry-After"))
				}
				if f2 := get(t, c, srv.URL, pg.URL); f2.status != 200 {
					t.Fatalf("%s: retry answered %d", pg.URL, f2.status)
				}
			} else {
				free++
				if f.status != 200 {
					t.Fatalf("%s: %d, not in the 429 share", pg.URL, f.status)
				}
			}
		}
		if limited == 0 || free == 0 {
			t.Errorf("limited %d, free %d", limited, free)
		}
	})
	t.Run("403 after N requests in one area", func(t *testing.T) {
		_, srv := served(t, portal.Config{Seed: 1, Quirks: portal.Quirks{RateLimit403: 3}})
		c := noRedirect()
		for k := 1; k <= 5; k++ {
			f := get(t, c, srv.URL, "/en/press-center/speeches-and-interviews/")
			if want := map[bool]int{true: 200, false: 403}[k <= 3]; f.status != want {
				t.Errorf("request %d: %d, want %d", k, f.status, want)
			}
		}
		if f := get(t, c, srv.URL, "/en/press-center/news/"); f.status != 200 {
			t.Errorf("outside the area: %d", f.status)
		}
	})
	t.Run("off by default", func(t *testing.T) {
		p, srv := served(t, portal.Config{Seed: 1})
		for _, rl := range p.Manifest().RateLimits {
			if rl.Enabled {
				t.Errorf("rate limit %s enabled by default", rl.ID)
			}
		}
		c := noRedirect()
		for k := 0; k < 30; k++ {
			if f := get(t, c, srv.URL, "/en/press-center/speeches-and-interviews/"); f.status != 200 {
				t.Fatalf("request %d: %d", k, f.status)
			}
		}
	})
}

func TestSlowResponses(t *testing.T) {
	_, srv := served(t, portal.Config{Seed: 1, Quirks: portal.Quirks{Slow: 5 * time.Second}})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/en/calendar/?month=04&year=2024", nil)
	_, err := http.DefaultClient.Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("slow page answered before the client gave up: %v", err)
	}
	// Other pages are not delayed.
	ctx2, cancel2 := context.WithTimeout(context.Background(), 4*time.Second)
	defer cancel2()
	req, _ = http.NewRequestWithContext(ctx2, http.MethodGet, srv.URL+"/en/", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("home page: %v", err)
	}
	resp.Body.Close()
}

func TestHostVariants(t *testing.T) {
	p, err := portal.New(portal.Config{Seed: 1, Host: "www.portal.example"})
	if err != nil {
		t.Fatal(err)
	}
	plain := httptest.NewServer(p.Handler())
	defer plain.Close()
	tlsSrv := httptest.NewTLSServer(p.Handler())
	defer tlsSrv.Close()
	client := func(addr string, useTLS bool) *http.Client {
		tr := &http.Transport{
			DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
				return (&net.Dialer{}).DialContext(ctx, network, addr)
			},
			TLSClientConfig: &tls.Config{InsecureSkipVerify: true}, // the test server's own certificate
		}
		return &http.Client{Transport: tr, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	tests := []struct {
		name, url, addr string
		tls             bool
		status          int
		location        string
	}{
		{"bare host to www over https", "http://portal.example/en/", plain.Listener.Addr().String(), false, 301, "https://www.portal.example/en/"},
		{"http to https", "http://www.portal.example/en/?page=2", plain.Listener.Addr().String(), false, 301, "https://www.portal.example/en/?page=2"},
		{"https www served", "https://www.portal.example/en/", tlsSrv.Listener.Addr().String(), true, 200, ""},
		{"bare host over https to www", "https://portal.example/robots.txt", tlsSrv.Listener.Addr().String(), true, 301, "https://www.portal.example/robots.txt"},
		{"loopback served as is", "http://" + plain.Listener.Addr().String() + "/en/", plain.Listener.Addr().String(), false, 200, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := client(tc.addr, tc.tls).Get(tc.url)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != tc.status || resp.Header.Get("Location") != tc.location {
				t.Errorf("%d %q, want %d %q", resp.StatusCode, resp.Header.Get("Location"), tc.status, tc.location)
			}
		})
	}
	variants := 0
	for _, r := range p.Manifest().Redirects {
		if r.HostVariant {
			variants++
		}
	}
	if variants != 2 {
		t.Errorf("%d host-variant redirects in the manifest, want 2", variants)
	}
}

func fmtSscan(s string, v *int) (int, error) {
	n := 0
	k := 0
	for k < len(s) && s[k] >= '0' && s[k] <= '9' {
		n = n*10 + int(s[k]-'0')
		k++
	}
	if k == 0 {
		return 0, errors.New("no number")
	}
	*v = n
	return 1, nil
}

// firstArticle is the oldest published date (YYYY-MM-DD) of the manifest's
// articles.
func firstArticle(m *portal.Manifest) string {
	first := ""
	for _, pg := range m.Pages {
		if pg.Article != nil && !slices.Contains(pg.Defects, portal.DefectFutureDate) {
			if d := pg.Article.Published.Value[:10]; first == "" || d < first {
				first = d
			}
		}
	}
	return first
}
