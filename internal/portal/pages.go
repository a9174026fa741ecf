package portal

import (
	"encoding/json"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// renderArticle writes an article page (or its duplicate at another URL).
func (p *Portal) renderArticle(q req, a *article) []byte {
	var w pw
	canonical := p.path(a.lang, a.i)
	h := head{langAttr: a.langAttr, noLang: a.langAttr == "", meta: a.metaCS}
	if a.spec == specHostileTitle {
		h.title = a.title
	} else {
		h.title = html.EscapeString(a.title)
	}
	if a.newTpl {
		h.canonical = canonical
		h.jsonLD = p.jsonLD(a, canonical)
		h.extra = `<meta property="article:published_time" content="` + p.pubTime(a).Format(time.RFC3339) + "\">\n"
	}
	p.open(&w, q, h, a.crumbs, a.multipleH1)
	sec := sections[a.sec]
	if a.newTpl {
		p.articleNew(&w, q, a)
	} else {
		w.raw(`<div class="section_title">`)
		w.text(sec.SubName[a.lang])
		w.raw("</div>\n")
		if a.lang == 0 {
			w.raw(`<div class="pages_header_inner">`)
		} else {
			w.raw(`<div class="date_full">`)
		}
		w.text(a.published.Text)
		w.raw("</div>\n")
		if a.h1 != "" {
			w.raw("<h1>")
			p.h1Inner(&w, a)
			w.raw("</h1>\n")
		}
		w.raw(`<div class="ic">` + "\n")
		for _, img := range a.images {
			w.raw(`<div class="news_img"><img src="`, img.Src, `" alt="`)
			w.text(img.Alt)
			w.raw(`" title="`)
			w.text(img.Caption)
			w.raw(`" width="640" height="400"></div>`)
			if a.credit != "alt-only" {
				w.raw(`<div class="img_caption">`)
				w.text(img.Caption)
				w.raw("</div>")
			}
			if img.CreditSource == "caption" {
				w.raw(`<p class="photo_by">`)
				w.text(img.CreditText)
				w.raw("</p>")
			}
			w.raw("\n")
		}
		p.articleBody(&w, q, a)
		w.raw("</div>\n")
	}
	w.raw(`<div class="print_link">`)
	w.a(p.printPath(a.lang, a.i), ui[a.lang].Print, "print")
	w.raw("</div>\n")
	p.related(&w, q, a)
	if a.multipleH1 {
		w.raw("<h1>")
		w.text(ui[a.lang].TopNews)
		w.raw("</h1>\n")
	}
	p.close(&w, q, a.date)
	return w.Bytes()
}

// articleNew writes the body of the new article template.
func (p *Portal) articleNew(w *pw, q req, a *article) {
	w.raw(`<article class="news-article">` + "\n")
	if a.h1 != "" {
		w.raw(`<h1 class="entry-title">`)
		p.h1Inner(w, a)
		w.raw("</h1>\n")
	}
	pt := p.pubTime(a)
	w.raw(`<div class="meta"><time class="published" datetime="`, pt.Format(time.RFC3339), `">`)
	w.text(a.published.Text)
	w.raw("</time>")
	if a.modified.Value != "" {
		w.raw(` · `, ui[a.lang].Updated, `: <time class="modified" datetime="`, a.modified.Value, `">`)
		w.text(a.modified.Text)
		w.raw("</time>")
	}
	w.raw("</div>\n")
	for _, img := range a.images {
		w.raw(`<figure class="main-image"><img src="`, img.Src, `" alt="`)
		w.text(img.Alt)
		w.raw(`" width="640" height="400">`)
		if a.credit != "alt-only" {
			w.raw("<figcaption>")
			w.text(img.Caption)
			if img.CreditSource == "figcaption" {
				w.raw(` <span class="credit">`)
				w.text(img.CreditText)
				w.raw("</span>")
			}
			w.raw("</figcaption>")
		}
		w.raw("</figure>\n")
	}
	w.raw(`<div class="entry-content">` + "\n")
	p.articleBody(w, q, a)
	w.raw("</div>\n</article>\n")
}

// h1Inner writes the h1 content (with a <time> for slotTimeInH1).
func (p *Portal) h1Inner(w *pw, a *article) {
	if a.slot == slotTimeInH1 {
		w.raw(`<time datetime="`, isoDate(a.date), `">`, a.date.Format("02.01.2006"), "</time> ")
	}
	w.text(a.h1)
}

// pubTime is the printed publication instant.
func (p *Portal) pubTime(a *article) time.Time {
	t, _ := time.ParseInLocation("2006-01-02", a.published.Value, minsk)
	return time.Date(t.Year(), t.Month(), t.Day(), a.date.Hour(), a.date.Minute(), 0, 0, minsk)
}

// articleBody writes the paragraphs, gallery credit, links, byline and
// correction shared by both templates.
func (p *Portal) articleBody(w *pw, q req, a *article) {
	if a.credit == "photos-by" {
		w.raw(`<p class="photo_by gallery_credit">`)
		w.text(a.credits[0])
		w.raw("</p>\n")
	}
	if a.creditLine != "" {
		w.raw(`<p class="photo_by">`)
		w.text(a.creditLine)
		w.raw("</p>\n")
	}
	if a.modified.Value != "" && !a.newTpl {
		w.raw(`<div class="modified">`, ui[a.lang].Updated, ": ")
		w.text(a.modified.Text)
		w.raw("</div>\n")
	}
	for k, para := range a.paras {
		w.raw("<p>")
		if k == 0 && a.datelineOut != "" {
			if a.newTpl {
				w.raw(`<span class="dateline">`)
				w.text(a.datelineOut)
				w.raw("</span>")
			} else {
				w.text(a.datelineOut)
			}
		}
		w.text(para)
		w.raw("</p>\n")
	}
	if a.spec == specLarge {
		w.raw(`<h2 id="annex">Annex: full text of the programme</h2>` + "\n")
		for k := 0; k < largeParas; k++ {
			w.raw("<p>", strconv.Itoa(k+1), ". ")
			w.text(bodySentences[k%len(bodySentences)][0][:40])
			w.raw(" The State Programme provides for the measures listed in this annex, item by item, with deadlines and responsible bodies.</p>\n")
		}
	}
	if a.spec == specHostileScript {
		w.raw(`<script>document.write('<p class="injected">injected by a script</p>'); window.hostile = true;</script>` + "\n")
	}
	if a.spec == specHostileOnerr {
		w.raw(`<p><img src="/images/none.jpg" alt="" onerror="alert('onerror');this.remove()"></p>` + "\n")
	}
	if len(a.links) > 0 {
		w.raw(`<ul class="body_links">`)
		for _, b := range a.links {
			w.raw("<li>")
			href := strings.ReplaceAll(b.Href, "{host}", q.host)
			if b.Attr == "onclick" {
				w.raw(`<span class="link" onclick="`)
				w.text(b.Onclick)
				w.raw(`">`)
				w.text(b.Text)
				w.raw("</span>")
			} else {
				w.a(href, b.Text, "")
			}
			w.raw("</li>")
		}
		w.raw("</ul>\n")
	}
	if a.correction != "" {
		w.raw(`<p class="correction"><em>`)
		w.text(a.correction)
		w.raw("</em></p>\n")
	}
	switch a.byline {
	case "person":
		w.raw(`<p class="author">`, ui[a.lang].WrittenBy, ": ")
		w.text(a.authors[0])
		w.raw("</p>\n")
	case "person-fio":
		w.raw(`<div class="person_fio" title="`)
		w.text(a.authors[0])
		w.raw(`">`)
		w.text(initials(a.authors[0]))
		w.raw("</div>\n")
	case "empty":
		w.raw(`<p class="author">`, ui[a.lang].WrittenBy, ": </p>\n")
	}
	if a.slot == slotRelease {
		w.raw(`<p class="source">`, ui[a.lang].Source, ": ")
		w.text(a.source)
		w.raw("</p>\n")
	}
}

// initials turns "Anna Kovalenko" into "A. Kovalenko".
func initials(name string) string {
	parts := strings.Fields(name)
	if len(parts) < 2 {
		return name
	}
	r := []rune(parts[0])
	return string(r[0]) + ". " + strings.Join(parts[1:], " ")
}

// related writes links to two earlier served articles of the language.
func (p *Portal) related(w *pw, q req, a *article) {
	rel := p.relatedOf(a.lang, a.i)
	if len(rel) == 0 {
		return
	}
	w.raw(`<div class="related"><h3>`, ui[a.lang].Related, "</h3><ul>")
	for _, j := range rel {
		w.raw("<li>")
		w.a(p.path(a.lang, j), p.headlineOf(a.lang, j), "")
		w.raw("</li>")
	}
	w.raw("</ul></div>\n")
}

// relatedOf returns up to two served articles before i.
func (p *Portal) relatedOf(lang, i int) []int {
	var out []int
	for j := i - 2; j >= 0 && j >= i-6 && len(out) < 2; j-- {
		if p.served(lang, j) {
			out = append(out, j)
		}
	}
	return out
}

// headlineOf is the headline article i shows in lists (its story's, or the
// edited one).
func (p *Portal) headlineOf(lang, i int) string {
	h := p.storyHeadline(lang, i)
	if p.slotOf(lang, i) == slotDuplicateHeadline && i >= dupHeadlineShift {
		h = p.storyHeadline(lang, i-dupHeadlineShift)
	}
	if f := p.fates[fateKey(lang, i)]; f.editDay > 0 && f.editWhat == "headline" {
		h += editSuffix[lang]
	}
	return h
}

// jsonLD returns the NewsArticle JSON-LD of the new template.
func (p *Portal) jsonLD(a *article, canonical string) string {
	type thing struct {
		Type string `json:"@type"`
		Name string `json:"name"`
	}
	doc := map[string]any{
		"@context":         "https://schema.org",
		"@type":            "NewsArticle",
		"datePublished":    p.pubTime(a).Format(time.RFC3339),
		"inLanguage":       langs[a.lang],
		"mainEntityOfPage": canonical,
		"publisher":        thing{"Organization", siteTitle[a.lang]},
	}
	if a.headline != "" {
		doc["headline"] = a.headline
	}
	if a.modified.Value != "" {
		doc["dateModified"] = a.modified.Value
	}
	if len(a.authors) > 0 {
		var au []thing
		for _, n := range a.authors {
			au = append(au, thing{"Person", n})
		}
		doc["author"] = au
	} else if a.source != "" {
		doc["author"] = thing{"Organization", a.source}
	}
	var imgs []string
	for _, im := range a.images {
		imgs = append(imgs, im.Src)
	}
	if len(imgs) > 0 {
		doc["image"] = imgs
	}
	b, _ := json.Marshal(doc) // escapes <, > and &, so "</script>" cannot end the block
	return string(b)
}

// renderPrint writes the print version of an article.
func (p *Portal) renderPrint(q req, a *article) []byte {
	var w pw
	w.raw("<!DOCTYPE html>\n<html lang=\"", langs[a.lang], "\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
	w.text(a.storyTitle)
	w.raw("</title>\n<link rel=\"canonical\" href=\"", html.EscapeString(p.path(a.lang, a.i)), "\">\n<meta name=\"robots\" content=\"noindex\">\n")
	w.raw("<style>body{font:16px/1.5 Georgia,serif;max-width:40em;margin:2em auto;color:#111}</style>\n</head>\n<body class=\"print\">\n<p>")
	w.text(siteTitle[a.lang])
	w.raw("</p>\n<div class=\"pv_date\">")
	w.text(a.published.Text)
	w.raw("</div>\n")
	if a.h1 != "" {
		w.raw("<h1>")
		w.text(a.headline)
		w.raw("</h1>\n")
	}
	w.raw(`<div id="pv_main_part">` + "\n")
	for k, para := range a.paras {
		w.raw("<p>")
		if k == 0 {
			w.text(strings.TrimLeft(a.datelineOut, "\u00a0"))
		}
		w.text(para)
		w.raw("</p>\n")
	}
	w.raw("</div>\n</body>\n</html>\n")
	return w.Bytes()
}

// listItem writes one item of a list in the old or new template.
func (p *Portal) listItem(w *pw, q req, lang, i int, href string, newTpl bool) {
	d := p.articleDate(i)
	hl := p.headlineOf(lang, i)
	teaser := p.teaser(lang, i)
	if newTpl {
		w.raw(`<div class="tl_item"><div class="tl_date"><span>`)
		w.text(fmt.Sprintf("%d %s %d", d.Day(), monthGen(lang, d.Month()), d.Year()))
		w.raw(`</span></div><div class="tl_news"><a class="tl_node" href="`)
		w.text(href)
		w.raw(`">`)
		w.text(hl)
		w.raw("</a><p>")
		w.text(teaser)
		w.raw("</p></div></div>\n")
		return
	}
	w.raw(`<div class="news_item lenta_item"><div class="new_date"><div class="day">`, fmt.Sprintf("%02d", d.Day()),
		`</div><div class="month_year"><span>.</span>`, fmt.Sprintf("%02d.%02d", int(d.Month()), d.Year()%100), `</div></div>`)
	w.raw(`<div class="news_text"><a href="`)
	w.text(href)
	w.raw(`"><img src="/images/`, strconv.Itoa(p.articleID(lang, i)), `-1.jpg" alt="`)
	w.text(hl)
	w.raw(`" width="120" height="75"></a> <a href="`)
	w.text(href)
	w.raw(`"><span class="lenta_item_title">`)
	w.text(hl)
	w.raw(`</span></a><span class="lenta_textsmall">`)
	w.text(teaser)
	w.raw("</span></div></div>\n")
}

// teaser is the beginning of an article's lead and "...".
func (p *Portal) teaser(lang, i int) string {
	_, ctry, topic, _, _ := p.storyParts(i)
	c := countries[ctry]
	nom, gen := c.EN, c.EN
	switch lang {
	case 1:
		nom, gen = c.RUNom, c.RUGen
	case 2:
		nom, gen = c.BENom, c.BEGen
	}
	h := p.hash(uint64(lang), uint64(i), 21)
	first := int(h >> 32 % uint64(len(bodySentences)))
	s := fill(bodySentences[first][lang], nom, gen, topics[topic][lang], 3+int(p.hash(uint64(i), 0)%27))
	r := []rune(s)
	if len(r) > 90 {
		r = r[:90]
	}
	return strings.TrimSpace(string(r)) + "..."
}

// sessFor is the jsessionid minted for links on a page at url.
func (p *Portal) sessFor(url string) string { return fmt.Sprintf("%016X", p.hashString(url)) }

// listingPages returns the number of pages of a section listing.
func (p *Portal) listingPages(lang, sec int) int {
	n := len(p.secItems[lang][sec])
	if n == 0 {
		return 1
	}
	size := sectionPageSize(sec)
	return (n + size - 1) / size
}

// listingItemHref is the href a listing page writes for article i: relative
// in the old template, with ?page=N carried over in the photo section, with a
// re-minted jsessionid in the press-release section.
func (p *Portal) listingItemHref(q req, lang, sec, page, i int, newTpl bool, pageURL string) string {
	full := p.path(lang, i)
	href := full
	if !newTpl {
		href = lastSegment(full)
	}
	switch sec {
	case secPhoto:
		if page > 1 {
			href += "?page=" + strconv.Itoa(page)
		}
	case secRelease:
		sid := q.sessID
		if sid == "" {
			sid = p.sessFor(pageURL)
		}
		href += ";jsessionid=" + sid
	}
	return href
}

// sectionPageSize is the number of items per listing page: photo reports
// are listed four to a page, news ten.
func sectionPageSize(sec int) int {
	if sections[sec].Photo {
		return 4
	}
	return pageSize
}

// listingURL is page n of a section listing.
func listingURL(lang, sec, n int) string {
	s := sections[sec]
	u := fmt.Sprintf("/%s/%s/%s/", langs[lang], s.Section, s.Sub)
	if n > 1 {
		u += "?page=" + strconv.Itoa(n)
	}
	return u
}

// renderListing writes page n of a section listing.
func (p *Portal) renderListing(q req, sec, page int, pageURL string) []byte {
	lang := q.lang
	items := p.secItems[lang][sec]
	size := sectionPageSize(sec)
	from := (page - 1) * size
	to := min(from+size, len(items))
	newTpl := p.listingNew(lang, sec, page)
	s := sections[sec]
	var w pw
	h := head{title: html.EscapeString(s.SubName[lang] + " | " + siteTitle[lang]), langAttr: langs[lang], meta: "utf-8"}
	if newTpl {
		h.canonical = listingURL(lang, sec, page)
	}
	crumbs := []archive.Crumb{
		{Text: ui[lang].Home, URL: "/" + langs[lang] + "/"},
		{Text: s.Name[lang], URL: fmt.Sprintf("/%s/%s/%s/", langs[lang], s.Section, sectionFirstSub(sec))},
	}
	p.open(&w, q, h, crumbs, false)
	w.raw(`<h2 class="section_title">`)
	w.text(s.SubName[lang])
	w.raw("</h2>\n")
	if newTpl {
		w.raw(`<div class="tl_list" id="inner">` + "\n")
	} else {
		w.raw(`<div id="inner">` + "\n")
	}
	for _, i := range items[from:to] {
		p.listItem(&w, q, lang, int(i), p.listingItemHref(q, lang, sec, page, int(i), newTpl, pageURL), newTpl)
	}
	w.raw("</div>\n")
	p.pager(&w, q, lang, sec, page, newTpl)
	month := p.today()
	if to > from {
		month = p.articleDate(int(items[from]))
	}
	p.close(&w, q, month)
	return w.Bytes()
}

// listingNew reports whether page n of a listing uses the new template
// (its newest item is dated on or after the template drift).
func (p *Portal) listingNew(lang, sec, page int) bool {
	items := p.secItems[lang][sec]
	from := (page - 1) * sectionPageSize(sec)
	if from >= len(items) {
		return true
	}
	return p.isNewTemplate(p.articleDate(int(items[from])))
}

// pager writes a listing's pagination.
func (p *Portal) pager(w *pw, q req, lang, sec, page int, newTpl bool) {
	n := p.listingPages(lang, sec)
	if newTpl {
		w.raw(`<nav class="pagination">`)
	} else {
		w.raw(`<div class="pages">`)
	}
	if page > 1 {
		w.a(q.withSess(listingURL(lang, sec, page-1)), "«", "p_prev")
		w.raw(" ")
	}
	for k := max(1, page-3); k <= min(n, page+3); k++ {
		if k == page {
			w.raw(`<span class="current">`, strconv.Itoa(k), "</span> ")
			continue
		}
		w.a(q.withSess(listingURL(lang, sec, k)), strconv.Itoa(k), "")
		w.raw(" ")
	}
	if page < n {
		w.a(q.withSess(listingURL(lang, sec, page+1)), ui[lang].Next+" »", "p_next")
	}
	if newTpl {
		w.raw("</nav>\n")
		w.raw(`<div class="load_more" onclick="return get_page('`, html.EscapeString(p.loadMoreURL(lang)), `','inner','1')">`, ui[lang].More, "</div>\n")
	} else {
		w.raw("</div>\n")
	}
}

// loadMoreURL is the URL the "load more" button has only in its onclick.
func (p *Portal) loadMoreURL(lang int) string {
	t := p.today()
	return fmt.Sprintf("/%s/all_news/page/2/?day=%02d&month=%02d&year=%02d/", langs[lang], t.Day(), int(t.Month()), t.Year()%100)
}

// renderHome writes a language's home page.
func (p *Portal) renderHome(q req) []byte {
	lang := q.lang
	var w pw
	h := head{title: html.EscapeString(siteTitle[lang]), langAttr: langs[lang], meta: "utf-8", canonical: "/" + langs[lang] + "/"}
	p.open(&w, q, h, nil, false)
	items, feat, photo := p.homeItems(lang)
	w.raw(`<h2 class="section_title">`, ui[lang].TopNews, "</h2>\n<div class=\"tl_list\">\n")
	for _, i := range items {
		p.listItem(&w, q, lang, i, p.path(lang, i), true)
	}
	w.raw("</div>\n")
	if len(feat) > 0 {
		w.raw(`<div class="featured"><h3>`, sections[secNews].SubName[lang], "</h3><ul>")
		for _, i := range feat {
			w.raw("<li>")
			w.a(p.pathIn(lang, i, secNews), p.headlineOf(lang, i), "")
			w.raw("</li>")
		}
		w.raw("</ul></div>\n")
	}
	if photo >= 0 {
		w.raw(`<div class="photo_block"><h3>`, sections[secPhoto].SubName[lang], "</h3>")
		w.a(p.path(lang, photo), p.headlineOf(lang, photo), "")
		w.raw("</div>\n")
	}
	p.close(&w, q, p.today())
	return w.Bytes()
}

// homeItems returns the latest ten listed articles, the latest three that
// are also published under news/ (linked there, a duplicate) and the latest
// photo report (-1 if none).
func (p *Portal) homeItems(lang int) (items, feat []int, photo int) {
	photo = -1
	for _, i32 := range p.allItems[lang] {
		i := int(i32)
		if len(items) < 10 {
			items = append(items, i)
		}
		if len(feat) < 3 && p.aliasSection(lang, i) >= 0 {
			feat = append(feat, i)
		}
		if photo < 0 && p.sectionOf(lang, i) == secPhoto {
			photo = i
		}
		if len(items) == 10 && len(feat) == 3 && photo >= 0 {
			break
		}
	}
	return
}
