package portal

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
)

// image is one image of an article as rendered.
type articleImage struct {
	archive.Image
}

// bodyLink is one planted link in an article body.
type bodyLink struct {
	Href    string // as written; "{host}" replaced at render time
	Target  string // root-relative URL it resolves to ("" if none)
	Attr    string // href or onclick
	Text    string
	Reason  LinkReason
	Broken  bool
	Status  int
	Hops    int
	Onclick string // for onclick-only links, the handler
}

// article is everything the portal knows about one article: it is both
// rendered and reported in the manifest, so the two always agree.
type article struct {
	lang, i, id, slot int
	spec              special
	sec               int
	alias             int // section of the duplicate path, -1 if none
	date              time.Time
	newTpl            bool

	headline    string // as a reader sees it ("" if the page has no h1)
	h1          string // the h1 text including soft hyphens
	title       string // <title> text
	storyTitle  string // the story's own headline (slug source)
	byline      string
	authors     []string
	source      string
	dateline    archive.Dateline
	datelineOut string // the dateline as printed, with its trailing space
	images      []articleImage
	credit      string // the credit variant
	credits     []string
	creditLine  string // a visible credit line not bound to an image
	paras       []string
	published   archive.Date
	modified    archive.Date
	correction  string
	version     int
	editWhat    string
	langAttr    string
	charset     string
	decl        CharsetDecl
	headerCS    string
	metaCS      string
	defects     []Defect
	quirks      []Quirk
	links       []bodyLink
	crumbs      []archive.Crumb
	orphaned    bool
	multipleH1  bool
}

// path returns the canonical URL of article i in a language.
func (p *Portal) path(lang, i int) string {
	return p.pathIn(lang, i, p.sectionOf(lang, i))
}

// pathIn returns the URL of article i as if it were in section sec.
func (p *Portal) pathIn(lang, i, sec int) string {
	s := sections[sec]
	h := p.storyHeadline(lang, i)
	id := p.articleID(lang, i)
	if s.Photo {
		return fmt.Sprintf("/%s/%s/%s/%s------_i_%d.html", langs[lang], s.Section, s.Sub, slugify(h, false), id)
	}
	return fmt.Sprintf("/%s/%s/%s/%s_i_%010d.html", langs[lang], s.Section, s.Sub, slugify(h, true), id)
}

// aliasSection returns the section a story is duplicated under, or -1.
func (p *Portal) aliasSection(lang, i int) int {
	if p.sectionOf(lang, i) == secEvents && p.hash(uint64(i), 17)%4 == 0 {
		return secNews
	}
	return -1
}

// printPath returns the print version's URL.
func (p *Portal) printPath(lang, i int) string {
	return fmt.Sprintf("/%s/print/%d", langs[lang], p.articleID(lang, i))
}

// oldPath returns the president.gov.by-style old URL (two redirects to the
// article), eventsPath the new-layout URL (one redirect) and goPath the
// short link (three redirects).
func (p *Portal) oldPath(lang, i int) string {
	return fmt.Sprintf("/%s/news_%s/view/%s-%d/", langs[lang], langs[lang], slugify(p.storyHeadline(lang, i), true), 20000+i)
}

func (p *Portal) eventsPath(lang, i int) string {
	return fmt.Sprintf("/%s/events/%s-%d", langs[lang], slugify(p.storyHeadline(lang, i), true), p.articleDate(i).Unix())
}

func (p *Portal) goPath(lang, i int) string {
	return fmt.Sprintf("/%s/go/%d", langs[lang], p.articleID(lang, i))
}

// gonePath returns the URL of a deleted article (410).
func (p *Portal) gonePath(lang, i int) string {
	return fmt.Sprintf("/%s/press-center/news/%s_i_%010d.html", langs[lang], slugify(p.storyHeadline(lang, i), true)+"-archive", p.idBase+i*4+3)
}

// pdfPath is the only PDF of the portal.
const pdfPath = "/en/documents/annual-report-2023.pdf"

