package crawl

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"
)

func TestTraps(t *testing.T) {
	now := func() time.Time { return time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC) }
	opts := DefaultConfig().Traps
	tr := newTraps(opts, now)
	tr.learnDate(time.Date(2024, 1, 10, 0, 0, 0, 0, time.UTC))
	tr.learnDate(time.Date(2024, 6, 14, 0, 0, 0, 0, time.UTC))
	tests := []struct{ url, want string }{
		{"https://p.example/en/news/a_i_1.html", ""},
		{"https://p.example/a/b/a/b/a/b/a/b/", SkipRepeatedSegment},
		{"https://p.example/a/b/a/b/a/b/", ""},
		{"https://p.example/x?start=98&start=98", SkipRepeatedParam},
		{"https://p.example/en/archive/?day=03&month=04&year=24/", ""},
		{"https://p.example/en/archive/?day=30&month=02&year=24", SkipCalendarInvalid},
		{"https://p.example/en/archive/?day=01&month=01&year=1999", parkCalendar}, // outside the range learned so far
		{"https://p.example/en/archive/?day=01&month=01&year=2031", SkipCalendarRange},
		{"https://p.example/en/archive/?day=15&month=12&year=2023", ""}, // within the slack
		{"https://p.example/events/by-date/12.08.2026", SkipCalendarRange},
		{"https://p.example/calendar/2024/03/", ""},
		{"https://p.example/calendar/1700/03/", parkCalendar},
		{"https://p.example/2024-13-01", SkipCalendarInvalid},
		{"https://p.example/" + string(make([]byte, 0)) + longPath(3000), SkipURLLength},
	}
	for _, tc := range tests {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		if got := tr.check(u, tc.url); got != tc.want {
			t.Errorf("check(%s) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

func longPath(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return string(b)
}

func TestCalendarRangeConfigured(t *testing.T) {
	opts := DefaultConfig().Traps
	opts.CalendarFrom = time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	opts.CalendarTo = time.Date(2020, 12, 31, 0, 0, 0, 0, time.UTC)
	tr := newTraps(opts, time.Now)
	for u, want := range map[string]string{
		"https://p.example/a?year=2020&month=12&day=31": "",
		"https://p.example/a?year=2021&month=1&day=1":   SkipCalendarRange,
		"https://p.example/a?year=2019&month=12":        SkipCalendarRange,
	} {
		pu, _ := url.Parse(u)
		if got := tr.check(pu, u); got != want {
			t.Errorf("check(%s) = %q, want %q", u, got, want)
		}
	}
}

func TestSameContentTrap(t *testing.T) {
	opts := DefaultConfig().Traps
	opts.SameContentLimit = 3
	tr := newTraps(opts, time.Now)
	mk := func(day int) *url.URL {
		u, _ := url.Parse("https://p.example/all_news/?day=" + string(rune('0'+day%10)) + "&x=1")
		return u
	}
	tr.sawContent(mk(0), false)
	for i := 1; i <= 3; i++ {
		if r := tr.check(mk(i), mk(i).String()); r != "" {
			t.Fatalf("skipped after %d duplicates: %s", i-1, r)
		}
		tr.sawContent(mk(i), true)
	}
	if r := tr.check(mk(5), mk(5).String()); r != SkipSameContent {
		t.Errorf("after 3 duplicates of one shape: %q, want %q", r, SkipSameContent)
	}
	other, _ := url.Parse("https://p.example/other/?day=1")
	if r := tr.check(other, other.String()); r != "" {
		t.Errorf("another shape skipped: %s", r)
	}
}

func TestScanHTML(t *testing.T) {
	page := `<html><head><base href="/base/"><link rel="canonical" href="https://p.example/canon">
		<link rel="stylesheet" href="/s.css"><link rel="alternate" hreflang="ru" href="/ru/">
		<meta property="article:published_time" content="2024-04-03T10:00:00+03:00">
		<meta http-equiv="refresh" content="5; URL='/refreshed'"></head><body>
		<a href="a.html">a</a><a>no href</a><area href="/area">
		<div class="load_more" onclick="return get_page('/all_news/page/7/?day=08&amp;month=01&amp;year=26/','inner','1')">more</div>
		<a href="#" onclick="go('/from-onclick')">js</a>
		<img src="/i.jpg"><iframe src="/frame"></iframe><time datetime="2024-01-10">10 Jan</time></body></html>`
	s := scanHTML([]byte(page), "text/html", false)
	var hrefs []string
	for _, l := range s.Links {
		hrefs = append(hrefs, l.Href)
	}
	want := []string{"https://p.example/canon", "/ru/", "/refreshed", "a.html", "/area", "/all_news/page/7/?day=08&month=01&year=26/", "/from-onclick", "#", "/frame"}
	if !slices.Equal(hrefs, want) {
		t.Errorf("links %q\nwant %q", hrefs, want)
	}
	if s.Base != "/base/" || s.Canonical != "https://p.example/canon" || len(s.Dates) != 2 {
		t.Errorf("base %q canonical %q dates %v", s.Base, s.Canonical, s.Dates)
	}
	withReq := scanHTML([]byte(page), "text/html", true)
	if len(withReq.Links) != len(s.Links)+2 {
		t.Errorf("requisites: %d links, want %d", len(withReq.Links), len(s.Links)+2)
	}
}

func TestScanHTMLWindows1251Href(t *testing.T) {
	// "/новости" written in windows-1251 in a page declared as such.
	page := append([]byte(`<a href="/`), 0xed, 0xee, 0xe2, 0xee, 0xf1, 0xf2, 0xe8)
	page = append(page, []byte(`">x</a>`)...)
	s := scanHTML(page, "text/html; charset=windows-1251", false)
	if len(s.Links) != 1 || s.Links[0].Href != "/новости" {
		t.Errorf("links %q", s.Links)
	}
}

// TestIsSitemap: what the crawler reads as a sitemap (package sitemap reads
// its locations).
func TestIsSitemap(t *testing.T) {
	sm := `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
		<url><loc> https://p.example/a </loc><lastmod>2024-01-01</lastmod></url><url><loc>https://p.example/b?x=1&amp;y=2</loc></url></urlset>`
	if !isSitemap(http.Header{"Content-Type": {"application/xml"}}, []byte(sm), "/sitemap.xml") {
		t.Error("not recognised as a sitemap")
	}
}

// FuzzScanHTML: scanHTML finds what its reference, the x/net/html
// Tokenizer, finds in any input.
func FuzzScanHTML(f *testing.F) {
	f.Add([]byte(`<a href="/x">x</a><base href="//h/"><meta http-equiv=refresh content="0;url=/y">`), "text/html")
	f.Add([]byte("<a href=\"\xff\xfe\">"), "text/html; charset=windows-1251")
	f.Add([]byte(`<div onclick="f('/a','`), "")
	f.Add([]byte(`<DIV ONCLICK="f('/a')"><SPAN itemProp=datePublished datetime=2024-01-02><A\tHREF=/b><br/><img src=/c>`), "")
	f.Add([]byte("<a\x00 href=/x><time\fdatetime=2024-01-02><meta/content=x>"), "text/html")
	f.Add([]byte(`<script><!--<script></script><a href="/no"></script>--></script><a href="/y&amp;z&lt;&copy=1">`), "")
	f.Add([]byte(`<!-- --!- x --><textarea></TEXTAREA ><meta name=x property="article:published_time" content=2024-01-02>`), "")
	f.Add([]byte("</a title='>'><a href=\"/x\r\n\">\x00<?x><!x><title></title/><plaintext><a href=/no>"), "")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		for _, req := range []bool{true, false} {
			s := scanHTML(body, ct, req)
			for _, l := range s.Links {
				if l.Tag == "" {
					t.Fatal("link without a tag")
				}
			}
			if want := tokenizerScan(body, ct, req); !reflect.DeepEqual(s, want) {
				t.Fatalf("requisites %v: scanHTML found %+v, the Tokenizer %+v", req, s, want)
			}
		}
	})
}

func FuzzCalendarDate(f *testing.F) {
	for _, s := range []string{"/a?day=30&month=02&year=24/", "/by-date/12.08.2026", "/2024/03/", "/x?date=2024-02-30", "/9999-99"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		u, err := url.Parse(s)
		if err != nil {
			return
		}
		d, ok, valid := calendarDate(u)
		if valid && (!ok || d.IsZero()) {
			t.Fatalf("valid date without a date: %q", s)
		}
		checkDatePrefilters(t, s)
	})
}

