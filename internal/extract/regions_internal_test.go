package extract

import (
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// The regular expressions the region matchers replace: they are the
// specification the hand-written matchers must agree with.
var regionSpecs = []struct {
	name  string
	re    *regexp.Regexp
	match func(string) bool
}{
	{"crumb", regexp.MustCompile(`breadcrumb|crumbs|bread-crumb|(^|[\s_-])(path|trail|navchain|nav-chain|navpath|you-are-here|location)([\s_-]|$)`), crumbClass},
	{"menu", regexp.MustCompile(`(^|[\s_-])(menu|menus|nav|navbar|navigation|mainmenu|main-menu|topmenu|top-menu|main-nav|mainnav|primary-nav|site-nav|megamenu|submenu|sidebar-menu)([\s_-]|$)`), menuClass},
	{"foot", regexp.MustCompile(`(^|[\s_-])(footer|site-footer|page-footer|foot|bottom|copyright)([\s_-]|$)`), footClass},
	{"pager", regexp.MustCompile(`pagination|pager|paginator|page-numbers|pagenav|page-nav|(^|[\s_-])(pages|paging|wp-pagenavi|nav-links)([\s_-]|$)`), pagerClass},
	{"cal", regexp.MustCompile(`calendar|calend|(^|[\s_-])(cal|datepicker)([\s_-]|$)`), calClass},
	{"load-more", regexp.MustCompile(`load[_-]?more`), func(s string) bool { return containsAny(s, loadMoreSubs) }},
	{"credit", regexp.MustCompile(`credit|copyright|photographer|photo-author|photo_author|image-source|img-source|caption-source|author-photo|photo-by|source`), creditClass},
}

// TestSkipImageWords compares the image filter with the case-insensitive
// regular expression it replaces, on ASCII URLs and classes (the filter
// lower-cases them; the expression also folds a few non-ASCII letters,
// such as the Kelvin sign, which no URL or class of an image uses).
func TestSkipImageWords(t *testing.T) {
	re := regexp.MustCompile(`(?i)logo|icon|sprite|avatar|pixel|spacer|blank\.gif|banner|badge|emoji|button|tracking|/ad[sx]?/|counter|gravatar|rating|flag`)
	for _, s := range []string{"/img/Logo.png", "/ADS/x.jpg", "/adx/", "/ad/", "/adz/", "/bad/x.jpg", "/blank.gif", "/blankXgif", "/news/photo.jpg",
		"site-ICON", "Tracking-Pixel", "flagship.jpg", "/ratings/", "x counter", "/a/b/c.jpg", "EMOJI", "buttons", "gravatar.com/x", "spacer.gif"} {
		if got, want := containsAny(strings.ToLower(s), skipImageSubs), re.MatchString(s); got != want {
			t.Errorf("%q: skip %v, the regular expression says %v", s, got, want)
		}
	}
}

func checkRegionSpecs(t *testing.T, s string) {
	t.Helper()
	for _, sp := range regionSpecs {
		if got, want := sp.match(s), sp.re.MatchString(s); got != want {
			t.Errorf("%s(%q) = %v, the regular expression says %v", sp.name, s, got, want)
		}
	}
}

// TestRegionMatchersAgree compares the region matchers with their regular
// expressions on class lists built from their own words, near misses and
// every separator.
func TestRegionMatchersAgree(t *testing.T) {
	parts := []string{"", "x", "main", "nav", "navs", "menu", "menus", "site-nav", "nav-links", "foot", "footer", "footers", "bottom",
		"path", "paths", "trail", "you-are-here", "location", "breadcrumb", "crumbs", "bread-crumb", "pages", "pages_header",
		"pagination", "pager", "cal", "calendar", "calend", "datepicker", "load", "more", "loadmore", "load-more", "load_more",
		"sidebar-menu", "wp-pagenavi", "copyright", "nav-chain", "mainmenu", "top-menu", "megamenu", "submenu", "navbar",
		"credit", "photo-by", "source", "sources", "photo_author"}
	seps := []string{" ", "-", "_", "\t", "\n", "\f", "\r", "\v", ".", "", "a"}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 20000; i++ {
		var b strings.Builder
		for k := r.Intn(4); k >= 0; k-- {
			b.WriteString(seps[r.Intn(len(seps))])
			b.WriteString(parts[r.Intn(len(parts))])
		}
		b.WriteString(seps[r.Intn(len(seps))])
		checkRegionSpecs(t, b.String())
	}
	for _, p := range parts {
		checkRegionSpecs(t, p)
	}
}

// FuzzRegionMatchers compares the region matchers with their regular
// expressions on arbitrary strings.
func FuzzRegionMatchers(f *testing.F) {
	for _, s := range []string{"site-nav main", "x-navbar", "footer_x", "nav-links", "load-more", "you-are-here", "calendar"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkRegionSpecs(t, s)
	})
}

