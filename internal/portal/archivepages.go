package portal

import (
	"fmt"
	"html"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// dayOutcome says how a day archive answers.
type dayOutcome int

const (
	dayNews    dayOutcome = iota // a list of that day's news
	daySoft404                   // 200 "no news for this day"
	dayHard404                   // 404
	dayIgnored                   // the date is in the future or invalid: the latest news, 200
)

// dayArchive decides what the day archive of a date shows.
func (p *Portal) dayArchive(lang int, t time.Time) (dayOutcome, []int) {
	if t.After(p.today()) {
		return dayIgnored, p.latest(lang, pageSize)
	}
	var out []int
	for _, i := range p.articlesOn(t) {
		if p.visible(lang, i) {
			out = append(out, i)
		}
	}
	if len(out) > 0 {
		// newest first
		for a, b := 0, len(out)-1; a < b; a, b = a+1, b-1 {
			out[a], out[b] = out[b], out[a]
		}
		return dayNews, out
	}
	if p.hash(uint64(lang), uint64(t.Unix()), 41)%2 == 0 {
		return daySoft404, nil
	}
	return dayHard404, nil
}

// latest returns the n newest listed articles of a language.
func (p *Portal) latest(lang, n int) []int {
	var out []int
	for _, i := range p.allItems[lang] {
		if len(out) == n {
			break
		}
		out = append(out, int(i))
	}
	return out
}

// parseDayQuery reads day, month and a two-digit year (with the stray
// slash BelTA leaves after it). ok is false when the fields are not
// numbers; valid is false for impossible dates such as 30 February.
func parseDayQuery(v url.Values) (t time.Time, ok, valid bool) {
	d, e1 := strconv.Atoi(v.Get("day"))
	m, e2 := strconv.Atoi(v.Get("month"))
	ys := strings.TrimSuffix(v.Get("year"), "/")
	y, e3 := strconv.Atoi(ys)
	if e1 != nil || e2 != nil || e3 != nil {
		return time.Time{}, false, false
	}
	if len(ys) <= 2 {
		y += 2000
	}
	if m < 1 || m > 12 || d < 1 || d > 31 || y < 1 || y > 9999 {
		return time.Time{}, true, false
	}
	t = time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, true, false
	}
	return t, true, true
}

// renderList writes a page with a heading, a list of articles and extra HTML.
func (p *Portal) renderList(q req, title string, items []int, newTpl bool, month time.Time, canonical string, extra func(w *pw)) []byte {
	var w pw
	h := head{title: html.EscapeString(title + " | " + siteTitle[q.lang]), langAttr: langs[q.lang], meta: "utf-8", canonical: canonical}
	crumbs := []archive.Crumb{{Text: ui[q.lang].Home, URL: "/" + langs[q.lang] + "/"}}
	p.open(&w, q, h, crumbs, false)
	w.raw(`<h2 class="section_title">`)
	w.text(title)
	w.raw("</h2>\n")
	if newTpl {
		w.raw(`<div class="tl_list" id="inner">` + "\n")
	} else {
		w.raw(`<div id="inner">` + "\n")
	}
	for _, i := range items {
		p.listItem(&w, q, q.lang, i, p.path(q.lang, i), newTpl)
	}
	w.raw("</div>\n")
	if extra != nil {
		extra(&w)
	}
	p.close(&w, q, month)
	return w.Bytes()
}

// dayTitle is the heading of a day archive.
func dayTitle(lang int, t time.Time) string {
	return fmt.Sprintf("%s: %d %s %d", ui[lang].Archive, t.Day(), monthGen(lang, t.Month()), t.Year())
}

// renderDay writes a day archive page; status is 200 or 404.
func (p *Portal) renderDay(q req, t time.Time, outcome dayOutcome, items []int) []byte {
	lang := q.lang
	title := dayTitle(lang, t)
	extra := func(w *pw) {
		if outcome == daySoft404 || outcome == dayHard404 {
			w.raw(`<p class="no_news">`, ui[lang].NoNews, "</p>\n")
		}
		w.raw(`<p class="earlier">`)
		w.a(byDateURL(lang, t), ui[lang].EarlierNews, "")
		w.raw("</p>\n")
		w.raw(`<div class="load_more" onclick="return get_page('`, html.EscapeString(fmt.Sprintf("/%s/all_news/page/2/?day=%02d&month=%02d&year=%02d/", langs[lang], t.Day(), int(t.Month()), t.Year()%100)), `','inner','1')">`, ui[lang].More, "</div>\n")
	}
	if outcome == dayIgnored {
		title = ui[lang].AllNews
	}
	return p.renderList(q, title, items, true, t, "", extra)
}

// renderCalendar writes a month calendar page: every day linked.
func (p *Portal) renderCalendar(q req, year int, m time.Month) []byte {
	var w pw
	lang := q.lang
	title := fmt.Sprintf("%s: %s %d", ui[lang].Calendar, monthNom(lang, m), year)
	h := head{title: html.EscapeString(title + " | " + siteTitle[lang]), langAttr: langs[lang], meta: "utf-8"}
	p.open(&w, q, h, []archive.Crumb{{Text: ui[lang].Home, URL: "/" + langs[lang] + "/"}}, false)
	w.raw(`<h2 class="section_title">`)
	w.text(title)
	w.raw("</h2>\n<div class=\"calendar_page\">\n")
	p.calendarWidget(&w, lang, time.Date(year, m, 1, 0, 0, 0, 0, time.UTC), true)
	w.raw("</div>\n")
	p.close(&w, q, time.Date(year, m, 1, 0, 0, 0, 0, time.UTC))
	return w.Bytes()
}

