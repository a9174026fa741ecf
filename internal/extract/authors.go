package extract

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// agencies are news agencies and wire services: a byline naming one of
// them is a source, not a person.
var agencies = func() map[string]string {
	m := map[string]string{}
	for _, group := range [][]string{
		{"BelTA", "belta", "белта", "белтa", "belarusian telegraph agency"},
		{"TASS", "tass", "тасс", "итар-тасс", "itar-tass"},
		{"Reuters", "reuters", "thomson reuters", "рейтер", "рейтерс"},
		{"AP", "ap", "associated press", "the associated press", "a.p."},
		{"AFP", "afp", "agence france-presse", "agence france presse", "франс пресс", "франс-пресс"},
		{"RIA Novosti", "ria novosti", "риа новости", "ria"},
		{"Interfax", "interfax", "интерфакс"},
		{"Xinhua", "xinhua", "синьхуа"},
		{"dpa", "dpa", "deutsche presse-agentur"},
		{"UPI", "upi", "united press international"},
		{"PA", "pa", "pa media", "press association", "pa wire"},
		{"ANI", "ani"}, {"PTI", "pti", "press trust of india"}, {"IANS", "ians"},
		{"EFE", "efe"}, {"ANSA", "ansa"}, {"Kyodo", "kyodo", "kyodo news"}, {"Yonhap", "yonhap"},
		{"KNA", "kna"}, {"epd", "epd"}, {"AAP", "aap", "australian associated press"},
		{"The Canadian Press", "the canadian press", "canadian press", "cp"},
		{"Anadolu", "anadolu", "anadolu agency", "aa"}, {"Sputnik", "sputnik", "спутник"},
		{"Ukrinform", "ukrinform", "укрінформ", "укринформ"}, {"PAP", "pap", "polska agencja prasowa"},
		{"ČTK", "čtk", "ctk"}, {"MTI", "mti"}, {"BTA", "bta"}, {"Tanjug", "tanjug"}, {"HINA", "hina"},
		{"Agerpres", "agerpres"}, {"Lusa", "lusa"}, {"Belga", "belga"}, {"APA", "apa"}, {"Keystone-SDA", "keystone-sda", "sda"},
		{"KUNA", "kuna"}, {"WAM", "wam"}, {"SPA", "spa"}, {"IRNA", "irna"}, {"Antara", "antara"}, {"Bernama", "bernama"},
		{"Prensa Latina", "prensa latina"}, {"Notimex", "notimex"}, {"CNA", "cna"}, {"NTB", "ntb"}, {"TT", "tt"},
		{"Bloomberg", "bloomberg", "bloomberg news"}, {"CNN Wire", "cnn wire"}, {"Kazinform", "kazinform", "казинформ"},
		{"Trend", "trend news agency"}, {"APA", "apa.az"}, {"Armenpress", "armenpress", "арменпресс"}, {"Kabar", "kabar", "кабар"},
		{"Khovar", "khovar", "ховар"}, {"UzA", "uza"}, {"Mehr", "mehr news agency"}, {"Tasnim", "tasnim"}, {"Minsk-Novosti", "minsk-novosti", "минск-новости"},
		{"Sputnik Belarus", "sputnik belarus"}, {"BelTA/TASS", "belta/tass"},
	} {
		for _, alias := range group[1:] {
			m[alias] = group[0]
		}
	}
	return m
}()

// agencyName returns the canonical name of an agency mentioned as the
// whole of s ("Reuters", "(AP)", "By Associated Press"), "" if s names none.
func agencyName(s string) string {
	k := strings.ToLower(strings.Trim(collapse(s), " ()[]/.,:;-–—|"))
	k = strings.TrimPrefix(k, "by ")
	k = strings.TrimPrefix(k, "source: ")
	if a, ok := agencies[k]; ok {
		return a
	}
	return ""
}