// The regular expressions the date-path matchers stand in for.
var (
	refPathYMD = regexp.MustCompile(`(?:^|/)(\d{4})/(\d{1,2})(?:/(\d{1,2}))?/?$`)
	refPathDMY = regexp.MustCompile(`(?:^|/)(\d{1,2})\.(\d{1,2})\.(\d{4})/?$`)
	refPathISO = regexp.MustCompile(`(?:^|/)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?/?$`)
	refDigits  = regexp.MustCompile(`^\d+`)
)

// checkDatePrefilters checks the date matchers and the shortcuts of
// calendarDate against the expressions they stand in for: yearFirst and
// dayFirst read what the expressions read; a path that does not end in a
// digit matches none of them; and leadingDigits finds what ^\d+ finds.
func checkDatePrefilters(t *testing.T, s string) {
	t.Helper()
	type matcher func(string) (a, b, c string, ok bool)
	for _, m := range []struct {
		re    *regexp.Regexp
		match matcher
	}{
		{refPathYMD, func(s string) (string, string, string, bool) { return yearFirst(s, '/') }},
		{refPathISO, func(s string) (string, string, string, bool) { return yearFirst(s, '-') }},
		{refPathDMY, dayFirst},
	} {
		var want []string
		if mm := m.re.FindStringSubmatch(s); mm != nil {
			want = mm[1:]
		}
		var got []string
		if a, b, c, ok := m.match(s); ok {
			got = []string{a, b, c}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("%q: the matcher of %s reads %q, the expression %q", s, m.re, got, want)
		}
		if want != nil && !endsInDigit(s) {
			t.Fatalf("%q does not end in a digit but matches %s", s, m.re)
		}
	}
	if got, want := leadingDigits(s), refDigits.FindString(s); got != want {
		t.Fatalf("leadingDigits(%q) = %q, want %q", s, got, want)
	}
}