// byDate returns up to 20 listed articles dated at or before the end of t.
func (p *Portal) byDate(lang int, t time.Time) []int {
	end := time.Date(t.Year(), t.Month(), t.Day(), 23, 59, 59, 0, minsk)
	items := p.allItems[lang]
	// Items are newest first and dates never decrease with the index, so
	// the first item at or before end is found by binary search.
	k := sort.Search(len(items), func(k int) bool { return !p.articleDate(int(items[k])).After(end) })
	out := make([]int, 0, 20)
	for _, i := range items[k:min(k+20, len(items))] {
		out = append(out, int(i))
	}
	return out
}

// allNewsPage returns page n of all listed news; past the end it shows the
// first page again (the date parameters are ignored entirely).
func (p *Portal) allNewsPage(lang, n int) []int {
	items := p.allItems[lang]
	from := (n - 1) * pageSize
	if from >= len(items) || from < 0 {
		from = 0
	}
	to := min(from+pageSize, len(items))
	out := make([]int, 0, to-from)
	for _, i := range items[from:to] {
		out = append(out, int(i))
	}
	return out
}

// renderAllNews writes /{lang}/all_news/page/N/?day=…: the next link
// always exists and carries today's date, which the server ignores.
func (p *Portal) renderAllNews(q req, n int) []byte {
	t := p.today()
	next := fmt.Sprintf("/%s/all_news/page/%d/?day=%02d&month=%02d&year=%02d/", langs[q.lang], n+1, t.Day(), int(t.Month()), t.Year()%100)
	return p.renderList(q, ui[q.lang].AllNews, p.allNewsPage(q.lang, n), false, t, "", func(w *pw) {
		w.raw(`<div class="pages">`)
		w.a(next, ui[q.lang].Next+" »", "p_next")
		w.raw("</div>\n")
	})
}

// renderRegions writes the Joomla-style list whose paging links append
// another start= to the query every time.
func (p *Portal) renderRegions(q req, rawQuery string, start int) []byte {
	items := p.allItems[q.lang]
	var list []int
	for k := start; k < start+pageSize && k < len(items); k++ {
		list = append(list, int(items[k]))
	}
	base := "/" + langs[q.lang] + "/regions/news.html?"
	if rawQuery != "" {
		base += rawQuery + "&"
	}
	return p.renderList(q, regionalNews[q.lang], list, false, p.today(), "", func(w *pw) {
		w.raw(`<div class="pages">`)
		if start > 0 {
			w.a(base+"start="+strconv.Itoa(max(0, start-pageSize)), "« "+ui[q.lang].Prev, "p_prev")
			w.raw(" ")
		}
		if start+pageSize < len(items) {
			w.a(base+"start="+strconv.Itoa(start+pageSize), ui[q.lang].Next+" »", "p_next")
		}
		w.raw("</div>\n")
	})
}

// renderStatic writes a simple static page.
func (p *Portal) renderStatic(q req, title string, paras ...string) []byte {
	var w pw
	h := head{title: html.EscapeString(title + " | " + siteTitle[q.lang]), langAttr: langs[q.lang], meta: "utf-8"}
	p.open(&w, q, h, []archive.Crumb{{Text: ui[q.lang].Home, URL: "/" + langs[q.lang] + "/"}}, false)
	w.raw(`<h2 class="section_title">`)
	w.text(title)
	w.raw("</h2>\n")
	for _, s := range paras {
		w.raw("<p>")
		w.text(s)
		w.raw("</p>\n")
	}
	p.close(&w, q, p.today())
	return w.Bytes()
}

// renderError writes the 404 or 410 page.
func (p *Portal) renderError(q req, status int) []byte {
	title, text := ui[q.lang].NotFound, ui[q.lang].NotFoundText
	if status == 410 {
		title, text = ui[q.lang].Gone, ui[q.lang].GoneText
	}
	return p.renderStatic(q, title, text)
}

var tourismText = [3][]string{
	{"Belarus' top tourist sites include the Mir Castle Complex, the Nesvizh Palace and the Belovezhskaya Pushcha National Park.", "UNESCO World Heritage Sites in Belarus: the Mir Castle Complex, the Architectural, Residential and Cultural Complex of the Radziwill Family at Nesvizh, Belovezhskaya Pushcha and the Struve Geodetic Arc."},
	{"Главные туристические объекты Беларуси – Мирский замок, Несвижский дворец и Национальный парк «Беловежская пуща».", "Объекты Всемирного наследия ЮНЕСКО в Беларуси: Мирский замок, дворцово-парковый ансамбль в Несвиже, Беловежская пуща и Геодезическая дуга Струве."},
	{"Галоўныя турыстычныя аб'екты Беларусі – Мірскі замак, Нясвіжскі палац і Нацыянальны парк «Белавежская пушча».", "Аб'екты Сусветнай спадчыны ЮНЕСКА ў Беларусі: Мірскі замак, палацава-паркавы ансамбль у Нясвіжы, Белавежская пушча і Геадэзічная дуга Струвэ."},
}

var contactsText = [3][]string{
	{"Address: 11 Sovetskaya Street, 220010 Minsk, Republic of Belarus.", "E-mail: info@portal.example"},
	{"Адрес: 220010, г. Минск, ул. Советская, 11.", "Электронная почта: info@portal.example"},
	{"Адрас: 220010, г. Мінск, вул. Савецкая, 11.", "Электронная пошта: info@portal.example"},
}