var (
	reBylinePrefix = regexp.MustCompile(`(?i)^\s*(?:written\s+by|posted\s+by|reported\s+by|reporting\s+by|story\s+by|words\s+by|text\s+by|by|from|von|par|por|di|door|autor(?:in)?|auteur|author|authors|текст|автор|авторы|аўтар|аўтары|opracowanie|redakcja)\s*[:.\-–—]?\s+`)
	reNameNoise    = regexp.MustCompile(`(?i)\s*(?:\||·|•|—|–| - |\(|\[|@|https?://|\bupdated\b|\bpublished\b|\bposted\b|\bon\s+\w+day\b|\bemail\b|\bfollow\b|\btwitter\b|\bcontact\b|\bread more\b|\bview all\b).*$`)
	reNameSplit    = regexp.MustCompile(`(?i)\s*(?:,|;|&|\|)\s*|\s+(?:and|und|et|y|e|i|и|і|with|és|en)\s+`)
	reNotPerson    = regexp.MustCompile(`(?i)\b(staff|team|editors?|editorial|desk|newsroom|news|agency|press|wire|reporters|contributors?|correspondents?|admin|administrator|redaktion|redakcja|guest|anonymous|unknown|services?|office|department|ministry|media|group|online|digital|magazine|daily|times|post|journal|tribune|gazette|herald|network|channel|television|radio|tv|foundation|institute|university|council|committee|association|society|company|inc|llc|ltd|gmbh|corp|bureau|service|government|webmaster|webredaktion|presse|pressestelle|user|member|partner|sponsored|content|feeds?|rss|report|redazione|rédaction|redacción|officer|chief|director|brand|brandroom|studios?|sports|weekly|today|sentinel|inquirer|observer|guardian|telegraph|express|chronicle|examiner|courier|review|insider|reuters|editorial board|staff writer)\b`)
	reNotPersonRu  = regexp.MustCompile(`(?i)редакци|рэдакцы|министерств|міністэрств|пресс-служб|прэс-служб|агентств|агенцтв|служба|сайт`)
	reDomainLike   = regexp.MustCompile(`(?i)\.(com|net|org|co|info|io|news|tv|ru|by|de|uk)\b`)
	reAuthorClass  = regexp.MustCompile(`byline|(^|[\s_-])(author|authors|author-name|authorname|article-author|post-author|entry-author|writer|posted-by|postedby|journalist|reporter|autor|autoren|article__author|story-author|contributor|person_fio|creator)([\s_-]|$)`)
	reAuthorHref   = regexp.MustCompile(`(?i)/(author|authors|autor|autoren|writer|writers|journalist|journalists|reporter|people|person|profile|staff|contributors?|team)/`)
	reSourceLine   = regexp.MustCompile(`(?i)^\s*(?:source|sources|источник|крыніца|quelle|źródło|джерело)\s*:\s*(.{2,80})$`)
)

var nameParticles = map[string]bool{"van": true, "von": true, "de": true, "da": true, "der": true, "den": true, "del": true, "della": true, "di": true, "du": true, "dos": true, "das": true, "la": true, "le": true, "bin": true, "al": true, "ibn": true, "y": true, "zu": true, "ter": true, "ten": true, "st.": true, "el": true, "mc": true, "o'": true}

// cleanPersonName strips byline prefixes, roles and trailing noise from one
// name and reports whether what is left looks like a person's name.
func cleanPersonName(s string, structured bool) (string, bool) {
	s = collapse(s)
	s = reBylinePrefix.ReplaceAllString(s, "")
	s = reNameNoise.ReplaceAllString(s, "")
	s = strings.Trim(s, " ,.:;-–—|/*")
	if s == "" || runeLen(s) > 60 || runeLen(s) < 3 {
		return "", false
	}
	if agencyName(s) != "" || reNotPerson.MatchString(s) || reNotPersonRu.MatchString(s) {
		return "", false
	}
	if _, isDate := parseDateText(s, false); isDate {
		return "", false
	}
	words := strings.Fields(s)
	if len(words) > 5 || (len(words) == 1 && !structured) {
		return "", false
	}
	// Publications, not persons: "The Independent", "MLB.com", "WBEZ".
	if strings.EqualFold(words[0], "the") || reDomainLike.MatchString(s) || (len(words) == 1 && s == strings.ToUpper(s)) {
		return "", false
	}
	capital := 0
	for _, w := range words {
		r := []rune(w)
		if strings.ContainsAny(w, "0123456789@#/") {
			return "", false
		}
		if unicode.IsUpper(r[0]) {
			capital++
			continue
		}
		if !nameParticles[strings.ToLower(w)] {
			return "", false
		}
	}
	if capital == 0 {
		return "", false
	}
	// ALL-CAPS names are rewritten in title case only when nothing else
	// is lower case ("JOHN SMITH" → "John Smith").
	if s == strings.ToUpper(s) && len(words) > 1 {
		for i, w := range words {
			words[i] = titleWord(w)
		}
		s = strings.Join(words, " ")
	}
	return s, true
}

