package portal

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

const (
	ctypeHTML = "text/html; charset=utf-8"
)

var (
	reArticle = regexp.MustCompile(`^/(en|ru|be)/([a-z-]+)/([a-z-]+)/([^/]+)_i_(\d+)\.html$`)
	reOld     = regexp.MustCompile(`^/(en|ru|be)/news_(en|ru|be)/view/([^/]+)-(\d+)/$`)
	reEvents  = regexp.MustCompile(`^/(en|ru|be)/events/([^/]+)-(\d+)$`)
	reByDate  = regexp.MustCompile(`^/(en|ru|be)/news/by-date/(\d{2})\.(\d{2})\.(\d{4})$`)
	reAllNews = regexp.MustCompile(`^/(en|ru|be)/all_news/(?:page/(\d+)/)?$`)
	reImage   = regexp.MustCompile(`^/images/(\d+)-([1-6])\.jpg$`)
	reNumID   = regexp.MustCompile(`^/(en|ru|be)/(print|go)/(\d+)$`)
)

// langOfPath guesses the language of a path for error pages.
func langOfPath(path string) int {
	if len(path) >= 4 && path[3] == '/' {
		if l := langIndex(path[1:3]); l >= 0 {
			return l
		}
	}
	return 0
}

// splitSession removes a ";jsessionid=…" path parameter.
func splitSession(path string) (string, string) {
	k := strings.Index(path, ";jsessionid=")
	if k < 0 {
		return path, ""
	}
	rest := path[k+len(";jsessionid="):]
	end := strings.IndexByte(rest, '/')
	if end < 0 {
		return path[:k], rest
	}
	return path[:k] + rest[end:], rest[:end]
}

// html200 is a 200 HTML answer.
func html200(b []byte) response { return response{status: 200, ctype: ctypeHTML, body: b} }

// redirect is a redirect answer.
func redirect(status int, loc string) response { return response{status: status, location: loc} }