// reNoNewsKind is the regular expression that noNews stands for.
var reNoNewsKind = regexp.MustCompile(`(?i)no news|no articles|nothing found|no results|нет новостей|новостей нет|няма навін|навін няма|ничего не найдено`)

// TestNoNews holds noNews to its regular expression on texts built of its
// phrases' pieces, their case variants, runes that fold to their letters
// and invalid UTF-8 (package fold tests the matcher itself).
func TestNoNews(t *testing.T) {
	pieces := []string{"no", "No", "NO", " ", "  ", "news", "NEWS", "new", "ſ", "\u212A", "results", "articles", "nothing", "found", "нет", "НЕТ",
		"новостей", "НОВОСТЕЙ", "ᲂ", "няма", "навін", "НАВІН", "ничего не", "найдено", "\xff", "\xd0", "é"}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(6); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		if text := b.String(); noNews.MatchString(text) != reNoNewsKind.MatchString(text) {
			t.Fatalf("noNews.MatchString(%q) = %v, the regular expression says %v", text, noNews.MatchString(text), reNoNewsKind.MatchString(text))
		}
	}
}

// TestSaysNoNews checks the links level's "no news" test against the
// case-insensitive regular expressions of the page kind and of the link
// checker: it must hold wherever either of them matches.
func TestSaysNoNews(t *testing.T) {
	checker := regexp.MustCompile(`(?i)(no news (for|on) this day|there is no news|no news found|новостей за этот день нет|нет новостей|навін за гэты дзень няма|няма навін)`)
	for _, s := range []string{"No news for this day", "THERE IS NO NEWS", "no news found.", "Новостей за этот день нет", "НЕТ НОВОСТЕЙ",
		"Навін за гэты дзень няма", "Няма навін", "Nothing found", "No results", "No articles", "Ничего не найдено", "Новостей нет",
		"Навін няма", "All news", "Лента новостей", "Стужка навін", "no newsletter", "", "3 April 2024"} {
		want := reNoNewsKind.MatchString(s) || checker.MatchString(s)
		if got := saysNoNews(s); got != want {
			t.Errorf("saysNoNews(%q) = %v, the regular expressions say %v", s, got, want)
		}
	}
}

// TestSubstrings compares substrings.in with containsAny on class lists
// built of the region hints' pieces.
func TestSubstrings(t *testing.T) {
	pieces := []string{"crum", "b", "pa", "th", "trail", "chai", "n", "here", "loc", "ation", "men", "u", "nav", "foot", "bottom", "copy", "right", "pag", "ca", "l",
		"date", "load", " ", "-", "_", "x", "é", "\xff"}
	r := rand.New(rand.NewSource(2))
	for range 50000 {
		var b strings.Builder
		for k := r.Intn(6); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		if got, want := regionHints.in(s), containsAny(s, regionHints.subs); got != want {
			t.Fatalf("regionHints.in(%q) = %v, containsAny says %v", s, got, want)
		}
	}
}

// TestBodySaysNoNews compares bodySaysNoNews with the search of the body
// and the visible text joined, cut to 20,000 runes, that it replaces, with
// phrases at the start, the end and across the cut.
func TestBodySaysNoNews(t *testing.T) {
	long := strings.Repeat("я", 19990)
	for _, body := range []string{"", "No", "text"} {
		for _, visible := range []string{"", "no news", "No News here", " no news", long + "no news", long[:len(long)-2] + "no news",
			long[:len(long)-4] + "no news", long + "нет новостей", long + "abcde" + "no news", long + "ab" + "no news", "news", strings.Repeat("x", 30000) + "no results"} {
			d := &doc{page: &archive.Page{Body: body}, visible: visible, visibleSet: true}
			want := noNews.MatchString(truncateRunes(body+" "+visible, 20000))
			if got := d.bodySaysNoNews(); got != want {
				t.Errorf("bodySaysNoNews(body %q, visible of %d bytes ending %q) = %v, want %v", body, len(visible), visible[max(0, len(visible)-20):], got, want)
			}
		}
	}
}

// calendarContainerReference is calendarContainer as first written, which
// counts the tables of each ancestor with findAll.
func calendarContainerReference(t *html.Node) *html.Node {
	c := t
	limit := textLen(t) + 200
	for p := t.Parent; p != nil && p.DataAtom != atom.Body; p = p.Parent {
		if !textLenAtMost(p, limit) || len(findAll(p, func(n *html.Node) bool { return n.DataAtom == atom.Table })) > 1 {
			break
		}
		c = p
	}
	return c
}

