package portal

import (
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// Manifest returns the planted truth of the portal. It is built on the
// first call and shared afterwards: callers must not modify it.
func (p *Portal) Manifest() *Manifest {
	p.manOnce.Do(func() { p.manifest = p.buildManifest() })
	return p.manifest
}

// builder collects manifest entries.
type builder struct {
	p     *Portal
	m     *Manifest
	pages map[string]*Page
	paths [3][]string // canonical URLs computed so far, by language and index
}

// path is Portal.path, remembered for the duration of the build.
func (b *builder) path(lang, i int) string {
	if b.paths[lang] == nil {
		b.paths[lang] = make([]string, b.p.total())
	}
	if b.paths[lang][i] == "" {
		b.paths[lang][i] = b.p.path(lang, i)
	}
	return b.paths[lang][i]
}

// add records a page, merging into an existing entry of the same URL.
func (b *builder) add(pg Page) *Page {
	if old, ok := b.pages[pg.URL]; ok {
		return old
	}
	c := pg
	b.pages[pg.URL] = &c
	return &c
}

func (b *builder) redirect(id, from string, chain []string, status []int, final string, loop bool) {
	b.m.Redirects = append(b.m.Redirects, Redirect{ID: id, From: from, Chain: chain, Status: status, Final: final, Loop: loop})
	if !strings.Contains(from, "://") {
		b.add(Page{URL: from, Kind: KindRedirect, Status: status[0], Location: chain[0], Lang: langFromURL(from)})
	}
}

// duplicate describes another URL that serves article i: the same bytes as
// the canonical page (but for re-minted session ids), answering 200.
func (b *builder) duplicate(u string, lang, i int, why string) Page {
	p := b.p
	ctype := "text/html"
	_, _, header, _ := p.charsetOf(lang, i, p.specialOf(lang, i))
	if header != "" {
		ctype += "; charset=" + header
	}
	canonical := b.path(lang, i)
	return Page{URL: u, Kind: p.articleKind(lang, i), Lang: langs[lang], Status: 200, ContentType: ctype, Canonical: canonical,
		DuplicateOf: canonical, DuplicateWhy: why, LastModified: p.lastModified(lang, i).Format(http.TimeFormat)}
}

// langFromURL returns the language segment of a root-relative URL.
func langFromURL(u string) string {
	if len(u) >= 4 && u[3] == '/' && langIndex(u[1:3]) >= 0 {
		return u[1:3]
	}
	return ""
}

func (p *Portal) buildManifest() *Manifest {
	m := &Manifest{
		Seed: p.cfg.Seed, Articles: p.cfg.Articles, Day: p.cfg.Day, Host: p.cfg.Host,
		Today: isoDate(p.today()), Languages: langs[:], TemplateDrift: isoDate(p.driftDate()),
		Changes: append([]Change{}, p.changes...), Defects: AllDefects(),
		Cadence: CadenceDaily, SectionCadence: CadenceIrregular,
	}
	b := &builder{p: p, m: m, pages: map[string]*Page{}}
	htmlPage := func(u string, kind Kind, lang int) Page {
		return Page{URL: u, Kind: kind, Lang: langs[lang], Status: 200, ContentType: ctypeHTML, Charset: "utf-8",
			CharsetDecl: DeclBoth, HeaderCharset: "utf-8", MetaCharset: "utf-8", LangAttr: langs[lang], Canonical: u}
	}

	// Site-wide resources.
	b.redirect("root", "/", []string{"/en/"}, []int{302}, "/en/", false)
	b.redirect("rss", "/rss", []string{"/en/rss.xml"}, []int{301}, "/en/rss.xml", false)
	b.redirect("loop", loopA, []string{loopB, loopA}, []int{302, 302}, "", true)
	b.add(Page{URL: loopB, Kind: KindRedirect, Status: 302, Location: loopA})
	b.add(Page{URL: "/robots.txt", Kind: KindRobots, Status: 200, ContentType: "text/plain; charset=utf-8", Charset: "utf-8", CharsetDecl: DeclHeader, HeaderCharset: "utf-8", Canonical: "/robots.txt"})
	b.add(Page{URL: "/sitemap.xml", Kind: KindSitemap, Status: 200, ContentType: "application/xml; charset=utf-8", Charset: "utf-8", CharsetDecl: DeclHeader, HeaderCharset: "utf-8", Canonical: "/sitemap.xml"})
	b.add(Page{URL: "/css/portal.css", Kind: KindStylesheet, Status: 200, ContentType: "text/css; charset=utf-8", Canonical: "/css/portal.css", LastModified: staticModified})
	b.add(Page{URL: pdfPath, Kind: KindPDF, Lang: "en", Status: 200, ContentType: "application/pdf", Canonical: pdfPath, LastModified: staticModified})
	b.add(Page{URL: "/search/?q=belarus", Kind: KindSearch, Status: 200, ContentType: "application/json; charset=utf-8", Canonical: "/search/?q=belarus", Quirks: []Quirk{QuirkRobotsDisallowed}})
	internal := htmlPage("/internal/", KindStatic, 0)
	internal.Quirks = []Quirk{QuirkRobotsDisallowed}
	internal.Title = ui[0].Staff + " | " + siteTitle[0]
	b.add(internal)
	m.Robots = Robots{Disallow: append([]string{}, robotsDisallow...), Sitemap: "/sitemap.xml"}
	q := p.cfg.Quirks
	m.RateLimits = []RateLimit{
		{ID: "429", Prefix: "/", Enabled: q.RateLimit429 > 0, Description: fmt.Sprintf("a stable %.0f%% of URLs (all but /robots.txt) answer their first %d request(s) with 429 and Retry-After: %d", q.RateLimit429*100, q.RateLimit429Times, q.RetryAfter)},
		{ID: "403", Prefix: "/*" + rateLimitArea, Enabled: q.RateLimit403 > 0, Description: fmt.Sprintf("after %d requests of one client IP to this area, every further request there answers 403", q.RateLimit403)},
		{ID: "slow", Prefix: "/*/archive/, /*/calendar/, /*/news/by-date/", Enabled: q.Slow > 0, Description: fmt.Sprintf("answers are delayed by %s", q.Slow)},
	}
	m.Volatile = []Volatile{
		{ID: "visit-counter", Selector: "#visit-counter", Changes: "request", Pattern: `<span id="visit-counter">\d+</span>`},
		{ID: "csrf-token", Selector: `input[name=csrf_token]`, Changes: "request", Pattern: `name="csrf_token" value="[0-9a-f]{32}"`},
		{ID: "promo", Selector: ".promo", Changes: "request", Pattern: `<div class="promo" data-promo="\d">[^<]*</div>`},
		{ID: "today", Selector: "#today", Changes: "day", Pattern: `<div id="today">[^<]*</div>`},
	}
	if p.cfg.Host != "" {
		bare := strings.TrimPrefix(p.cfg.Host, "www.")
		if bare != p.cfg.Host {
			b.redirect("bare-to-www", "http://"+bare+"/", []string{"https://" + p.cfg.Host + "/"}, []int{301}, "https://"+p.cfg.Host+"/", false)
			m.Redirects[len(m.Redirects)-1].HostVariant = true
		}
		b.redirect("http-to-https", "http://"+p.cfg.Host+"/", []string{"https://" + p.cfg.Host + "/"}, []int{301}, "https://"+p.cfg.Host+"/", false)
		m.Redirects[len(m.Redirects)-1].HostVariant = true
	}

	for lang := range langs {
		p.manifestLang(b, lang, htmlPage)
	}

	// Traps.
	m.Traps = p.traps()

	// Pages, sorted, with clean flags and counts.
	m.Pages = make([]Page, 0, len(b.pages))
	for _, pg := range b.pages {
		m.Pages = append(m.Pages, *pg)
	}
	sort.Slice(m.Pages, func(i, j int) bool { return m.Pages[i].URL < m.Pages[j].URL })
	sort.SliceStable(m.Links, func(i, j int) bool { return m.Links[i].From < m.Links[j].From })
	flagged := map[string]bool{}
	for _, l := range m.Links {
		if l.Reason != LinkOK {
			flagged[l.From] = true
		}
	}
	m.Counts = Counts{ByKind: map[Kind]int{}, ByQuirk: map[Quirk]int{}, Defects: map[Defect]int{}, Links: map[LinkReason]int{}}
	for k := range m.Pages {
		pg := &m.Pages[k]
		if pg.Article != nil && pg.Status == 200 && pg.DuplicateOf == "" {
			pg.Clean = len(pg.Defects) == 0 && !flagged[pg.URL] && !hasQuirk(pg.Quirks, QuirkHostileScript, QuirkHostileOnerror, QuirkHostileTitle)
		}
		m.Counts.Pages++
		m.Counts.ByKind[pg.Kind]++
		for _, qk := range pg.Quirks {
			m.Counts.ByQuirk[qk]++
		}
		for _, d := range pg.Defects {
			m.Counts.Defects[d]++
		}
		if pg.Clean {
			m.Counts.Clean++
		}
	}
	for _, l := range m.Links {
		m.Counts.Links[l.Reason]++
	}
	return m
}

// staticModified is the Last-Modified of the stylesheet, images and PDF.
var staticModified = baseDate.Format(http.TimeFormat)

// hasQuirk reports whether qs contains any of want.
func hasQuirk(qs []Quirk, want ...Quirk) bool {
	for _, q := range qs {
		for _, w := range want {
			if q == w {
				return true
			}
		}
	}
	return false
}

// manifestLang adds the pages of one language.
func (p *Portal) manifestLang(b *builder, lang int, htmlPage func(string, Kind, int) Page) {
	m := b.m
	l := langs[lang]
	b.redirect("add-slash-"+l, "/"+l, []string{"/" + l + "/"}, []int{301}, "/"+l+"/", false)

	// Home.
	home := htmlPage("/"+l+"/", KindHome, lang)
	home.Title = siteTitle[lang]
	home.CanonicalTag = "/" + l + "/"
	home.InSitemap = true
	home.Menu = p.menu(lang)
	home.Calendar = p.calendarTruth(lang, p.today(), false)
	items, feat, photo := p.homeItems(lang)
	for _, i := range items {
		home.Items = append(home.Items, b.path(lang, i))
	}
	for _, i := range feat {
		alias := p.pathIn(lang, i, secNews)
		home.Items = append(home.Items, alias)
		m.Links = append(m.Links, Link{From: home.URL, Href: alias, Target: alias, Attr: "href", Text: p.headlineOf(lang, i), Place: "featured", Reason: LinkDuplicate, Status: 200})
	}
	if photo >= 0 {
		home.Items = append(home.Items, b.path(lang, photo))
	}
	b.add(home)

	// Static pages, feed.
	for _, s := range []struct{ u, t string }{{"/" + l + "/tourism/", ui[lang].Tourism}, {"/" + l + "/contacts/", ui[lang].Contacts}} {
		pg := htmlPage(s.u, KindStatic, lang)
		pg.Title = s.t + " | " + siteTitle[lang]
		pg.InSitemap = true
		b.add(pg)
	}
	rss := Page{URL: "/" + l + "/rss.xml", Kind: KindRSS, Lang: l, Status: 200, ContentType: "application/rss+xml; charset=utf-8", Charset: "utf-8", CharsetDecl: DeclHeader, HeaderCharset: "utf-8", Canonical: "/" + l + "/rss.xml"}
	for _, i := range p.rssItems(lang) {
		u := p.rssLink(lang, i)
		rss.Items = append(rss.Items, u)
		m.Links = append(m.Links, Link{From: rss.URL, Href: "{scheme}://{host}" + u, Target: u, Attr: "link", Text: p.headlineOf(lang, i), Place: "feed", Reason: LinkDuplicate, Status: 200})
		b.add(b.duplicate(u, lang, i, "utm"))
	}
	b.add(rss)

	// Section listings.
	for sec := range sections {
		n := p.listingPages(lang, sec)
		for page := 1; page <= n; page++ {
			u := listingURL(lang, sec, page)
			pg := htmlPage(u, KindListing, lang)
			newTpl := p.listingNew(lang, sec, page)
			pg.Title = sections[sec].SubName[lang] + " | " + siteTitle[lang]
			pg.Template = "old"
			pg.Quirks = []Quirk{QuirkTemplateOld, QuirkRelativeLinks}
			if newTpl {
				pg.Template, pg.CanonicalTag = "new", u
				pg.Quirks = []Quirk{QuirkTemplateNew}
			}
			if sec == secSpeeches {
				pg.Quirks = append(pg.Quirks, QuirkRateLimited403)
			}
			pg.InSitemap = page == 1
			pg.Menu = p.menu(lang)
			its := p.secItems[lang][sec]
			size := sectionPageSize(sec)
			from, to := (page-1)*size, min(page*size, len(its))
			month := p.today()
			if to > from {
				month = p.articleDate(int(its[from]))
			}
			pg.Calendar = p.calendarTruth(lang, month, false)
			q := req{lang: lang}
			for _, i32 := range its[from:to] {
				i := int(i32)
				href := p.listingItemHref(q, lang, sec, page, i, newTpl, u)
				target := href
				if !strings.HasPrefix(href, "/") {
					target = u[:strings.LastIndexByte(u, '/')+1] + href
				}
				pg.Items = append(pg.Items, target)
				if target != b.path(lang, i) {
					why := "page"
					if sec == secRelease {
						why = "jsessionid"
					}
					m.Links = append(m.Links, Link{From: u, Href: href, Target: target, Attr: "href", Text: p.headlineOf(lang, i), Place: "listing", Reason: LinkDuplicate, Status: 200})
					b.add(b.duplicate(target, lang, i, why))
				}
			}
			if newTpl {
				lm := p.loadMoreURL(lang)
				m.Links = append(m.Links, Link{From: u, Href: lm, Target: lm, Attr: "onclick", Text: ui[lang].More, Place: "pagination", Reason: LinkOnclickOnly, Status: 200})
				b.add(Page{URL: lm, Kind: KindTrap, Lang: l, Status: 200, ContentType: ctypeHTML, Canonical: "/" + l + "/all_news/page/2/", DuplicateOf: "/" + l + "/all_news/page/2/", DuplicateWhy: "date-ignored", Quirks: []Quirk{QuirkDateIgnored}})
				an2 := Page{URL: "/" + l + "/all_news/page/2/", Kind: KindListing, Lang: l, Status: 200, ContentType: ctypeHTML, Charset: "utf-8", CharsetDecl: DeclBoth,
					HeaderCharset: "utf-8", MetaCharset: "utf-8", LangAttr: l, Canonical: "/" + l + "/all_news/page/2/", Title: ui[lang].AllNews + " | " + siteTitle[lang], Quirks: []Quirk{QuirkDateIgnored}}
				b.add(an2)
			}
			b.add(pg)
		}
	}

	// Articles.
	for i := 0; i < p.total(); i++ {
		p.manifestArticle(b, lang, i)
	}
	// An article URL with a trailing slash redirects to the article (not
	// linked anywhere; any article works, the first served one is listed).
	for i := 0; i < p.total(); i++ {
		if p.served(lang, i) {
			u := b.path(lang, i)
			b.redirect("remove-slash", u+"/", []string{u}, []int{301}, u, false)
			break
		}
	}

	// Day archives, "at or before" lists and month calendars over the
	// archive's range.
	first, today := p.firstDate(), p.today()
	for t := first; !t.After(today); t = t.AddDate(0, 0, 1) {
		outcome, items := p.dayArchive(lang, t)
		u := dayURL(lang, t)
		pg := htmlPage(u, KindDayArchive, lang)
		pg.Title = dayTitle(lang, t) + " | " + siteTitle[lang]
		pg.Canonical = u
		pg.Calendar = p.calendarTruth(lang, t, false)
		for _, i := range items {
			pg.Items = append(pg.Items, b.path(lang, i))
		}
		switch outcome {
		case daySoft404:
			pg.Quirks = []Quirk{QuirkSoft404}
			m.EmptyDays = append(m.EmptyDays, EmptyDay{Lang: l, Date: isoDate(t), URL: u, Status: 200, EmptiedBy: p.emptiedBy(lang, t)})
		case dayHard404:
			pg.Status = 404
			m.EmptyDays = append(m.EmptyDays, EmptyDay{Lang: l, Date: isoDate(t), URL: u, Status: 404, EmptiedBy: p.emptiedBy(lang, t)})
		}
		pg.Quirks = append(pg.Quirks, QuirkSlow)
		lm := fmt.Sprintf("/%s/all_news/page/2/?day=%02d&month=%02d&year=%02d/", l, t.Day(), int(t.Month()), t.Year()%100)
		m.Links = append(m.Links, Link{From: u, Href: lm, Target: lm, Attr: "onclick", Text: ui[lang].More, Place: "pagination", Reason: LinkOnclickOnly, Status: 200})
		b.add(pg)
		bd := htmlPage(byDateURL(lang, t), KindDayArchive, lang)
		bd.Title = pg.Title
		bd.Quirks = []Quirk{QuirkAtOrBefore, QuirkSlow}
		bd.Calendar = pg.Calendar
		for _, i := range p.byDate(lang, t) {
			bd.Items = append(bd.Items, b.path(lang, i))
		}
		b.add(bd)
	}
	calFirst := time.Date(first.Year(), first.Month()-1, 1, 0, 0, 0, 0, time.UTC)
	for t := calFirst; t.Before(first); t = t.AddDate(0, 0, 1) {
		switch outcome, _ := p.dayArchive(lang, t); outcome {
		case daySoft404:
			m.EmptyDaysBefore = append(m.EmptyDaysBefore, EmptyDay{Lang: l, Date: isoDate(t), URL: dayURL(lang, t), Status: 200})
		case dayHard404:
			m.EmptyDaysBefore = append(m.EmptyDaysBefore, EmptyDay{Lang: l, Date: isoDate(t), URL: dayURL(lang, t), Status: 404})
		}
	}
	for t := calFirst; !t.After(today.AddDate(0, 1, 0)); t = t.AddDate(0, 1, 0) {
		u := calendarURL(lang, t.Year(), t.Month())
		pg := htmlPage(u, KindCalendar, lang)
		pg.Title = fmt.Sprintf("%s: %s %d | %s", ui[lang].Calendar, monthNom(lang, t.Month()), t.Year(), siteTitle[lang])
		pg.Calendar = p.calendarTruth(lang, t, true)
		pg.Quirks = []Quirk{QuirkSlow}
		b.add(pg)
	}

	// The trap entrances.
	an := htmlPage("/"+l+"/all_news/", KindListing, lang)
	an.Title = ui[lang].AllNews + " | " + siteTitle[lang]
	an.Quirks = []Quirk{QuirkDateIgnored}
	b.add(an)
	rg := htmlPage("/"+l+"/regions/news.html", KindListing, lang)
	rg.Title = regionalNews[lang] + " | " + siteTitle[lang]
	b.add(rg)
	rg2 := rg
	rg2.URL, rg2.Canonical = rg.URL+"?start=10", rg.URL+"?start=10"
	b.add(rg2)
}

// emptiedBy returns the articles dated t that a day up to the portal's Day
// removed or orphaned (on a day without news, every article dated that
// day is one of them); nil when the portal never published on t.
func (p *Portal) emptiedBy(lang int, t time.Time) []string {
	var out []string
	for _, i := range p.articlesOn(t) {
		if i < p.total() && !p.visible(lang, i) {
			out = append(out, p.path(lang, i))
		}
	}
	return out
}

// articleKind is article or photo-report.
func (p *Portal) articleKind(lang, i int) Kind {
	if sections[p.sectionOf(lang, i)].Photo {
		return KindPhotoReport
	}
	return KindArticle
}

// manifestArticle adds article i, its duplicates, images and body links.
func (p *Portal) manifestArticle(b *builder, lang, i int) {
	m := b.m
	l := langs[lang]
	u := p.path(lang, i)
	f := p.fates[fateKey(lang, i)]
	switch f.removedStatus {
	case 404:
		b.add(Page{URL: u, Kind: KindNotFound, Lang: l, Status: 404, ContentType: ctypeHTML})
		return
	case 410:
		b.add(Page{URL: u, Kind: KindGone, Lang: l, Status: 410, ContentType: ctypeHTML})
		return
	case 301:
		b.redirect("removed-"+l+fmt.Sprint(i), u, []string{"/" + l + "/"}, []int{301}, "/"+l+"/", false)
		return
	}
	a := p.article(lang, i)
	ctype := "text/html"
	if a.headerCS != "" {
		ctype += "; charset=" + a.headerCS
	}
	pg := Page{URL: u, Kind: p.articleKind(lang, i), Lang: l, Status: 200, ContentType: ctype, Charset: a.charset,
		CharsetDecl: a.decl, HeaderCharset: a.headerCS, MetaCharset: a.metaCS, LangAttr: a.langAttr,
		Title: a.title, Canonical: u, Quirks: a.quirks, Defects: a.defects, InSitemap: !a.orphaned, InListing: !a.orphaned,
		Breadcrumbs: a.crumbs, Menu: p.menu(lang), Calendar: p.calendarTruth(lang, a.date, false), Template: "old"}
	if a.newTpl {
		pg.Template, pg.CanonicalTag = "new", u
	}
	pg.LastModified = p.lastModified(lang, i).Format(http.TimeFormat)
	if a.sec == secSpeeches {
		pg.Quirks = append(append([]Quirk{}, pg.Quirks...), QuirkRateLimited403)
	}
	lead := ""
	if len(a.paras) > 0 {
		lead = a.paras[0]
	}
	art := &Article{ID: a.id, Story: i, Section: sections[a.sec].Section, Sub: sections[a.sec].Sub,
		Headline: strings.ReplaceAll(a.headline, "\u00ad", ""), Published: a.published, Modified: a.modified,
		Dateline: a.dateline, Source: a.source, Authors: append([]string{}, a.authors...), Byline: a.byline,
		CreditVariant: a.credit, Credits: append([]string{}, a.credits...), Print: p.printPath(lang, i),
		Version: a.version, Correction: a.correction, Lead: lead, Paragraphs: len(a.paras), Translations: map[string]string{}}
	if a.h1 != a.headline {
		art.HeadlineRaw = a.h1
	}
	if art.Authors == nil {
		art.Authors = []string{}
	}
	if art.Credits == nil {
		art.Credits = []string{}
	}
	art.Images = []archive.Image{}
	for _, im := range a.images {
		art.Images = append(art.Images, im.Image)
		b.add(Page{URL: im.Src, Kind: KindImage, Status: 200, ContentType: "image/jpeg", Canonical: im.Src, LastModified: staticModified})
	}
	thumb := fmt.Sprintf("/images/%d-1.jpg", a.id)
	b.add(Page{URL: thumb, Kind: KindImage, Status: 200, ContentType: "image/jpeg", Canonical: thumb, LastModified: staticModified})
	for o := range langs {
		if o != lang && p.served(o, i) {
			art.Translations[langs[o]] = p.path(o, i)
		}
	}
	// Duplicates.
	pr := Page{URL: art.Print, Kind: KindPrint, Lang: l, Status: 200, ContentType: ctypeHTML, Charset: "utf-8", CharsetDecl: DeclMeta, HeaderCharset: "utf-8", MetaCharset: "utf-8",
		LangAttr: l, Title: a.storyTitle, Canonical: u, CanonicalTag: u, DuplicateOf: u, DuplicateWhy: "print", LastModified: pg.LastModified}
	pr.CharsetDecl = DeclBoth
	b.add(pr)
	art.Aliases = append(art.Aliases, art.Print)
	au := ""
	if alias := p.aliasSection(lang, i); alias >= 0 {
		au = p.pathIn(lang, i, alias)
		dup := pg
		dup.URL, dup.DuplicateOf, dup.DuplicateWhy, dup.InSitemap, dup.InListing = au, u, "section-alias", false, false
		dup.Article, dup.Quirks, dup.Defects = nil, nil, nil
		b.add(dup)
		art.Aliases = append(art.Aliases, au)
	}
	pg.Article = art

	// The section alias serves the same bytes from another directory: its
	// relative body links lead elsewhere, and its print link leads to the
	// print version of another URL (the canonical one). Its other links
	// are the canonical page's.
	if au != "" {
		for _, bl := range a.links {
			if !strings.HasPrefix(bl.Href, "../") {
				continue
			}
			t := resolveRel(au, bl.Href)
			l := Link{From: au, Href: bl.Href, Target: t, Attr: bl.Attr, Text: bl.Text, Place: "body", Reason: LinkWrongSection, Broken: true, Status: 404}
			if tl, j, ok := p.parseArticleTarget(t); ok && tl == lang && p.served(lang, j) {
				switch {
				case t == p.path(lang, j):
					l.Reason, l.Broken, l.Status = LinkOK, false, 200
				case p.aliasSection(lang, j) >= 0 && t == p.pathIn(lang, j, p.aliasSection(lang, j)):
					l.Reason, l.Broken, l.Status = LinkDuplicate, false, 200
				}
			}
			if l.Broken {
				b.add(Page{URL: t, Kind: KindNotFound, Lang: l.From[1:3], Status: 404, ContentType: ctypeHTML})
			}
			m.Links = append(m.Links, l)
		}
		m.Links = append(m.Links, Link{From: au, Href: art.Print, Target: art.Print, Attr: "href", Text: ui[lang].Print, Place: "other", Reason: LinkDuplicate, Status: 200})
	}

	// Body links and the pages they lead to.
	for _, bl := range a.links {
		m.Links = append(m.Links, Link{From: u, Href: bl.Href, Target: bl.Target, Attr: bl.Attr, Text: bl.Text, Place: "body",
			Reason: bl.Reason, Broken: bl.Broken, Status: bl.Status, Hops: bl.Hops})
		j := p.neighbour(i, 1)
		switch bl.Reason {
		case LinkCrossLanguageSlug, LinkWrongSection, LinkNotFound:
			b.add(Page{URL: bl.Target, Kind: KindNotFound, Lang: l, Status: 404, ContentType: ctypeHTML})
		case LinkGone:
			b.add(Page{URL: bl.Target, Kind: KindGone, Lang: l, Status: 410, ContentType: ctypeHTML})
		case LinkRedirect:
			if bl.Hops == 1 {
				b.redirect("new-to-article", bl.Href, []string{bl.Target}, []int{301}, bl.Target, false)
			} else {
				b.redirect("old-to-new", bl.Href, []string{p.eventsPath(lang, j), bl.Target}, []int{301, 301}, bl.Target, false)
			}
		case LinkRedirectChain:
			b.redirect("chain", bl.Href, []string{p.oldPath(lang, j), p.eventsPath(lang, j), bl.Target}, []int{302, 301, 301}, bl.Target, false)
		case LinkTrailingSlash:
			b.redirect("add-slash", bl.Href, []string{bl.Target}, []int{301}, bl.Target, false)
		case LinkDuplicate:
			if strings.Contains(bl.Href, "utm_") {
				b.add(b.duplicate(bl.Target, lang, j, "utm"))
			}
		}
	}
	if a.spec == specHostileOnerr {
		m.Links = append(m.Links, Link{From: u, Href: "/images/none.jpg", Target: "/images/none.jpg", Attr: "src", Place: "body", Reason: LinkNotFound, Broken: true, Status: http.StatusNotFound})
		b.add(Page{URL: "/images/none.jpg", Kind: KindNotFound, Status: 404, ContentType: ctypeHTML})
	}
	b.add(pg)
}

// traps describes the trap families.
func (p *Portal) traps() []Trap {
	first, today := p.firstDate(), p.today()
	return []Trap{
		{ID: "calendar", Description: "month calendar pages link the previous and next month forever (years 1..9999 answer 200) and link every day of the month",
			Pattern:  `^/(en|ru|be)/calendar/\?month=\d{2}&year=\d+$`,
			Bound:    fmt.Sprintf("follow calendar months only within the archive's range (%s .. %s); day links outside it lead to empty or date-ignoring day archives", first.Format("2006-01"), today.Format("2006-01")),
			Examples: []string{calendarURL(0, 1, 1), calendarURL(0, 9999, 12), calendarURL(1, 1990, 6)}},
		{ID: "day-archive-range", Description: "day archives answer for any date: outside the archive's range they show 'no news' (200 or 404), in the future and for impossible dates (30 February) the latest news with 200",
			Pattern:  `^/(en|ru|be)/archive/\?day=\d+&month=\d+&year=\d+/?$`,
			Bound:    fmt.Sprintf("fetch day archives only for %s .. %s; treat identical bodies as duplicates", isoDate(first), isoDate(today)),
			Examples: []string{"/en/archive/?day=30&month=02&year=24/", dayURL(0, today.AddDate(1, 0, 0))}},
		{ID: "ignored-date-params", Description: "all_news pages ignore day/month/year; pages past the last show page 1 again and still link a next page",
			Pattern:  `^/(en|ru|be)/all_news/page/\d+/(\?day=\d+&month=\d+&year=\d+/?)?$`,
			Bound:    "ignore the day, month and year parameters when comparing URLs and stop paging when a page repeats an earlier body",
			Examples: []string{p.loadMoreURL(0), "/en/all_news/page/999/?day=01&month=01&year=99/"}},
		{ID: "start-accumulation", Description: "regional news paging appends another start= to the query on every click, so URLs grow without end",
			Pattern:  `^/(en|ru|be)/regions/news\.html\?(.*&)?start=\d+&(.*&)?start=\d+`,
			Bound:    "drop repeated query parameters (keep the last value) before queueing",
			Examples: []string{"/en/regions/news.html?start=10&start=20", "/en/regions/news.html?start=10&start=20&start=10"}},
		{ID: "jsessionid", Description: "press-release listings put a ;jsessionid= on every item link, and every page requested with one mints a new one for its links",
			Pattern:  `;jsessionid=[0-9A-F]+`,
			Bound:    "strip ;jsessionid=… from the path before queueing (the canonical tags omit it)",
			Examples: []string{listingURL(0, secRelease, 1) + ";jsessionid=" + p.sessFor("x")}},
	}
}