// route answers a request.
func (p *Portal) route(r *http.Request) response {
	path, sess := splitSession(r.URL.Path)
	q := req{lang: langOfPath(path), host: r.Host, n: p.counter.Add(1)}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	notFound := func(status int) response {
		return response{status: status, ctype: ctypeHTML, body: p.renderError(q, status)}
	}
	switch path {
	case "/":
		return redirect(http.StatusFound, "/en/")
	case "/robots.txt":
		return response{status: 200, ctype: "text/plain; charset=utf-8", body: p.renderRobots(scheme, r.Host)}
	case "/sitemap.xml":
		return response{status: 200, ctype: "application/xml; charset=utf-8", body: p.renderSitemap(scheme, r.Host)}
	case "/css/portal.css":
		return response{status: 200, ctype: "text/css; charset=utf-8", body: []byte(css), lastMod: baseDate}
	case "/rss":
		return redirect(http.StatusMovedPermanently, "/en/rss.xml")
	case "/search/":
		return response{status: 200, ctype: "application/json; charset=utf-8", body: p.renderSearch(0, r.URL.Query().Get("q"))}
	case "/internal/":
		return html200(p.renderStatic(q, ui[0].Staff, "Staff area of the portal's editors. Crawlers are asked to stay out (robots.txt)."))
	case loopA:
		return redirect(http.StatusFound, loopB)
	case loopB:
		return redirect(http.StatusFound, loopA)
	case pdfPath:
		return response{status: 200, ctype: "application/pdf", body: p.pdf, lastMod: baseDate}
	case "/en", "/ru", "/be":
		return redirect(http.StatusMovedPermanently, path+"/")
	}
	if m := reImage.FindStringSubmatch(path); m != nil {
		id, _ := strconv.Atoi(m[1])
		if l, i, ok := p.fromID(id); ok && p.served(l, i) {
			return response{status: 200, ctype: "image/jpeg", body: p.renderJPEG(path), lastMod: baseDate}
		}
		return response{status: 404, ctype: "text/plain; charset=utf-8", body: []byte("404 image not found\n")}
	}
	if len(path) < 4 || path[0] != '/' || path[3] != '/' || langIndex(path[1:3]) < 0 {
		return notFound(404)
	}
	l := langs[q.lang]
	rest := path[3:]
	switch rest {
	case "/":
		return html200(p.renderHome(q))
	case "/rss.xml":
		return response{status: 200, ctype: "application/rss+xml; charset=utf-8", body: p.renderRSS(q, scheme)}
	case "/tourism/":
		return html200(p.renderStatic(q, ui[q.lang].Tourism, tourismText[q.lang]...))
	case "/contacts/":
		return html200(p.renderStatic(q, ui[q.lang].Contacts, contactsText[q.lang]...))
	case "/calendar/":
		v := r.URL.Query()
		m, e1 := strconv.Atoi(v.Get("month"))
		y, e2 := strconv.Atoi(v.Get("year"))
		if e1 != nil || e2 != nil || m < 1 || m > 12 || y < 1 || y > 9999 {
			return notFound(404)
		}
		return html200(p.renderCalendar(q, y, time.Month(m)))
	case "/archive/":
		t, ok, valid := parseDayQuery(r.URL.Query())
		if !ok {
			return notFound(404)
		}
		if !valid {
			// Impossible dates such as 30 February show the latest news.
			return html200(p.renderDay(q, p.today(), dayIgnored, p.latest(q.lang, pageSize)))
		}
		outcome, items := p.dayArchive(q.lang, t)
		b := p.renderDay(q, t, outcome, items)
		if outcome == dayHard404 {
			return response{status: 404, ctype: ctypeHTML, body: b}
		}
		return html200(b)
	case "/regions/news.html":
		v := r.URL.Query()["start"]
		start := 0
		if len(v) > 0 {
			n, err := strconv.Atoi(v[len(v)-1])
			if err != nil || n < 0 {
				return notFound(404)
			}
			start = n
		}
		return html200(p.renderRegions(q, r.URL.RawQuery, start))
	}
	if m := reAllNews.FindStringSubmatch(path); m != nil {
		n := 1
		if m[2] != "" {
			n, _ = strconv.Atoi(m[2])
			if n < 1 {
				return notFound(404)
			}
		}
		return html200(p.renderAllNews(q, n))
	}
	if m := reByDate.FindStringSubmatch(path); m != nil {
		d, _ := strconv.Atoi(m[2])
		mo, _ := strconv.Atoi(m[3])
		y, _ := strconv.Atoi(m[4])
		t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
		if mo < 1 || mo > 12 || t.Day() != d || y < 1 {
			return notFound(404)
		}
		return html200(p.renderList(q, dayTitle(q.lang, t), p.byDate(q.lang, t), true, t, "", nil))
	}
	if m := reNumID.FindStringSubmatch(path); m != nil {
		id, _ := strconv.Atoi(m[3])
		li, i, ok := p.fromID(id)
		if !ok || li != q.lang || !p.served(li, i) {
			return notFound(404)
		}
		if m[2] == "go" {
			return redirect(http.StatusFound, p.oldPath(li, i))
		}
		res := html200(p.renderPrint(q, p.article(li, i)))
		res.lastMod = p.lastModified(li, i)
		return res
	}
	if m := reOld.FindStringSubmatch(path); m != nil && m[1] == m[2] {
		i, _ := strconv.Atoi(m[4])
		i -= 20000
		if i >= 0 && i < p.total() && p.oldPath(q.lang, i) == path && p.served(q.lang, i) {
			return redirect(http.StatusMovedPermanently, p.eventsPath(q.lang, i))
		}
		return notFound(404)
	}
	if m := reEvents.FindStringSubmatch(path); m != nil {
		ts, _ := strconv.ParseInt(m[3], 10, 64)
		day := time.Unix(ts, 0).In(minsk)
		for _, i := range p.articlesOn(day) {
			if p.eventsPath(q.lang, i) == path && p.served(q.lang, i) {
				return redirect(http.StatusMovedPermanently, p.path(q.lang, i))
			}
		}
		return notFound(404)
	}
	if m := reArticle.FindStringSubmatch(path); m != nil {
		return p.routeArticle(q, path, sess, m)
	}
	if strings.HasSuffix(path, ".html/") && reArticle.MatchString(strings.TrimSuffix(path, "/")) {
		return redirect(http.StatusMovedPermanently, strings.TrimSuffix(path, "/"))
	}
	for sec, s := range sections {
		base := "/" + l + "/" + s.Section + "/" + s.Sub
		switch path {
		case base:
			loc := base + "/"
			if r.URL.RawQuery != "" {
				loc += "?" + r.URL.RawQuery
			}
			return redirect(http.StatusMovedPermanently, loc)
		case base + "/":
			page := 1
			if v := r.URL.Query().Get("page"); v != "" {
				n, err := strconv.Atoi(v)
				if err != nil || n < 1 {
					return notFound(404)
				}
				page = n
			}
			if page > p.listingPages(q.lang, sec) {
				return notFound(404)
			}
			q.sessID = p.reminted(sess, r)
			return html200(p.renderListing(q, sec, page, r.URL.RequestURI()))
		}
	}
	return notFound(404)
}