func titleWord(w string) string {
	r := []rune(strings.ToLower(w))
	if len(r) > 0 {
		r[0] = unicode.ToUpper(r[0])
	}
	return string(r)
}

// splitPersons splits a byline into names and sorts them into persons and
// agencies.
func splitPersons(s string, structured bool) (persons []string, agency string) {
	s = collapse(s)
	s = reBylinePrefix.ReplaceAllString(s, "")
	printed := func(x string) string { return strings.Trim(collapse(x), " ()[]/.,:;-–—|") }
	if a := agencyName(s); a != "" {
		return nil, printed(s)
	}
	for _, part := range reNameSplit.Split(s, -1) {
		if a := agencyName(part); a != "" {
			if agency == "" {
				agency = printed(part)
			}
			continue
		}
		// "JOHN O'CONNOR Associated Press": a person, then the agency.
		if words := strings.Fields(part); len(words) > 2 {
			for k := 3; k >= 1; k-- {
				if len(words)-k < 2 {
					continue
				}
				if a := agencyName(strings.Join(words[len(words)-k:], " ")); a != "" {
					if agency == "" {
						agency = printed(strings.Join(words[len(words)-k:], " "))
					}
					part = strings.Join(words[:len(words)-k], " ")
					break
				}
			}
		}
		if n, ok := cleanPersonName(part, structured); ok {
			persons = appendUnique(persons, n)
		}
	}
	return persons, agency
}

func appendUnique(list []string, s string) []string {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return list
		}
	}
	return append(list, s)
}

