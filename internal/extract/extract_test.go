package extract_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/rules"
)

var fixedNow = func() time.Time { return time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC) }

func extractHTML(t *testing.T, pageURL, body string) *archive.Page {
	t.Helper()
	p, err := extract.New(extract.Options{Now: fixedNow}).Page(extract.Input{URL: pageURL, Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

const para = "<p>Belarus and China discussed trade, energy and transport cooperation at the meeting in Minsk on Tuesday, the press service said in a statement.</p>"

func TestHeadline(t *testing.T) {
	tests := []struct{ name, body, want, evidence string }{
		{"site suffix", `<html><head><title>Grain harvest begins in Gomel region | CNN</title></head><body><article><h1>Grain harvest begins in Gomel region</h1>` + para + para + `</article></body></html>`, "Grain harvest begins in Gomel region", "h1"},
		{"suffix without h1", `<html><head><meta property="og:site_name" content="Official Website"><meta property="og:title" content="Grain harvest begins — Official Website"></head><body>` + para + `</body></html>`, "Grain harvest begins", "meta"},
		{"soft hyphens", "<html><body><article><h1>Pre\u00adsi\u00addent meets gov\u00adernors</h1>" + para + para + "</article></body></html>", "President meets governors", "first"},
		{"time inside h1", `<html><body><article><h1><time datetime="2024-04-03">03.04.2024</time> Summit opens</h1>` + para + para + `</article></body></html>`, "Summit opens", "first"},
		{"twelve h1s", `<html><head><title>The budget for 2026 adopted - Bundesrat</title></head><body>` + strings.Repeat("<h1>Navigation</h1>", 5) + `<h1>The budget for 2026 adopted</h1>` + strings.Repeat("<h1>Service</h1>", 6) + para + `</body></html>`, "The budget for 2026 adopted", "h1"},
		{"no heading, title only", `<html><head><title>Just a title | Site</title></head><body>` + para + `</body></html>`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := extractHTML(t, "https://news.example.org/a/1.html", tt.body)
			if p.Headline != tt.want || !strings.HasPrefix(p.HeadlineEvidence, tt.evidence) {
				t.Errorf("headline %q (%s), want %q (%s…)", p.Headline, p.HeadlineEvidence, tt.want, tt.evidence)
			}
		})
	}
}

func TestLinksWithContext(t *testing.T) {
	body := `<html lang="en"><head><link rel="canonical" href="/en/news/1.html"><link rel="next" href="?page=2"></head><body>
<header><nav aria-label="Main menu"><ul><li><a href="/en/government/">Government</a></li><li><a href="/en/events/">Events</a></li></ul></nav></header>
<div class="breadcrumbs"><a href="/en/">Home</a> | <a href="/en/government/">Government</a> | <span>Events</span></div>
<article><h1 id="top">Summit opens</h1>` + para + para + `
<p>Links: <a href="">empty</a> <a href="javascript:void(0)">js</a> <a href="http:/portal.example/x">malformed</a>
<a onclick="return get_page('/all_news/page/7/?day=08&amp;month=01&amp;year=26/','inner','1')">More news</a>
<a href="#top">up</a> <a href="/en/news/2.html"><img src="/i/2.jpg" alt="Next story"></a> <a name="anchor"></a></p></article>
<div class="pagination"><a href="?page=1">1</a><a href="?page=2">2</a></div>
<footer><a href="/en/contacts/">Contacts</a></footer></body></html>`
	p := extractHTML(t, "https://portal.example/en/news/1.html", body)
	type want struct {
		href, url, text string
		place           archive.LinkPlace
		attr, issue     string
	}
	wants := []want{
		{"/en/government/", "https://portal.example/en/government/", "Government", archive.PlaceMenu, "href", ""},
		{"/en/", "https://portal.example/en/", "Home", archive.PlaceBreadcrumb, "href", ""},
		{"", "", "empty", archive.PlaceBody, "href", extract.IssueEmptyHref},
		{"javascript:void(0)", "", "js", archive.PlaceBody, "href", extract.IssueJavaScript},
		{"http:/portal.example/x", "", "malformed", archive.PlaceBody, "href", extract.IssueMalformed},
		{"/all_news/page/7/?day=08&month=01&year=26/", "https://portal.example/all_news/page/7/?day=08&month=01&year=26/", "More news", archive.PlaceBody, "onclick", extract.IssueOnclick},
		{"#top", "https://portal.example/en/news/1.html#top", "up", archive.PlaceBody, "href", extract.IssueFragment},
		{"/en/news/2.html", "https://portal.example/en/news/2.html", "Next story", archive.PlaceBody, "href", ""},
		{"?page=2", "https://portal.example/en/news/1.html?page=2", "2", archive.PlacePagination, "href", ""},
		{"/en/contacts/", "https://portal.example/en/contacts/", "Contacts", archive.PlaceFooter, "href", ""},
	}
	for _, w := range wants {
		found := false
		for _, l := range p.Links {
			if l.Href == w.href && l.Text == w.text && l.Tag == "a" && l.Place == w.place {
				found = true
				if l.URL != w.url || l.Place != w.place || l.Attr != w.attr || l.Issue != w.issue {
					t.Errorf("link %q: got url %q place %s attr %s issue %q, want %q %s %s %q", w.href, l.URL, l.Place, l.Attr, l.Issue, w.url, w.place, w.attr, w.issue)
				}
			}
		}
		if !found {
			t.Errorf("link %q %q not found", w.href, w.text)
		}
	}
	if p.CanonicalURL != "https://portal.example/en/news/1.html" {
		t.Errorf("canonical %q", p.CanonicalURL)
	}
	if got := fmt.Sprint(p.Breadcrumbs); got != "[{Home https://portal.example/en/} {Government https://portal.example/en/government/} {Events }]" {
		t.Errorf("breadcrumbs %s", got)
	}
	if len(p.Menu) != 2 || p.Menu[0].Text != "Government" {
		t.Errorf("menu %+v", p.Menu)
	}
	if strings.Join(p.Pagination, " ") != "https://portal.example/en/news/1.html?page=2 https://portal.example/en/news/1.html?page=1" {
		t.Errorf("pagination %q", p.Pagination)
	}
	if strings.Join(p.IDs, ",") != "top,anchor" {
		t.Errorf("ids %q", p.IDs)
	}
}

func TestBreadcrumbsFromJSONLD(t *testing.T) {
	body := `<html><head><script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"BreadcrumbList","itemListElement":[
{"@type":"ListItem","position":2,"name":"Government","item":"https://portal.example/en/government/"},
{"@type":"ListItem","position":1,"name":"Home","item":{"@id":"https://portal.example/en/","name":"Home"}}]}]}</script></head><body>` + para + `</body></html>`
	p := extractHTML(t, "https://portal.example/en/x", body)
	if got := fmt.Sprint(p.Breadcrumbs); got != "[{Home https://portal.example/en/} {Government https://portal.example/en/government/}]" {
		t.Errorf("breadcrumbs %s", got)
	}
}

func TestCalendar(t *testing.T) {
	var cells strings.Builder
	for d := 1; d <= 30; d++ {
		if d%3 == 0 {
			fmt.Fprintf(&cells, `<td><a href="/en/archive/?day=%02d&month=04&year=24/">%d</a></td>`, d, d)
		} else {
			fmt.Fprintf(&cells, "<td>%d</td>", d)
		}
		if d%7 == 0 {
			cells.WriteString("</tr><tr>")
		}
	}
	body := `<html><body><article><h1>Summit</h1>` + para + para + `</article><div class="calendar"><h3>Archive</h3>
<div class="cal_head"><a class="prev" href="/en/archive/?month=03&year=2024">«</a> April 2024 <a class="next" href="/en/archive/?month=05&year=2024">»</a></div>
<table><tr><th>Su</th><th>Mo</th><th>Tu</th><th>We</th><th>Th</th><th>Fr</th><th>Sa</th></tr><tr>` + cells.String() + `</tr></table></div></body></html>`
	p := extractHTML(t, "https://portal.example/en/news/1.html", body)
	c := p.Calendar
	if c == nil {
		t.Fatal("no calendar")
	}
	if c.Month != "2024-04" || len(c.Days) != 30 || c.Prev != "https://portal.example/en/archive/?month=03&year=2024" || c.Next != "https://portal.example/en/archive/?month=05&year=2024" {
		t.Errorf("calendar month %s, %d days, prev %q next %q", c.Month, len(c.Days), c.Prev, c.Next)
	}
	linked := 0
	for _, d := range c.Days {
		if d.Linked != (d.Day%3 == 0) || d.Date != fmt.Sprintf("2024-04-%02d", d.Day) {
			t.Errorf("day %+v", d)
		}
		if d.Linked {
			linked++
		}
	}
	if linked != 10 {
		t.Errorf("%d linked days, want 10", linked)
	}
	for _, l := range p.Links {
		if strings.Contains(l.Href, "day=") && l.Place != archive.PlaceCalendar {
			t.Errorf("calendar link %q in place %s", l.Href, l.Place)
		}
	}
}

func TestSourceApartFromAuthor(t *testing.T) {
	tests := []struct {
		name, byline, dateline string
		authors                []string
		source                 string
	}{
		{"agency byline only", `<p class="byline">By Associated Press</p>`, "", nil, "Associated Press"},
		{"person and agency", `<p class="byline">By JOHN SMITH Associated Press</p>`, "", []string{"John Smith"}, "Associated Press"},
		{"wire dateline, no byline", ``, "MINSK, 3 April (BelTA) - ", nil, "BelTA"},
		{"two persons", `<div class="author">By Jane Doe and Ivan Petrov</div>`, "", []string{"Jane Doe", "Ivan Petrov"}, ""},
		{"staff is not a person", `<p class="byline">By TMZ Staff</p>`, "", nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := `<html><body><article><h1>Summit opens in Minsk</h1>` + tt.byline + `<p>` + tt.dateline + `Belarus and China discussed trade, energy and transport cooperation at the meeting on Tuesday.</p>` + para + `</article></body></html>`
			p := extractHTML(t, "https://news.example.com/a/1.html", body)
			if fmt.Sprint(p.Authors) != fmt.Sprint(tt.authors) || p.Source != tt.source {
				t.Errorf("authors %q source %q (%s / %s), want %q %q", p.Authors, p.Source, p.AuthorEvidence, p.SourceEvidence, tt.authors, tt.source)
			}
		})
	}
}

func TestCredits(t *testing.T) {
	body := `<html><body><article><h1>Summit opens</h1>
<figure><img src="/i/1.jpg" alt="The summit"><figcaption>The summit hall <span class="credit">Photo: Yhomo Hutchinson</span></figcaption></figure>
<div class="pic"><img src="/i/2.jpg" alt="Delegates"></div><div class="photo_by">Photo by sectsco.org</div>
<img src="/i/3.jpg" alt="Фото: БЕЛТА">
<img src="/i/4.jpg" alt="A street">` + para + para + `</article></body></html>`
	p := extractHTML(t, "https://portal.example/en/1.html", body)
	want := []archive.Image{
		{Src: "https://portal.example/i/1.jpg", Alt: "The summit", Caption: "The summit hall", Credit: "Yhomo Hutchinson", CreditText: "Photo: Yhomo Hutchinson", CreditSource: "figcaption"},
		{Src: "https://portal.example/i/2.jpg", Alt: "Delegates", Credit: "sectsco.org", CreditText: "Photo by sectsco.org", CreditSource: "near"},
		{Src: "https://portal.example/i/3.jpg", Alt: "Фото: БЕЛТА", Credit: "БЕЛТА", CreditText: "Фото: БЕЛТА", CreditSource: "alt"},
		{Src: "https://portal.example/i/4.jpg", Alt: "A street"},
	}
	if fmt.Sprintf("%+v", p.Images) != fmt.Sprintf("%+v", want) {
		t.Errorf("images\n got  %+v\n want %+v", p.Images, want)
	}
	if len(p.Credits) != 3 || p.Credits[1].Image != "https://portal.example/i/2.jpg" {
		t.Errorf("credits %+v", p.Credits)
	}
}

func TestKinds(t *testing.T) {
	article := `<html><head><script type="application/ld+json">{"@type":"NewsArticle","headline":"Summit opens","datePublished":"2024-04-03T10:00:00+03:00"}</script></head><body><article><h1>Summit opens</h1>` + para + para + `</article></body></html>`
	var items strings.Builder
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&items, `<div class="item"><a href="/en/news/%d.html">News item number %d about the government</a></div>`, i, i)
	}
	listing := `<html><body><h1>News</h1>` + items.String() + `</body></html>`
	tests := []struct {
		url, body string
		kind      archive.PageKind
	}{
		{"https://portal.example/en/", listing, archive.KindHome},
		{"https://portal.example/en/archive/?day=03&month=04&year=24/", listing, archive.KindDayArchive},
		{"https://portal.example/en/news/?page=3", listing, archive.KindListing},
		{"https://portal.example/en/news/summit_i_0000000001.html", article, archive.KindArticle},
		{"https://portal.example/en/contacts/", `<html><body><p>Call us.</p></body></html>`, archive.KindOther},
	}
	for _, tt := range tests {
		p := extractHTML(t, tt.url, tt.body)
		if p.Kind != tt.kind || p.KindEvidence == "" {
			t.Errorf("%s: kind %s (%s), want %s", tt.url, p.Kind, p.KindEvidence, tt.kind)
		}
	}
}