// reminted returns the new session id for the links of a page requested
// with one: a hash of the whole request URL, so every page mints another.
func (p *Portal) reminted(sess string, r *http.Request) string {
	if sess == "" {
		return ""
	}
	return p.sessFor(r.URL.RequestURI())
}

// routeArticle answers an article URL (or a duplicate of it).
func (p *Portal) routeArticle(q req, path, sess string, m []string) response {
	id, _ := strconv.Atoi(m[5])
	notFound := func(status int) response {
		return response{status: status, ctype: ctypeHTML, body: p.renderError(q, status)}
	}
	if (id-p.idBase)%4 == 3 && id >= p.idBase && (id-p.idBase)/4 < p.total() {
		return notFound(410) // a deleted article: any slug answers 410
	}
	lang, i, ok := p.fromID(id)
	if !ok || lang != q.lang {
		return notFound(404)
	}
	canonical := p.path(lang, i)
	alias := p.aliasSection(lang, i)
	if path != canonical && (alias < 0 || path != p.pathIn(lang, i, alias)) {
		return notFound(404)
	}
	switch p.fates[fateKey(lang, i)].removedStatus {
	case 404:
		return notFound(404)
	case 410:
		return notFound(410)
	case 301:
		return redirect(http.StatusMovedPermanently, "/"+langs[lang]+"/")
	}
	a := p.article(lang, i)
	if sess != "" {
		q.sessID = p.sessFor(path + ";jsessionid=" + sess)
	}
	res := response{status: 200, body: p.renderArticle(q, a)}
	res.ctype = "text/html"
	if a.headerCS != "" {
		res.ctype += "; charset=" + a.headerCS
	}
	if a.charset == "windows-1251" {
		res.encode = "windows-1251"
	}
	res.gzip = a.spec == specGzip
	res.lastMod = p.lastModified(lang, i)
	return res
}

// lastModified is the Last-Modified time of article i: its publication,
// its latest silent edit or correction, or the latest day that changed
// what the page shows around it (see pageChanged), whichever is latest.
func (p *Portal) lastModified(lang, i int) time.Time {
	t := p.articleDate(i)
	f := p.fates[fateKey(lang, i)]
	if f.editDay > 0 {
		d := dayDate(f.editDay)
		t = time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, minsk)
	}
	if f.correctDay > 0 {
		d := dayDate(f.correctDay)
		if c := time.Date(d.Year(), d.Month(), d.Day(), 10, 15, 0, 0, minsk); c.After(t) {
			t = c
		}
	}
	if day := p.pageChanged(lang, i); day > 0 {
		d := dayDate(day)
		if c := time.Date(d.Year(), d.Month(), d.Day(), 8, 0, 0, 0, minsk); c.After(t) {
			t = c
		}
	}
	return t.UTC()
}

// pageChanged returns the latest day up to Day that changed the page of
// article i without touching the article: a removal or headline edit of an
// article its related block may show, or news appearing on or vanishing
// from a day of the month its calendar widget shows; 0 if none did. The
// page's validators follow it, so a conditional request never keeps a copy
// whose links the portal no longer shows.
func (p *Portal) pageChanged(lang, i int) int {
	latest := 0
	for j := max(0, i-6); j <= i-2; j++ {
		f := p.fates[fateKey(lang, j)]
		latest = max(latest, f.removedDay)
		if f.editWhat == "headline" {
			latest = max(latest, f.editDay)
		}
	}
	y, m, _ := p.articleDate(i).Date()
	sameMonth := func(t time.Time) bool { ty, tm, _ := t.Date(); return ty == y && tm == m }
	for key, f := range p.fates {
		if int(key>>32) != lang || f.removedDay == 0 && f.orphanDay == 0 {
			continue
		}
		if sameMonth(p.articleDate(int(key & 0xffffffff))) {
			latest = max(latest, f.removedDay, f.orphanDay)
		}
	}
	for d := 1; d <= p.cfg.Day; d++ {
		if sameMonth(dayDate(d)) {
			latest = max(latest, d) // that day's new articles
		}
	}
	return latest
}

// parseArticleTarget returns the article a root-relative article URL names.
func (p *Portal) parseArticleTarget(u string) (lang, i int, ok bool) {
	if k := strings.IndexAny(u, "?#"); k >= 0 {
		u = u[:k]
	}
	m := reArticle.FindStringSubmatch(u)
	if m == nil {
		return 0, 0, false
	}
	id, _ := strconv.Atoi(m[5])
	return p.fromID(id)
}