// loopA and loopB redirect to each other.
const (
	loopA = "/old-archive/index.php"
	loopB = "/old-archive/"
)

// formatPublished renders the printed date of an article.
func formatPublished(lang int, t time.Time, newTpl bool) archive.Date {
	d := archive.Date{Value: isoDate(t)}
	if newTpl {
		d.Time = t.Format("15:04")
		d.Source = "time"
		switch lang {
		case 0:
			d.Text = fmt.Sprintf("%d %s %d, %s", t.Day(), monthEN[t.Month()-1], t.Year(), d.Time)
		default:
			d.Text = fmt.Sprintf("%d %s %d года, %s", t.Day(), monthGen(lang, t.Month()), t.Year(), d.Time)
		}
		return d
	}
	d.Source = "visible"
	switch lang {
	case 0:
		d.Text = fmt.Sprintf("%d %s %d", t.Day(), monthENShort[t.Month()-1], t.Year())
	default:
		d.Time = t.Format("15:04")
		d.Text = fmt.Sprintf("%02d\u00a0%s %d, %s", t.Day(), monthGen(lang, t.Month()), t.Year(), d.Time)
	}
	return d
}

// datelineDate renders "3 April" (en), "3 апреля" (ru, be) or, TASS style,
// "April 3".
func datelineDate(lang int, t time.Time, tass bool) string {
	if tass && lang == 0 {
		return fmt.Sprintf("%s %d", monthEN[t.Month()-1], t.Day())
	}
	return fmt.Sprintf("%d %s", t.Day(), monthGen(lang, t.Month()))
}