func TestDatesWithEvidence(t *testing.T) {
	body := `<html lang="ru"><head><meta property="article:published_time" content="2026-01-08T16:51:00Z"><meta property="article:modified_time" content="2026-01-09T10:00:00+03:00"></head><body>
<div class="content_margin"><h1>Заголовок новости</h1><div class="date_full">08&nbsp;января 2026, 19:51</div></div>
<div class="text"><p>МИНСК, 8 января (БЕЛТА) – Президент провёл совещание с правительством по вопросам экономики и энергетики страны.</p><p>Участники обсудили итоги года, планы на следующий год и задачи, которые стоят перед министерствами и ведомствами.</p></div></body></html>`
	p := extractHTML(t, "https://belta.example/president/view/x-1-2026/", body)
	if p.Published != (archive.Date{Value: "2026-01-08", Time: "19:51", Text: "08\u00a0января 2026, 19:51", Source: extract.DateFromVisible}) {
		t.Errorf("published %+v", p.Published)
	}
	if p.Modified.Value != "2026-01-09" || p.Modified.Source != extract.DateFromMeta {
		t.Errorf("modified %+v", p.Modified)
	}
	if p.Dateline.Date != "2026-01-08" || p.Dateline.Agency != "БЕЛТА" || p.Source != "БЕЛТА" || len(p.Authors) != 0 {
		t.Errorf("dateline %+v source %q authors %q", p.Dateline, p.Source, p.Authors)
	}
	if p.Lang != "ru" || p.DetectedLang != "ru" {
		t.Errorf("lang %q detected %q", p.Lang, p.DetectedLang)
	}
}

