package portal

import (
	"bytes"
	"fmt"
	"html"
	"strconv"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// pw writes an HTML page into a buffer.
type pw struct{ bytes.Buffer }

func (w *pw) raw(ss ...string) {
	for _, s := range ss {
		w.WriteString(s)
	}
}

// text writes s escaped for text or attribute context.
func (w *pw) text(s string) { w.WriteString(html.EscapeString(s)) }

// a writes a link.
func (w *pw) a(href, text, class string) {
	w.raw(`<a href="`)
	w.text(href)
	w.raw(`"`)
	if class != "" {
		w.raw(` class="`, class, `"`)
	}
	w.raw(`>`)
	w.text(text)
	w.raw(`</a>`)
}

// req is what a page render needs to know about its request.
type req struct {
	lang   int
	host   string // the request's Host
	n      int64  // the request counter (volatile parts)
	sessID string // a jsessionid to put on links, "" for none
}

// head describes the <head> of a page.
type head struct {
	title     string // raw: the caller escapes (hostile titles are planted raw)
	langAttr  string // "" leaves out the lang attribute
	noLang    bool
	meta      string // charset for a <meta> tag, "" for none
	canonical string
	jsonLD    string
	extra     string
}

// open writes the document start up to the opening of the main column.
func (p *Portal) open(w *pw, q req, h head, crumbs []archive.Crumb, multiH1 bool) {
	w.raw("<!DOCTYPE html>\n<html")
	if !h.noLang {
		w.raw(` lang="`, h.langAttr, `"`)
	}
	w.raw(">\n<head>\n")
	switch h.meta {
	case "utf-8":
		w.raw(`<meta charset="utf-8">` + "\n")
	case "windows-1251":
		w.raw(`<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">` + "\n")
	}
	w.raw(`<meta name="viewport" content="width=device-width, initial-scale=1">`+"\n<title>", h.title, "</title>\n")
	w.raw(`<link rel="stylesheet" href="/css/portal.css">` + "\n")
	if h.canonical != "" {
		w.raw(`<link rel="canonical" href="`)
		w.text(h.canonical)
		w.raw("\">\n")
	}
	w.raw(`<link rel="alternate" type="application/rss+xml" title="RSS" href="/`, langs[q.lang], "/rss.xml\">\n")
	if h.jsonLD != "" {
		w.raw(`<script type="application/ld+json">`, h.jsonLD, "</script>\n")
	}
	w.raw(h.extra, "</head>\n<body>\n")
	l := langs[q.lang]
	w.raw(`<header class="top"><div class="wrap">`)
	if multiH1 {
		w.raw(`<h1 class="logo">`)
		w.a("/"+l+"/", siteTitle[q.lang], "")
		w.raw(`</h1>`)
	} else {
		w.raw(`<div class="logo">`)
		w.a("/"+l+"/", siteTitle[q.lang], "")
		w.raw(`</div>`)
	}
	w.raw(`<div class="langs">`)
	for k, o := range langs {
		if k == q.lang {
			w.raw(`<span class="current">`, o, `</span> `)
		} else {
			w.a("/"+o+"/", o, "")
			w.raw(" ")
		}
	}
	w.raw(`</div><form class="search" action="/search/" method="get"><input type="search" name="q" placeholder="`)
	w.text(ui[q.lang].Search)
	w.raw(`"><input type="hidden" name="csrf_token" value="`, fmt.Sprintf("%016x%016x", mix(uint64(q.n)), mix(uint64(q.n)+1)), `"></form>`)
	w.raw("</div></header>\n<nav class=\"menu\"><div class=\"wrap\"><ul>")
	for _, m := range p.menu(q.lang) {
		w.raw("<li>")
		w.a(m.URL, m.Text, "")
		w.raw("</li>")
	}
	w.raw("</ul></div></nav>\n<div class=\"wrap main\">\n<main class=\"content\" id=\"content\">\n")
	if len(crumbs) > 0 {
		w.raw(`<div class="breadcrumbs">`)
		for _, c := range crumbs {
			w.raw("| ")
			w.a(q.withSess(c.URL), c.Text, "")
			w.raw(" ")
		}
		w.raw("</div>\n")
	}
}

// withSess appends the request's re-minted session id to a URL.
func (q req) withSess(u string) string {
	if q.sessID == "" {
		return u
	}
	path, query := u, ""
	if k := bytes.IndexByte([]byte(u), '?'); k >= 0 {
		path, query = u[:k], u[k:]
	}
	return path + ";jsessionid=" + q.sessID + query
}

// close writes the sidebar (calendar, today, promo, counter) and footer.
func (p *Portal) close(w *pw, q req, month time.Time) {
	w.raw("</main>\n<aside class=\"sidebar\">\n")
	p.calendarWidget(w, q.lang, month, false)
	t := p.today()
	w.raw(`<div class="widget"><h3>`, ui[q.lang].Today, `</h3><div id="today">`)
	w.text(fmt.Sprintf("%d %s %d", t.Day(), monthGen(q.lang, t.Month()), t.Year()))
	w.raw("</div></div>\n")
	pr := promos[int(q.n%int64(len(promos)))][q.lang]
	w.raw(`<div class="promo" data-promo="`, strconv.Itoa(int(q.n%int64(len(promos)))), `">`)
	w.text(pr)
	w.raw("</div>\n")
	w.raw(`<div class="widget counter">`, ui[q.lang].Visitors, `: <span id="visit-counter">`, strconv.FormatInt(1000+q.n, 10), "</span></div>\n")
	w.raw("</aside>\n</div>\n<footer class=\"footer\"><div class=\"wrap\">")
	for _, f := range p.footer(q.lang) {
		w.a(f.URL, f.Text, "")
		w.raw(" · ")
	}
	w.raw(`<span class="copy">© 2024 `)
	w.text(siteTitle[q.lang])
	w.raw("</span></div></footer>\n</body>\n</html>\n")
}

// menu returns the site menu of a language.
func (p *Portal) menu(lang int) []archive.Crumb {
	l := langs[lang]
	t := p.today()
	return []archive.Crumb{
		{Text: ui[lang].Home, URL: "/" + l + "/"},
		{Text: sections[secEvents].Name[lang], URL: "/" + l + "/government/events/"},
		{Text: sections[secNews].Name[lang], URL: "/" + l + "/press-center/news/"},
		{Text: sections[secRelease].SubName[lang], URL: "/" + l + "/press-center/press-release/"},
		{Text: sections[secSpeeches].SubName[lang], URL: "/" + l + "/press-center/speeches-and-interviews/"},
		{Text: sections[secPhoto].SubName[lang], URL: "/" + l + "/press-center/photo/"},
		{Text: ui[lang].Calendar, URL: calendarURL(lang, t.Year(), t.Month())},
		{Text: ui[lang].Tourism, URL: "/" + l + "/tourism/"},
	}
}

// footer returns the footer links of a language.
func (p *Portal) footer(lang int) []archive.Crumb {
	l := langs[lang]
	return []archive.Crumb{
		{Text: ui[lang].AllNews, URL: "/" + l + "/all_news/"},
		{Text: regionalNews[lang], URL: "/" + l + "/regions/news.html"},
		{Text: ui[lang].RSS, URL: "/" + l + "/rss.xml"},
		{Text: ui[lang].Sitemap, URL: "/sitemap.xml"},
		{Text: ui[lang].Contacts, URL: "/" + l + "/contacts/"},
		{Text: ui[lang].Search, URL: "/search/?q=belarus"},
		{Text: ui[lang].Staff, URL: "/internal/"},
	}
}

var regionalNews = [3]string{"Regional news", "Новости регионов", "Навіны рэгіёнаў"}

// calendarURL is the month calendar page.
func calendarURL(lang, year int, m time.Month) string {
	return fmt.Sprintf("/%s/calendar/?month=%02d&year=%d", langs[lang], int(m), year)
}

// dayURL is the BelTA-style day archive (two-digit year, slash after the
// query).
func dayURL(lang int, t time.Time) string {
	return fmt.Sprintf("/%s/archive/?day=%02d&month=%02d&year=%02d/", langs[lang], t.Day(), int(t.Month()), t.Year()%100)
}

// byDateURL is the Kremlin-style "at or before" day list.
func byDateURL(lang int, t time.Time) string {
	return fmt.Sprintf("/%s/news/by-date/%02d.%02d.%04d", langs[lang], t.Day(), int(t.Month()), t.Year())
}

// daysIn returns the number of days of a month.
func daysIn(year int, m time.Month) int {
	return time.Date(year, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// hasNews reports whether a language has listed news on a date.
func (p *Portal) hasNews(lang int, t time.Time) bool {
	for _, i := range p.articlesOn(t) {
		if p.visible(lang, i) {
			return true
		}
	}
	return false
}

// calendarTruth describes the calendar widget or page of a month.
func (p *Portal) calendarTruth(lang int, month time.Time, all bool) *CalendarTruth {
	y, m := month.Year(), month.Month()
	prev := time.Date(y, m-1, 1, 0, 0, 0, 0, time.UTC)
	next := time.Date(y, m+1, 1, 0, 0, 0, 0, time.UTC)
	c := &CalendarTruth{Month: fmt.Sprintf("%04d-%02d", y, int(m)), LinkedDays: []int{}}
	if prev.Year() >= 1 {
		c.Prev = calendarURL(lang, prev.Year(), prev.Month())
	}
	if next.Year() <= 9999 {
		c.Next = calendarURL(lang, next.Year(), next.Month())
	}
	for d := 1; d <= daysIn(y, m); d++ {
		if all || p.hasNews(lang, time.Date(y, m, d, 0, 0, 0, 0, time.UTC)) {
			c.LinkedDays = append(c.LinkedDays, d)
		}
	}
	return c
}

// calendarWidget writes the "Archive / Su Mo Tu …" month grid. On widgets
// only days with news are linked; on calendar pages (all) every day is.
func (p *Portal) calendarWidget(w *pw, lang int, month time.Time, all bool) {
	c := p.calendarTruth(lang, month, all)
	y, m := month.Year(), month.Month()
	linked := map[int]bool{}
	for _, d := range c.LinkedDays {
		linked[d] = true
	}
	w.raw(`<div class="widget calendar"><h3>`, ui[lang].Archive, `</h3><div class="cal_head">`)
	if c.Prev != "" {
		w.raw(`<a class="cal_prev" href="`, html.EscapeString(c.Prev), `">«</a> `)
	}
	w.raw(`<span class="cal_month">`)
	w.text(fmt.Sprintf("%s %d", monthNom(lang, m), y))
	w.raw(`</span>`)
	if c.Next != "" {
		w.raw(` <a class="cal_next" href="`, html.EscapeString(c.Next), `">»</a>`)
	}
	w.raw("</div>\n<table class=\"cal\"><tr>")
	for _, d := range ui[lang].Weekdays {
		w.raw("<th>", d, "</th>")
	}
	w.raw("</tr><tr>")
	first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	lead := int(first.Weekday()) // Sunday first (en)
	if lang != 0 {
		lead = (lead + 6) % 7 // Monday first (ru, be)
	}
	col := 0
	for ; col < lead; col++ {
		w.raw("<td></td>")
	}
	for d := 1; d <= daysIn(y, m); d++ {
		if col == 7 {
			w.raw("</tr><tr>")
			col = 0
		}
		if linked[d] {
			w.raw(`<td><a href="`, html.EscapeString(dayURL(lang, time.Date(y, m, d, 0, 0, 0, 0, time.UTC))), `">`, strconv.Itoa(d), "</a></td>")
		} else {
			w.raw("<td>", strconv.Itoa(d), "</td>")
		}
		col++
	}
	for ; col < 7; col++ {
		w.raw("<td></td>")
	}
	w.raw("</tr></table></div>\n")
}