// article builds article i of a language as it stands on the portal's Day.
func (p *Portal) article(lang, i int) *article {
	a := &article{lang: lang, i: i, id: p.articleID(lang, i), slot: p.slotOf(lang, i), spec: p.specialOf(lang, i)}
	a.sec = p.sectionOf(lang, i)
	a.alias = p.aliasSection(lang, i)
	a.date = p.articleDate(i)
	a.newTpl = p.isNewTemplate(a.date)
	l := langs[lang]
	sec := sections[a.sec]
	h := p.hash(uint64(lang), uint64(i), 21)

	a.storyTitle = p.storyHeadline(lang, i)
	a.headline = a.storyTitle
	if a.slot == slotDuplicateHeadline && i >= dupHeadlineShift {
		a.headline = p.storyHeadline(lang, i-dupHeadlineShift)
		a.defects = append(a.defects, DefectDuplicateHeadline)
	}
	if a.slot == slotFutureDate && i+dupHeadlineShift < p.total() {
		a.defects = append(a.defects, DefectDuplicateHeadline)
	}

	// The timeline: silent edits, corrections, removals, orphans.
	f := p.fates[fateKey(lang, i)]
	if f.editDay > 0 {
		a.version = 1
		a.editWhat = f.editWhat
		a.quirks = append(a.quirks, QuirkEdited)
		if f.editWhat == "headline" {
			a.headline += editSuffix[lang]
		}
	}
	a.orphaned = f.orphanDay > 0
	if a.orphaned {
		a.quirks = append(a.quirks, QuirkOrphaned)
	}

	// Dates.
	pub := a.date
	if a.slot == slotFutureDate {
		// A date in May after the portal's today: it moves a year later
		// every 365 days, so it stays in the future on any Day.
		pub = time.Date(2025+p.cfg.Day/365, time.May, 8+i%10, a.date.Hour(), a.date.Minute(), 0, 0, minsk)
		a.defects = append(a.defects, DefectFutureDate)
	}
	a.published = formatPublished(lang, pub, a.newTpl)
	if f.correctDay > 0 {
		mt := baseDate.AddDate(0, 0, f.correctDay)
		mt = time.Date(mt.Year(), mt.Month(), mt.Day(), 10, 15, 0, 0, minsk)
		a.modified = formatPublished(lang, mt, true)
		a.modified.Source = "visible"
		a.correction = correctionNote[lang]
		a.quirks = append(a.quirks, QuirkCorrected)
	}

	// Headline quirks.
	a.h1 = a.headline
	switch a.slot {
	case slotSoftHyphen:
		a.h1 = softHyphenate(a.headline)
		a.quirks = append(a.quirks, QuirkSoftHyphens)
	case slotTimeInH1:
		a.quirks = append(a.quirks, QuirkTimeInH1)
	case slotMissingHeadline:
		a.headline, a.h1 = "", ""
		a.defects = append(a.defects, DefectMissingHeadline)
	case slotMultipleH1:
		a.multipleH1 = true
		a.defects = append(a.defects, DefectMultipleH1)
	}
	a.title = a.storyTitle
	if a.headline != "" {
		a.title = a.headline
	}
	a.title += " | " + siteTitle[lang]
	if a.spec == specHostileTitle {
		a.title = a.headline + ` </script><script>alert("title")</script>` + " | " + siteTitle[lang]
		a.quirks = append(a.quirks, QuirkHostileTitle)
	}

	// Attribution and dateline.
	person := persons[h%uint64(len(persons))][lang]
	city := cities[int(h>>8%uint64(firstForeignCity))][lang]
	a.byline, a.source = "agency", agency[lang]
	dlDate := a.date
	dash := "-"
	tass := false
	lead := ""
	switch a.slot {
	case slotPersonPhotoBy, slotSoftHyphen:
		a.byline, a.authors = "person", []string{person}
	case slotAgencyGallery, slotForeign:
		dash = "–"
	case slotFIO:
		a.byline, a.authors = "person-fio", []string{person}
		lead = "\u00a0"
		a.quirks = append(a.quirks, QuirkLeadingNbsp, QuirkPersonFIO)
	case slotTASS:
		a.byline, a.authors = "person", []string{person}
		tass = true
		a.quirks = append(a.quirks, QuirkTASSDateline)
	case slotRelease:
		a.byline, a.source = "agency", releaseSource[lang]
	case slotMissingByline:
		a.byline, a.source = "none", ""
		a.defects = append(a.defects, DefectMissingByline)
	case slotEmptyByline:
		a.byline = "empty"
		a.defects = append(a.defects, DefectEmptyByline)
	case slotDatelineMismatch:
		dlDate = a.date.AddDate(0, 0, 1)
		a.defects = append(a.defects, DefectDatelineDateMismatch)
	}
	if a.byline == "agency" {
		a.quirks = append(a.quirks, QuirkAgencyOnly)
	}
	if a.slot == slotForeign {
		city = cities[firstForeignCity+int(h>>16%uint64(len(cities)-firstForeignCity))][lang]
		a.quirks = append(a.quirks, QuirkForeignDateline)
	}
	if lang != 0 && dash == "-" {
		dash = "–" // Russian and Belarusian wire copy uses the en dash
	}
	switch {
	case a.source == "" || a.slot == slotRelease:
	case tass:
		place := "MOSCOW"
		if lang != 0 {
			place = "МОСКВА"
		}
		dt := datelineDate(lang, dlDate, true)
		a.dateline = archive.Dateline{Raw: place + ", " + dt + ". /TASS/.", Place: place, DateText: dt, Date: isoDate(dlDate), Agency: "TASS", Dash: "/."}
		a.source = "TASS"
		a.datelineOut = a.dateline.Raw + " "
	default:
		dt := datelineDate(lang, dlDate, false)
		raw := fmt.Sprintf("%s, %s (%s) %s", city, dt, agency[lang], dash)
		a.dateline = archive.Dateline{Raw: raw, Place: city, DateText: dt, Date: isoDate(dlDate), Agency: agency[lang], Dash: dash}
		a.datelineOut = lead + raw + " "
	}

	// Body.
	_, ctry, topic, _, _ := p.storyParts(i)
	c := countries[ctry]
	nom, gen := c.EN, c.EN
	switch lang {
	case 1:
		nom, gen = c.RUNom, c.RUGen
	case 2:
		nom, gen = c.BENom, c.BEGen
	}
	n := 3 + int(h>>24%3)
	first := int(h >> 32 % uint64(len(bodySentences)))
	for k := 0; k < n; k++ {
		s := bodySentences[(first+2*k)%len(bodySentences)][lang]
		t := bodySentences[(first+2*k+1)%len(bodySentences)][lang]
		num := 3 + int(p.hash(uint64(i), uint64(k))%27)
		a.paras = append(a.paras, fill(s, nom, gen, topics[topic][lang], num)+" "+fill(t, nom, gen, topics[topic][lang], num))
	}
	if a.version > 0 && a.editWhat == "body" {
		a.paras[1] = editedSentences[i%len(editedSentences)][lang] + " " + a.paras[1]
	}
	if a.slot == slotPlaceholder {
		a.defects = append(a.defects, DefectPlaceholderText)
		if (i/slots)%2 == 0 {
			a.paras[len(a.paras)-1] = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."
		} else {
			a.paras = append(a.paras, "TODO: insert the minister's quote here")
		}
	}
	if a.spec == specLarge {
		a.quirks = append(a.quirks, QuirkLarge)
	}

	// Images and credits.
	photog := photographers[int(h>>48%uint64(len(photographers)))][lang]
	nImages := 1
	if sec.Photo {
		nImages = 4 + int(h>>52%3)
	}
	a.credit = "photo-by"
	creditText := creditPhotoBy[lang] + photog
	switch a.slot {
	case slotAgencyGallery:
		a.credit, creditText = "photos-by", creditPhotosBy[lang]+photog
		if nImages < 2 {
			nImages = 2
		}
	case slotFIO, slotTimeInH1:
		a.credit, creditText = "photo-colon", creditPhotoColon[lang]+photog
	case slotForeign:
		a.credit, creditText = "foto-belta", creditPhotoColon[lang]+agency[lang]
		photog = agency[lang]
	case slotTASS:
		a.credit = "foto-name-belta"
		photog = photographers[2][lang]
		creditText = creditNameAgency[lang]
	case slotMissingCredit:
		a.credit, creditText = "none", ""
		a.defects = append(a.defects, DefectMissingCredit)
	case slotCreditAltOnly:
		a.credit = "alt-only"
		a.defects = append(a.defects, DefectCreditAltOnly)
	case slotCreditNoImage:
		a.credit, nImages = "no-image", 0
		a.defects = append(a.defects, DefectCreditWithoutImage)
	}
	if sec.Photo && a.credit == "photo-by" {
		a.credit, creditText = "photos-by", creditPhotosBy[lang]+photog
	}
	for k := 0; k < nImages; k++ {
		img := articleImage{Image: archive.Image{Src: fmt.Sprintf("/images/%d-%d.jpg", a.id, k+1), Alt: a.storyTitle, Caption: a.storyTitle}}
		if k > 0 {
			img.Caption = fmt.Sprintf("%s (%d)", a.storyTitle, k+1)
			img.Alt = img.Caption
		}
		switch a.credit {
		case "none":
		case "alt-only":
			img.Alt += ". " + creditText
			img.Caption = ""
			img.Credit, img.CreditText, img.CreditSource = photog, creditText, "alt"
		case "photos-by":
			img.Credit, img.CreditText, img.CreditSource = photog, creditText, "gallery"
		default:
			src := "caption"
			if a.newTpl {
				src = "figcaption"
			}
			img.Credit, img.CreditText, img.CreditSource = photog, creditText, src
		}
		a.images = append(a.images, img)
	}
	if a.credit == "no-image" {
		a.creditLine = creditText
	}
	if creditText != "" {
		a.credits = []string{creditText}
	}
	if a.spec == specHostileOnerr {
		a.quirks = append(a.quirks, QuirkHostileOnerror)
	}
	if a.spec == specHostileScript {
		a.quirks = append(a.quirks, QuirkHostileScript)
	}
	if nImages > 0 && a.credit != "alt-only" && a.credit != "none" && !sec.Photo {
		a.quirks = append(a.quirks, QuirkHeadlineCaption)
	}

	// Breadcrumbs.
	crumbSec := a.sec
	if a.slot == slotBreadcrumb {
		crumbSec = (a.sec + 1) % len(sections)
		if crumbSec == secPhoto {
			crumbSec = secEvents
		}
		a.defects = append(a.defects, DefectBreadcrumbMismatch)
	}
	cs := sections[crumbSec]
	a.crumbs = []archive.Crumb{
		{Text: ui[lang].Home, URL: "/" + l + "/"},
		{Text: cs.Name[lang], URL: fmt.Sprintf("/%s/%s/%s/", l, cs.Section, sectionFirstSub(crumbSec))},
		{Text: cs.SubName[lang], URL: fmt.Sprintf("/%s/%s/%s/", l, cs.Section, cs.Sub)},
	}

	// Language attribute and charset.
	a.langAttr = l
	switch a.slot {
	case slotLangMissing:
		a.langAttr = ""
		a.defects = append(a.defects, DefectLangMissing)
	case slotLangWrong:
		a.langAttr = langs[(lang+1)%3]
		a.defects = append(a.defects, DefectLangWrong)
	}
	a.charset, a.decl, a.headerCS, a.metaCS = p.charsetOf(lang, i, a.spec)
	switch a.decl {
	case DeclNone:
		a.defects = append(a.defects, DefectCharsetMissing)
	case DeclWrong:
		a.defects = append(a.defects, DefectCharsetWrong)
	case DeclConflict:
		a.defects = append(a.defects, DefectCharsetConflict)
	}
	if a.charset == "windows-1251" {
		a.quirks = append(a.quirks, QuirkCharset1251)
	}
	if a.spec == specGzip {
		a.quirks = append(a.quirks, QuirkGzip)
	}
	if a.newTpl {
		a.quirks = append(a.quirks, QuirkTemplateNew, QuirkJSONLD, QuirkCanonicalTag)
	} else {
		a.quirks = append(a.quirks, QuirkTemplateOld)
	}
	if sec.Photo {
		a.quirks = append(a.quirks, QuirkUnpaddedID, QuirkPunctuationDashes)
	}
	a.links = p.bodyLinks(a)
	return a
}