// extractAuthors fills Authors (persons) and Source (the agency or issuing
// organisation), each with its evidence.
func (d *doc) extractAuthors() {
	p := d.page
	setSource := func(s, ev string) {
		if p.Source == "" && s != "" {
			p.Source, p.SourceEvidence = s, ev
		}
	}
	// Profile selectors first.
	if d.profile != nil {
		if d.profile.Author != "" {
			for _, n := range d.profile.all(d.root, d.profile.Author) {
				t := textOf(n)
				if t == "" {
					t = attr(n, "title")
				}
				persons, agency := splitPersons(t, true)
				for _, x := range persons {
					p.Authors = appendUnique(p.Authors, x)
				}
				setSource(agency, "profile "+d.profile.Author)
			}
			if len(p.Authors) > 0 {
				p.AuthorEvidence = "profile " + d.profile.Author
			}
		}
		if d.profile.Source != "" {
			if n := d.profile.first(d.root, d.profile.Source); n != nil {
				t := textOf(n)
				if a := agencyName(t); a != "" {
					t = a
				}
				setSource(strings.TrimSpace(reBylinePrefix.ReplaceAllString(t, "")), "profile "+d.profile.Source)
			}
		}
	}
	if p.Dateline.Agency != "" {
		setSource(p.Dateline.Agency, "dateline")
	}
	if d.profile != nil && d.profile.Author != "" {
		d.sourceFromText(setSource)
		return
	}

	// JSON-LD.
	if a := d.ld.mainArticle(); a != nil && len(a.Authors) > 0 {
		var persons []string
		for _, au := range a.Authors {
			if agencyName(au.Name) != "" {
				setSource(au.Name, "json-ld author")
				continue
			}
			if au.Org {
				setSource(au.Name, "json-ld author organisation")
				continue
			}
			ps, ag := splitPersons(au.Name, true)
			setSource(ag, "json-ld author")
			for _, x := range ps {
				persons = appendUnique(persons, x)
			}
		}
		if len(persons) > 0 {
			p.Authors, p.AuthorEvidence = persons, "json-ld author"
		}
	}
	// <meta>.
	if len(p.Authors) == 0 {
		for _, k := range []string{"author", "article:author", "dc.creator", "dcterms.creator", "parsely-author", "sailthru.author", "byl", "citation_author", "twitter:creator:name", "cxenseparse:author", "og:article:author", "article.author", "dc.contributor"} {
			for _, v := range d.meta[k] {
				if strings.HasPrefix(v, "http") || strings.HasPrefix(v, "@") {
					continue
				}
				ps, ag := splitPersons(v, true)
				setSource(ag, "meta "+k)
				for _, x := range ps {
					p.Authors = appendUnique(p.Authors, x)
				}
			}
			if len(p.Authors) > 0 {
				p.AuthorEvidence = "meta " + k
				break
			}
		}
	}
	// The visible byline.
	if len(p.Authors) == 0 {
		persons, agency, ev := d.domByline()
		setSource(agency, ev)
		if len(persons) > 0 {
			p.Authors, p.AuthorEvidence = persons, ev
		}
	}
	// The publication's own name is not a person ("Perez Hilton" on
	// perezhilton.com).
	kept := p.Authors[:0]
	for _, a := range p.Authors {
		if d.namesSite(a) {
			setSource(a, "author names the site")
			continue
		}
		kept = append(kept, a)
	}
	p.Authors = kept
	if len(p.Authors) == 0 {
		p.Authors, p.AuthorEvidence = nil, ""
	}
	d.sourceFromText(setSource)
}

// namesSite reports whether name is the site's own name: og:site_name, the
// JSON-LD publisher or WebSite name, or the host's registered name.
func (d *doc) namesSite(name string) bool {
	c := compactName(name)
	if c == "" {
		return false
	}
	names := []string{d.siteName, d.ld.SiteName}
	if a := d.ld.mainArticle(); a != nil {
		names = append(names, a.Publisher)
	}
	if d.host != "" {
		labels := strings.Split(strings.TrimPrefix(d.host, "www."), ".")
		if len(labels) >= 2 {
			names = append(names, labels[len(labels)-2], strings.Join(labels[:len(labels)-1], "."))
		}
	}
	for _, n := range names {
		if n != "" && compactName(n) == c {
			return true
		}
	}
	return false
}

func compactName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// sourceFromText reads a "Source: X" line in the main content.
func (d *doc) sourceFromText(setSource func(string, string)) {
	if d.page.Source != "" || d.main == nil {
		return
	}
	walk(d.main, func(n *html.Node) bool {
		if d.page.Source != "" {
			return false
		}
		if n.Type == html.ElementNode && (n.DataAtom == atom.P || n.DataAtom == atom.Div || n.DataAtom == atom.Span || n.DataAtom == atom.Em || n.DataAtom == atom.I) {
			if t, short := shortText(n, 90); short {
				if m := reSourceLine.FindStringSubmatch(t); m != nil {
					src := strings.Trim(m[1], " .")
					if a := agencyName(src); a != "" {
						src = a
					}
					setSource(src, "source line")
					return false
				}
			}
		}
		return true
	})
}