func TestHighPrecisionDropsGuesses(t *testing.T) {
	// Only a date in running text far from any headline: go-htmldate may
	// guess it; the high-precision mode must not.
	body := `<html><body><div>` + para + `<p>The law of 12 March 2019 applies.</p>` + para + `</div></body></html>`
	in := extract.Input{URL: "https://portal.example/en/law", Body: []byte(body)}
	hp, err := extract.New(extract.Options{HighPrecision: true, Now: fixedNow}).Page(in)
	if err != nil {
		t.Fatal(err)
	}
	if hp.Published.Value != "" {
		t.Errorf("high precision: published %+v, want none", hp.Published)
	}
}

func TestProfileOverridesHeuristics(t *testing.T) {
	profiles, err := extract.LoadProfiles(testFS{"profiles/test.yaml": `
name: test
hosts: ["*.portal.example"]
headline: .title_main
date: .when
author: .who
remove: [.promo]
`}, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	body := `<html><body><h1>Site name</h1><div class="title_main">The real headline</div><span class="when">5 May 2024</span><span class="who">Anna Kovalenko</span><div class="promo"><a href="/ad">Buy</a></div>` + para + `</body></html>`
	p, err := extract.New(extract.Options{Profiles: profiles, Now: fixedNow}).Page(extract.Input{URL: "https://www.portal.example/x", Body: []byte(body)})
	if err != nil {
		t.Fatal(err)
	}
	if p.Headline != "The real headline" || p.Published.Value != "2024-05-05" || p.Published.Source != extract.DateFromProfile || fmt.Sprint(p.Authors) != "[Anna Kovalenko]" {
		t.Errorf("headline %q published %+v authors %q", p.Headline, p.Published, p.Authors)
	}
	for _, l := range p.Links {
		if l.Href == "/ad" {
			t.Errorf("removed block's link kept: %+v", l)
		}
	}
	if _, err := extract.ParseProfiles([]byte("name: bad\nhosts: [x]\nheadline: 'h1[['\n")); err == nil {
		t.Error("bad selector accepted")
	}
	if _, err := extract.ParseProfiles([]byte("name: bad\nheadline: h1\n")); err == nil {
		t.Error("profile without hosts accepted")
	}
}

func TestBuiltInProfiles(t *testing.T) {
	ps, err := extract.LoadProfiles(rules.Profiles, "profiles")
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]string{
		"www.belarus.by": "belarus.by", "eng.belta.by": "belta.by", "belta.by": "belta.by",
		"president.gov.by": "president.gov.by", "tass.com": "tass", "en.kremlin.ru": "kremlin.ru", "www.gov.uk": "gov.uk",
	} {
		if p := ps.For(host); p == nil || p.Name != want {
			t.Errorf("%s: profile %+v, want %s", host, p, want)
		}
	}
	if p := ps.For("127.0.0.1"); p != nil {
		t.Errorf("the demo portal's host got profile %s", p.Name)
	}
}