// TestCalendarContainer compares calendarContainer with its reference for
// every table of pages with nested, sibling and distant tables.
func TestCalendarContainer(t *testing.T) {
	grid := `<table class="cal"><tr><th>Mo</th><th>Tu</th></tr><tr><td>1</td><td>2</td></tr></table>`
	pages := []string{
		`<div id="w"><h3>March 2024</h3>` + grid + `<a href="/prev">«</a></div><div><table><tr><td>other</td></tr></table></div>`,
		`<section><div><div>` + grid + `</div><p>x</p></div><table><tr><td>` + grid + `</td></tr></table></section>`,
		`<div><div><div><div>` + grid + `</div></div></div><p>` + strings.Repeat("long text ", 40) + `</p></div>`,
		`<table><tr><td><div>` + grid + `</div></td></tr></table>`,
		`<div>` + grid + grid + `</div>`,
		`<template><div>` + grid + `</div></template><div><span>` + grid + `</span><b>x</b></div>`,
	}
	for _, page := range pages {
		root, err := html.Parse(strings.NewReader("<html><body>" + page + "</body></html>"))
		if err != nil {
			t.Fatal(err)
		}
		for _, table := range findAll(root, func(n *html.Node) bool { return n.DataAtom == atom.Table }) {
			if got, want := calendarContainer(table), calendarContainerReference(table); got != want {
				t.Errorf("calendarContainer in %q = <%s %v>, want <%s %v>", page, got.Data, got.Attr, want.Data, want.Attr)
			}
		}
	}
}

func checkRegionClassID(t *testing.T, class, id string) {
	t.Helper()
	n := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div, Attr: []html.Attribute{{Key: "class", Val: class}, {Key: "id", Val: id}}}
	want := classID(n)
	if want != "" && !regionHints.in(want) {
		want = ""
	}
	if got := regionClassID(n); got != want {
		t.Fatalf("regionClassID(class %q, id %q) = %q, want %q", class, id, got, want)
	}
	// The test of a calendar of divs it replaces.
	ci := classID(n)
	wantCal := ci != "" && (strings.Contains(ci, "cal") || strings.Contains(ci, "date"))
	if got := hintedClassID(n, calHints); (got != "") != wantCal || wantCal && got != ci {
		t.Fatalf("hintedClassID(class %q, id %q, calHints) = %q, want %q (%v)", class, id, got, ci, wantCal)
	}
	// The test of a date-classed element it replaces.
	wantDate := ci != "" && containsAny(ci, dateHints.subs)
	if got := hintedClassID(n, dateHints); (got != "") != wantDate || wantDate && got != ci {
		t.Fatalf("hintedClassID(class %q, id %q, dateHints) = %q, want %q (%v)", class, id, got, ci, wantDate)
	}
	// The test of a calendar's day cell it replaces.
	if got, want := hintedClassID(n, dayHints) != "", strings.Contains(ci, "day"); got != want {
		t.Fatalf("hintedClassID(class %q, id %q, dayHints) says %v, strings.Contains(classID, \"day\") %v", class, id, got, want)
	}
}

// TestRegionClassID compares regionClassID and hintedClassID (with the
// region, calendar, date and day hints) with the tests
// of the lower-cased class and id they replace, on values built of the hints' pieces in both
// cases, separators, and runes that lower-case to ASCII letters.
func TestRegionClassID(t *testing.T) {
	for _, h := range slices.Concat(regionHints.subs, calHints.subs, dateHints.subs, dayHints.subs) {
		if strings.ContainsAny(h, " \t\n\f\r") || strings.ToLower(h) != h {
			t.Fatalf("region hint %q: a hint must be lower-case, without white space", h)
		}
	}
	pieces := []string{"cr", "UMB", "pa", "TH", "nav", "NAV", "foo", "T", "men", "u", "Cal", "da", "te", "loa", "d", "pag", " ", "-", "x", "İ", "\u212a", "é", "\xff", "c", "AL", "DATE", "ca", "TI", "me", "PUB", "врем", "Я", "ДАТА", "by", "line", "DAY", "dA", "y", "Y"}
	r := rand.New(rand.NewSource(5))
	for range 20000 {
		var parts [2]strings.Builder
		for k := range parts {
			for j := r.Intn(4); j > 0; j-- {
				parts[k].WriteString(pieces[r.Intn(len(pieces))])
			}
		}
		checkRegionClassID(t, parts[0].String(), parts[1].String())
	}
}

// FuzzRegionClassID compares regionClassID with its reference on
// arbitrary classes and ids.
func FuzzRegionClassID(f *testing.F) {
	f.Add("Main-NAV", "foo")
	f.Add("pagİnation", "")
	f.Fuzz(checkRegionClassID)
}