// fill expands a sentence template: %[1]s country, %[2]s country in the
// genitive, %[3]s topic, %[4]d a number, %% a percent sign. Unlike
// fmt.Sprintf it does not complain about arguments a template leaves out.
func fill(tmpl, nom, gen, topic string, num int) string {
	var b strings.Builder
	b.Grow(len(tmpl) + len(topic) + len(nom))
	for k := 0; k < len(tmpl); k++ {
		c := tmpl[k]
		if c != '%' || k+1 >= len(tmpl) {
			b.WriteByte(c)
			continue
		}
		if tmpl[k+1] == '%' {
			b.WriteByte('%')
			k++
			continue
		}
		if k+4 < len(tmpl) && tmpl[k+1] == '[' && tmpl[k+3] == ']' {
			switch tmpl[k+2] {
			case '1':
				b.WriteString(nom)
			case '2':
				b.WriteString(gen)
			case '3':
				b.WriteString(topic)
			case '4':
				b.WriteString(strconv.Itoa(num))
			}
			k += 4
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// sectionFirstSub returns the sub-section a section's crumb links to.
func sectionFirstSub(sec int) string {
	if sections[sec].Section == "government" {
		return "events"
	}
	return "news"
}

// softHyphenate puts U+00AD into the long words of s.
func softHyphenate(s string) string {
	words := strings.Split(s, " ")
	for k, w := range words {
		r := []rune(w)
		if len(r) > 8 {
			words[k] = string(r[:len(r)/2]) + "\u00ad" + string(r[len(r)/2:])
		}
	}
	return strings.Join(words, " ")
}

// charsetOf decides the encoding of article i and how it is declared.
func (p *Portal) charsetOf(lang, i int, spec special) (cs string, decl CharsetDecl, header, meta string) {
	const u, w = "utf-8", "windows-1251"
	switch spec {
	case specUTF8None:
		return u, DeclNone, "", ""
	case specCP1251None:
		return w, DeclNone, "", ""
	case specWrongMeta:
		return u, DeclWrong, "", w
	case specConflict:
		return w, DeclConflict, w, u
	case specHeaderWrong:
		return w, DeclWrong, u, ""
	}
	h := p.hash(uint64(lang), uint64(i), 13) % 10
	if lang == 0 {
		if h == 0 {
			return u, DeclHeader, u, ""
		}
		return u, DeclBoth, u, u
	}
	switch h {
	case 0, 1, 2:
		return w, DeclBoth, w, w
	case 3:
		return w, DeclHeader, w, ""
	case 4:
		return w, DeclMeta, "", w
	case 5:
		return u, DeclHeader, u, ""
	}
	return u, DeclBoth, u, u
}

// neighbour returns an article index near i to link to (the previous
// story, or the next one for the first).
func (p *Portal) neighbour(i, k int) int {
	if i-k >= 0 {
		return i - k
	}
	return i + k
}

// bodyLinks plants the links of an article's body.
func (p *Portal) bodyLinks(a *article) []bodyLink {
	l := langs[a.lang]
	j := p.neighbour(a.i, 1)
	target := p.path(a.lang, j)
	txt := p.storyHeadline(a.lang, j)
	var out []bodyLink
	add := func(b bodyLink) {
		// A target removed on a later day turns any working link broken.
		if b.Target != "" && !b.Broken && b.Reason != LinkGone {
			if _, jj, ok := p.parseArticleTarget(b.Target); ok {
				if st := p.fates[fateKey(a.lang, jj)].removedStatus; st != 0 {
					b.Reason, b.Status = LinkRemoved, st
					b.Broken = st != 301
					if st == 301 {
						b.Hops, b.Status = 1, 200 // redirected to the home page
					}
				}
			}
		}
		out = append(out, b)
	}
	switch a.slot {
	case slotBrokenLinks:
		other := (a.lang + 1) % 3
		cross := strings.Replace(p.path(other, j), "/"+langs[other]+"/", "/"+l+"/", 1)
		add(bodyLink{Href: cross, Target: cross, Attr: "href", Text: txt, Reason: LinkCrossLanguageSlug, Broken: true, Status: 404})
		gone := p.gonePath(a.lang, a.i)
		add(bodyLink{Href: gone, Target: gone, Attr: "href", Text: p.storyHeadline(a.lang, a.i) + " (archive)", Reason: LinkGone, Broken: true, Status: 410})
		wrongSub := "../news/"
		if sections[a.sec].Section == "press-center" {
			wrongSub = "../events/"
		}
		base := p.path(a.lang, a.i)
		rel := wrongSub + lastSegment(target)
		add(bodyLink{Href: rel, Target: resolveRel(base, rel), Attr: "href", Text: txt, Reason: LinkWrongSection, Broken: true, Status: 404})
		add(bodyLink{Href: "", Target: base, Attr: "href", Text: readMore[a.lang], Reason: LinkEmptyHref})
		add(bodyLink{Href: "javascript:void(0)", Attr: "href", Text: ui[a.lang].Print, Reason: LinkJavascript, Broken: true})
		add(bodyLink{Href: "http:/{host}" + target, Attr: "href", Text: txt, Reason: LinkMalformed, Broken: true})
		typo := strings.Replace(target, "_i_", "_i__", 1)
		add(bodyLink{Href: typo, Target: typo, Attr: "href", Text: txt, Reason: LinkNotFound, Broken: true, Status: 404})
	case slotOddLinks:
		add(bodyLink{Href: p.eventsPath(a.lang, j), Target: target, Attr: "href", Text: txt, Reason: LinkRedirect, Hops: 1, Status: 200})
		add(bodyLink{Href: p.oldPath(a.lang, j), Target: target, Attr: "href", Text: txt, Reason: LinkRedirect, Hops: 2, Status: 200})
		add(bodyLink{Href: p.goPath(a.lang, j), Target: target, Attr: "href", Text: txt, Reason: LinkRedirectChain, Hops: redirectHops, Status: 200})
		add(bodyLink{Href: loopA, Target: loopA, Attr: "href", Text: ui[a.lang].Archive, Reason: LinkRedirectLoop, Broken: true})
		add(bodyLink{Href: "http://{host}" + target, Target: target, Attr: "href", Text: txt, Reason: LinkInsecure, Status: 200})
		add(bodyLink{Href: p.printPath(a.lang, j), Target: p.printPath(a.lang, j), Attr: "href", Text: txt, Reason: LinkDuplicate, Status: 200})
		utm := target + "?utm_source=portal&utm_medium=article"
		add(bodyLink{Href: utm, Target: utm, Attr: "href", Text: txt, Reason: LinkDuplicate, Status: 200})
		add(bodyLink{Href: target + "#comments", Target: target, Attr: "href", Text: txt, Reason: LinkMissingFragment, Broken: true, Status: 200})
		onclick := fmt.Sprintf("window.location='%s'; return false;", target)
		add(bodyLink{Href: onclick, Target: target, Attr: "onclick", Text: txt, Reason: LinkOnclickOnly, Onclick: onclick, Status: 200})
		s := sections[p.sectionOf(a.lang, j)]
		noSlash := fmt.Sprintf("/%s/%s/%s", l, s.Section, s.Sub)
		add(bodyLink{Href: noSlash, Target: noSlash + "/", Attr: "href", Text: s.SubName[a.lang], Reason: LinkTrailingSlash, Hops: 1, Status: 200})
		add(bodyLink{Href: pdfPath, Target: pdfPath, Attr: "href", Text: pdfTitle[a.lang], Reason: LinkPDF, Status: 200})
	default:
		if a.slot < numCleanSlots || a.i%3 == 0 {
			add(bodyLink{Href: target, Target: target, Attr: "href", Text: txt, Reason: LinkOK, Status: 200})
		}
	}
	return out
}

// lastSegment returns the part of a path after its last slash.
func lastSegment(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// resolveRel resolves a "../x/y" reference against a root-relative base.
func resolveRel(base, rel string) string {
	dir := base[:strings.LastIndexByte(base, '/')]
	for strings.HasPrefix(rel, "../") {
		rel = rel[3:]
		dir = dir[:strings.LastIndexByte(dir, '/')]
	}
	return dir + "/" + rel
}

// Fixed phrases.
var (
	editSuffix       = [3]string{": details", ": подробности", ": падрабязнасці"}
	correctionNote   = [3]string{"Correction: an earlier version of this article misstated the number of documents signed.", "Исправление: в предыдущей версии материала было неверно указано число подписанных документов.", "Выпраўленне: у папярэдняй версіі матэрыялу была няправільна пазначана колькасць падпісаных дакументаў."}
	releaseSource    = [3]string{"Press Service of the Council of Ministers", "Пресс-служба Совета Министров", "Прэс-служба Савета Міністраў"}
	creditPhotoBy    = [3]string{"Photo by ", "Автор фото: ", "Аўтар фота: "}
	creditPhotosBy   = [3]string{"Photos by ", "Фотографии: ", "Фотаздымкі: "}
	creditPhotoColon = [3]string{"Photo: ", "Фото: ", "Фота: "}
	creditNameAgency = [3]string{"Photo by Maxim Guchek, BelTA", "Фото М. Гучека. БЕЛТА", "Фота М. Гучака. БЕЛТА"}
	readMore         = [3]string{"Read more", "Подробнее", "Падрабязней"}
	pdfTitle         = [3]string{"Annual report 2023 (PDF)", "Годовой отчет за 2023 год (PDF)", "Гадавая справаздача за 2023 год (PDF)"}
)