// domByline finds the visible byline: rel=author and itemprop=author
// elements, elements whose class says byline or author, and short "By …"
// lines near the headline.
func (d *doc) domByline() (persons []string, agency, evidence string) {
	headTop := d.headlineBlock()
	scope := d.body
	var cands []*html.Node
	walk(scope, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) || d.isChrome(n) || n.DataAtom == atom.Aside || n.DataAtom == atom.Figure {
			return false
		}
		ip := strings.ToLower(attr(n, "itemprop"))
		rel := strings.ToLower(attr(n, "rel"))
		ci := classID(n)
		if ip == "author" || ip == "creator" || hasToken(rel, "author") || (ci != "" && reAuthorClass.MatchString(ci) && !strings.Contains(ci, "bio") && !strings.Contains(ci, "avatar") && !strings.Contains(ci, "image")) {
			cands = append(cands, n)
			return false
		}
		return true
	})
	near := func(n *html.Node) bool {
		return (headTop != nil && contains(headTop, n)) || (d.main != nil && contains(d.main, n))
	}
	// Prefer candidates near the headline or inside the main content.
	ordered := make([]*html.Node, 0, len(cands))
	for _, n := range cands {
		if near(n) {
			ordered = append(ordered, n)
		}
	}
	if len(ordered) == 0 && d.main == nil {
		ordered = cands
	}
	for _, n := range ordered {
		text := textOf(n)
		if title := collapse(attr(n, "title")); title != "" && (text == "" || fullerName(title, text)) {
			text = title // "A. Kovalenko" with title="Anna Kovalenko"
		}
		if text == "" {
			text = attr(n, "content")
		}
		if runeLen(text) > 200 {
			// A container: use its author links only.
			var ps []string
			for _, a := range findAll(n, func(c *html.Node) bool {
				return c.DataAtom == atom.A && (hasToken(strings.ToLower(attr(c, "rel")), "author") || reAuthorHref.MatchString(attr(c, "href")))
			}) {
				if name, ok := cleanPersonName(textOf(a), false); ok {
					ps = appendUnique(ps, name)
				}
			}
			if len(ps) > 0 {
				return ps, "", "author links"
			}
			continue
		}
		// Links to author pages name the persons exactly.
		var linked []string
		for _, a := range findAll(n, func(c *html.Node) bool { return c.DataAtom == atom.A }) {
			if name, ok := cleanPersonName(textOf(a), false); ok && (reAuthorHref.MatchString(attr(a, "href")) || hasToken(strings.ToLower(attr(a, "rel")), "author")) {
				linked = appendUnique(linked, name)
			}
		}
		if len(linked) > 0 {
			return linked, "", "byline links"
		}
		ps, ag := splitPersons(text, false)
		if len(ps) > 0 || ag != "" {
			return ps, ag, "byline " + describe(n)
		}
	}
	// "By Jane Doe" in a short block near the headline.
	if headTop != nil || d.main != nil {
		var found []string
		var ag string
		check := func(root *html.Node) {
			walk(root, func(n *html.Node) bool {
				if found != nil || ag != "" {
					return false
				}
				if n.Type != html.ElementNode || skipText(n) || n.DataAtom == atom.Figure {
					return n.Type != html.ElementNode
				}
				if n.DataAtom == atom.P || n.DataAtom == atom.Div || n.DataAtom == atom.Span || n.DataAtom == atom.Address {
					t := textOf(n)
					if runeLen(t) <= 80 && len(t) > 4 && strings.HasPrefix(strings.ToLower(t), "by ") {
						found, ag = splitPersons(t, false)
						return false
					}
				}
				return true
			})
		}
		if headTop != nil {
			check(headTop)
		}
		if found == nil && ag == "" && d.main != nil {
			check(d.main)
		}
		if len(found) > 0 || ag != "" {
			return found, ag, "\"By\" line"
		}
	}
	return nil, "", ""
}

// fullerName reports whether full is the same name as short written out
// ("Anna Kovalenko" for "A. Kovalenko"): same last word, longer.
func fullerName(full, short string) bool {
	fw, sw := strings.Fields(full), strings.Fields(short)
	if len(fw) == 0 || len(sw) == 0 || len(full) <= len(short) {
		return false
	}
	return strings.EqualFold(fw[len(fw)-1], sw[len(sw)-1])
}

// describe names an element for evidence: tag.class#id.
func describe(n *html.Node) string {
	s := n.Data
	if c := strings.Fields(attr(n, "class")); len(c) > 0 {
		s += "." + c[0]
	}
	if id := attr(n, "id"); id != "" {
		s += "#" + id
	}
	return s
}