func TestDatePrefilters(t *testing.T) {
	for _, s := range []string{"", "/", "/2024/03/", "/2024/03", "/2024/3/15/", "/by-date/15.03.2024/", "/2024-03", "/2024-03-15/",
		"/en/news/a_i_0000150410.html", "/x/2024/03/15//", "12abc", "٣", "/2024/03/١", "007/",
		"2024/03", "2024-3-1", "1.2.2024", "/1/12.03.2024", "/2024/03/2024/03", "/12024/03", "/2024/123", "/2024/03/123",
		"/2024/03/1x", "/2024-03-15-16", "/5.5.20245", "/x/2024/03/15/", "/12.03.2024//", "2024/03/15/16"} {
		checkDatePrefilters(t, s)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	const alphabet = "0123456789/.-a_"
	for range 50000 {
		b := make([]byte, rng.IntN(20))
		for i := range b {
			b[i] = alphabet[rng.IntN(len(alphabet))]
		}
		checkDatePrefilters(t, string(b))
	}
}

// TestContentDate: only links that name a day teach the calendar range; a
// month link (a calendar widget's « and ») names no day with content.
func TestContentDate(t *testing.T) {
	tests := []struct {
		url  string
		want string // "" when the link teaches no date
	}{
		{"https://p.example/en/calendar/?month=12&year=2023", ""},
		{"https://p.example/en/calendar/?month=02&year=2024", ""},
		{"https://p.example/calendar/2024/03/", ""},
		{"https://p.example/en/archive/?day=12&month=01&year=24", "2024-01-12"},
		{"https://p.example/en/news/by-date/12.01.2024", "2024-01-12"},
		{"https://p.example/en/archive/?day=30&month=02&year=24", ""}, // no such day
		{"https://p.example/en/news/a_i_1.html", ""},
	}
	for _, tc := range tests {
		u, err := url.Parse(tc.url)
		if err != nil {
			t.Fatal(err)
		}
		d, ok := contentDate(u)
		got := ""
		if ok {
			got = d.Format("2006-01-02")
		}
		if got != tc.want {
			t.Errorf("contentDate(%s) = %q, want %q", tc.url, got, tc.want)
		}
	}
	// Learning from a widget's links: the month links do not widen the
	// range, so the calendar of the month before the oldest day's month is
	// outside it (parked, and skipped if nothing widens the range).
	now := func() time.Time { return time.Date(2024, 6, 15, 12, 0, 0, 0, time.UTC) }
	tr := newTraps(DefaultConfig().Traps, now)
	for _, l := range []string{"https://p.example/en/calendar/?month=12&year=2023", "https://p.example/en/calendar/?month=02&year=2024",
		"https://p.example/en/archive/?day=12&month=01&year=24", "https://p.example/en/archive/?day=20&month=03&year=24"} {
		u, _ := url.Parse(l)
		if d, ok := contentDate(u); ok {
			tr.learnDate(d)
		}
	}
	u, _ := url.Parse("https://p.example/en/calendar/?month=11&year=2023")
	if got := tr.check(u, u.String()); got != parkCalendar {
		t.Errorf("November 2023, two months before the oldest day: %q, want %q", got, parkCalendar)
	}
}

// BenchmarkDatePath reads the date of date paths with the matchers and
// with the regular expressions they replaced.
func BenchmarkDatePath(b *testing.B) {
	paths := []string{"/en/calendar/2024/03/15/", "/en/news/by-date/15.03.2024", "/en/events/2024-03", "/en/news/page/2"}
	b.Run("matchers", func(b *testing.B) {
		for b.Loop() {
			for _, p := range paths {
				if _, _, _, ok := yearFirst(p, '/'); !ok {
					if _, _, _, ok := dayFirst(p); !ok {
						yearFirst(p, '-')
					}
				}
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			for _, p := range paths {
				if refPathYMD.FindStringSubmatch(p) == nil && refPathDMY.FindStringSubmatch(p) == nil {
					refPathISO.FindStringSubmatch(p)
				}
			}
		}
	})
}
