package extract

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract/internal/htmldate"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Evidence names recorded in archive.Date.Source.
const (
	DateFromProfile   = "profile"
	DateFromJSONLD    = "json-ld"
	DateFromMeta      = "meta"
	DateFromMicrodata = "microdata"
	DateFromTime      = "time"
	DateFromVisible   = "visible"
	DateFromDateline  = "dateline"
	DateFromURL       = "url"
	DateFromHTMLDate  = "htmldate" // go-htmldate's search of the whole page (not in high-precision mode)
)

var publishedMeta = []string{
	"article:published_time", "og:article:published_time", "article:published", "og:published_time", "published_time",
	"datepublished", "article.published", "publication_date", "publish-date", "publish_date", "publishdate", "pubdate",
	"dc.date.issued", "dcterms.issued", "dc.date.created", "dcterms.created", "dc.date", "dcterms.date", "dc.date.published",
	"citation_publication_date", "citation_date", "citation_online_date", "prism.publicationdate", "sailthru.date", "parsely-pub-date",
	"originalpublicationdate", "article_date_original", "rnews:datepublished", "date_published", "date", "displaydate",
	"cxenseparse:recs:publishtime", "bt:pubdate", "release_date", "og:pubdate", "created", "datecreated", "article:post_date",
}

var modifiedMeta = []string{
	"article:modified_time", "og:article:modified_time", "og:updated_time", "article:modified", "datemodified", "modified_time",
	"dc.date.modified", "dcterms.modified", "last-modified", "lastmod", "article.updated", "parsely-updated", "dateupdated", "updated_time",
}

var (
	reDateClass = regexp.MustCompile(`date|time|publish|posted|datum|dateline|timestamp|byline|meta|info|stamp|pub|when|calendar|created|updated|время|дата`)
	reURLDate   = regexp.MustCompile(`(?:^|[/_-])((?:19|20)\d\d)(?:[/_-]?(0[1-9]|1[0-2])[/_-]?(0[1-9]|[12]\d|3[01])|/([1-9])/([1-9]|[12]\d|3[01])|/(0[1-9]|1[0-2])/([1-9])|/([1-9])/(0[1-9]|[12]\d|3[01]))(?:[/_.-]|$)`)
	reModWords  = regexp.MustCompile(`(?i)updated|modified|last edited|aktualisiert|обновлено|изменено|абноўлена|stand|mis à jour|actualizado|aggiornato|zaktualizowano|bijgewerkt`)
	rePubWords  = regexp.MustCompile(`(?i)published|posted|veröffentlicht|опубликовано|апублікавана|erschienen|publié|publicado|pubblicato|opublikowano|gepubliceerd`)
)

// The ranks of the date sources. On the htmldate-eval development split a
// date printed near the headline and a full date in the URL were right more
// often (95–97 %) than JSON-LD or <meta> dates (87–89 %), which are often a
// template's or a later edit's: the printed date leads.
const (
	rankProfile         = 100
	rankURL             = 95
	rankVisibleNear     = 92 // a date-classed element in the headline's block
	rankVisibleHeadText = 91 // plain text in the headline's block
	rankVisibleMainHead = 90 // a date-classed element before the main text
	rankJSONLD          = 88
	rankMeta            = 85
	rankMicrodata       = 80
	rankTimePublished   = 75
	rankTimeNear        = 70
	rankTimeMain        = 60
	rankTimeElsewhere   = 45
	rankVisibleAnywhere = 40
	rankHTMLDate        = 10
)

// dateHints pre-filter reDateClass: a class or id holding none of them
// (hintedClassID) is not read further.
var dateHints = newSubstrings("date", "time", "publish", "posted", "datum", "stamp", "byline", "meta", "info", "pub", "when", "calendar", "created", "updated", "время", "дата")

type dateCand struct {
	d      parsedDate
	text   string // as printed
	source string
	rank   int
}

// extractDates fills the published and modified dates with their evidence.
// guess lets go-htmldate search the whole page when no other source gives
// a publication date (it is never asked in high-precision mode, nor for a
// decoded page, textLen bytes long, larger than go-trafilatura takes).
func (d *doc) extractDates(textLen int, guess bool) {
	p := d.page
	maxDate := d.now.Add(36 * time.Hour)
	ok := func(pd parsedDate) bool {
		if pd.Year == 0 {
			return false
		}
		// A date printed or declared on the page is kept even when it lies
		// in the future (a "future date" is a finding, not noise); only
		// go-htmldate's guess is bounded by the fetch time.
		return pd.Year >= 1995
	}
	var pub, mod []dateCand
	addPub := func(pd parsedDate, text, source string, rank int) {
		if ok(pd) {
			pub = append(pub, dateCand{pd, text, source, rank})
		}
	}
	addMod := func(pd parsedDate, text, source string, rank int) {
		if ok(pd) {
			mod = append(mod, dateCand{pd, text, source, rank})
		}
	}

	// Profile selector.
	if d.profile != nil && d.profile.Date != "" {
		if n := d.profile.first(d.root, d.profile.Date); n != nil {
			t := rawText(n)
			if pd, found := d.parseVisible(t); found {
				addPub(pd, pd.Match, DateFromProfile, rankProfile)
			} else if v := attr(n, "datetime"); v != "" {
				if pd, found := isoDatePart(v); found {
					addPub(pd, v, DateFromProfile, rankProfile)
				}
			}
		}
	}
	// JSON-LD.
	if a := d.ld.mainArticle(); a != nil {
		for _, v := range []string{a.DatePublished, a.DateCreated} {
			if pd, found := isoDatePart(v); found {
				addPub(pd, v, DateFromJSONLD, rankJSONLD)
				break
			}
		}
		if pd, found := isoDatePart(a.DateModified); found {
			addMod(pd, a.DateModified, DateFromJSONLD, rankJSONLD)
		}
	}
	// <meta>.
	for i, k := range publishedMeta {
		if v := d.metaFirst(k); v != "" {
			if pd, found := isoDatePart(v); found {
				addPub(pd, v, DateFromMeta, rankMeta-i/8)
				break
			}
		}
	}
	for _, k := range modifiedMeta {
		if v := d.metaFirst(k); v != "" {
			if pd, found := isoDatePart(v); found {
				addMod(pd, v, DateFromMeta, rankMeta)
				break
			}
		}
	}
	// Microdata and <time>, and visible dates near the headline. A
	// links-level extraction reads only whether there is a publication
	// date and its source (for the kind): the first publication date
	// printed near the headline, of the highest rank the visible dates
	// reach, ends the search (see visibleDates).
	visible := d.visibleDates(d.x.opts.LinksOnly)
	for _, v := range visible {
		switch {
		case v.modified:
			addMod(v.d, v.text, v.source, v.rank)
		default:
			addPub(v.d, v.text, v.source, v.rank)
		}
	}
	// The URL.
	if d.pageURL != nil {
		if m := reURLDate.FindStringSubmatch(d.pageURL.Path); m != nil {
			mo, da := m[2], m[3]
			for i := 4; i+1 < len(m) && mo == ""; i += 2 {
				mo, da = m[i], m[i+1]
			}
			y, _ := strconv.Atoi(m[1])
			mi, _ := strconv.Atoi(mo)
			di, _ := strconv.Atoi(da)
			if pd, found := isoDatePart(fmt.Sprintf("%04d-%02d-%02d", y, mi, di)); found {
				addPub(pd, m[0], DateFromURL, rankURL)
			}
		}
	}

	best := bestDate(pub)
	if best == nil && guess && !d.x.opts.HighPrecision && textLen <= maxTrafilaturaBytes {
		if pd, text, found := d.htmldateGuess(maxDate); found && ok(pd) {
			best = &dateCand{pd, text, DateFromHTMLDate, rankHTMLDate}
		}
	}
	if best != nil {
		d.localize(best)
		p.Published = d.toDate(*best, visible)
	}
	if m := bestDate(mod); m != nil && (best == nil || m.d.Value() != best.d.Value() || m.source != best.source) {
		if best == nil || m.d.Value() >= best.d.Value() {
			p.Modified = d.toDate(*m, visible)
		}
	}
	// A dateline day without a year takes the year of the published date.
	if p.Dateline.DateText != "" && p.Dateline.Date == "" {
		if dl, found := parseDateText(p.Dateline.DateText, true); found {
			// The latest such day on or before the publication date (or
			// the fetch time, if that is earlier): a dateline is never
			// written after the story is published or archived.
			year := 0
			if best != nil {
				ref := time.Date(best.d.Year, time.Month(best.d.Month), best.d.Day, 0, 0, 0, 0, time.UTC)
				if now := time.Date(d.now.Year(), d.now.Month(), d.now.Day(), 0, 0, 0, 0, time.UTC); now.Before(ref) {
					ref = now
				}
				ref = ref.AddDate(0, 0, 2)
				for y := ref.Year(); y >= ref.Year()-1; y-- {
					if validYMD(y, dl.Month, dl.Day) && !time.Date(y, time.Month(dl.Month), dl.Day, 0, 0, 0, 0, time.UTC).After(ref) {
						year = y
						break
					}
				}
			}
			if year > 0 && validYMD(year, dl.Month, dl.Day) {
				p.Dateline.Date = fmt.Sprintf("%04d-%02d-%02d", year, dl.Month, dl.Day)
			}
		}
	}
}

// localize moves a structured date-time stated in UTC to the newsroom's
// local date (the date printed on the page), when the page's region gives
// its time zone.
func (d *doc) localize(c *dateCand) {
	if !c.d.HasTime || c.d.Year == 0 || (c.d.Hour == 0 && c.d.Minute == 0) || !reUTCValue.MatchString(strings.TrimSpace(c.text)) {
		return
	}
	switch c.source {
	case DateFromJSONLD, DateFromMeta, DateFromMicrodata, DateFromTime:
	default:
		return
	}
	t := time.Date(c.d.Year, time.Month(c.d.Month), c.d.Day, c.d.Hour, c.d.Minute, 0, 0, time.UTC)
	off, ok := d.localOffset(t)
	if !ok || off == 0 {
		return
	}
	lt := t.Add(time.Duration(off) * time.Minute)
	c.d.Year, c.d.Month, c.d.Day, c.d.Hour, c.d.Minute = lt.Year(), int(lt.Month()), lt.Day(), lt.Hour(), lt.Minute()
}

// parseVisible parses a date printed on the page, reading an ambiguous
// slashed date day first unless the page is American English.
func (d *doc) parseVisible(s string) (parsedDate, bool) {
	return parseDate(s, false, !d.monthFirst())
}

// monthFirst reports whether the page is American English, whose dates read
// month first (10/12/20 is October 12).
func (d *doc) monthFirst() bool {
	if d.page.Lang != "" && d.page.Lang != "en" {
		return false
	}
	raw := strings.ToLower(strings.ReplaceAll(d.rawLang()+" "+d.metaFirst("og:locale"), "_", "-"))
	if strings.Contains(raw, "en-us") {
		return true
	}
	if strings.Contains(raw, "en-") {
		return false
	}
	tld := d.host[strings.LastIndexByte(d.host, '.')+1:]
	switch tld {
	case "com", "us", "org", "net", "edu", "gov", "":
		return true
	}
	return false
}

// bestDate returns the candidate of the highest rank (the first among
// equals).
func bestDate(cs []dateCand) *dateCand {
	var best *dateCand
	for i := range cs {
		if best == nil || cs[i].rank > best.rank {
			best = &cs[i]
		}
	}
	return best
}

// toDate turns a candidate into an archive.Date; a structured date takes
// the text printed on the page for the same day when there is one.
func (d *doc) toDate(c dateCand, visible []visibleDate) archive.Date {
	out := archive.Date{Value: c.d.Value(), Time: c.d.TimeText(), Text: c.text, Source: c.source}
	if c.source != DateFromVisible && c.source != DateFromProfile {
		for _, v := range visible {
			if v.source == DateFromVisible && v.d.Value() == out.Value {
				out.Text = v.text
				if out.Time == "" {
					out.Time = v.d.TimeText()
				}
				break
			}
		}
	}
	return out
}

type visibleDate struct {
	d        parsedDate
	text     string
	source   string
	rank     int
	modified bool
}

// visibleDates collects the dates of itemprop=datePublished/dateModified,
// <time> elements and short date-like elements, ranked by how close they
// stand to the headline and the main content.
//
// With firstNear, it stops at the first publication date (from 1995 on,
// as extractDates keeps them) of rankVisibleNear, the highest rank of a
// visible date, that its walk of the page finds: every later one ranks no
// higher, so that it stays the best of them (the first among equals), and
// the publication date that extractDates chooses is the same. Only the
// modified date and the printed text of the chosen date may then differ.
func (d *doc) visibleDates(firstNear bool) []visibleDate {
	var out []visibleDate
	headTop := d.headlineBlock()
	count := 0
	stop := false
	var firstLong *html.Node
	if d.main != nil {
		firstLong = findFirst(d.main, func(c *html.Node) bool { return c.DataAtom == atom.P && textLen(c) > 120 })
	}
	passedFirst := false
	walk(d.body, func(n *html.Node) bool {
		if count > 400 || stop {
			return false
		}
		if n == firstLong {
			passedFirst = true
		}
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) || n.DataAtom == atom.Aside || n.DataAtom == atom.Footer || d.regions[n]&(regionFoot|regionMenu) != 0 || n == d.calNode {
			return false
		}
		ip := strings.ToLower(attr(n, "itemprop"))
		ci := hintedClassID(n, dateHints) // classID(n) holding a hint, else ""
		dateItem := ip == "datepublished" || ip == "datecreated" || ip == "datemodified" || ip == "dateupdated"
		dateClass := ci != "" && reDateClass.MatchString(ci)
		if !dateItem && !dateClass && n.DataAtom != atom.Time {
			return true
		}
		near := headTop != nil && contains(headTop, n)
		inMain := d.main != nil && contains(d.main, n)
		inLink := n.DataAtom == atom.A || hasAncestor(n, func(a *html.Node) bool { return a.DataAtom == atom.A })
		switch {
		case dateItem:
			count++
			v := attr(n, "datetime")
			if v == "" {
				v = attr(n, "content")
			}
			pd, found := isoDatePart(v)
			text := rawText(n)
			if !found {
				pd, found = d.parseVisible(text)
			}
			if found {
				if text == "" {
					text = v
				}
				out = append(out, visibleDate{pd, text, DateFromMicrodata, rankMicrodata, ip == "datemodified" || ip == "dateupdated"})
			}
			return false
		case n.DataAtom == atom.Time:
			count++
			if inLink && !near {
				return false
			}
			v := attr(n, "datetime")
			text := rawText(n)
			pd, found := isoDatePart(v)
			if !found {
				pd, found = d.parseVisible(text)
			}
			if !found {
				return false
			}
			ci := classID(n) + " " + classID(n.Parent)
			rank := rankTimeElsewhere
			if hasAttr(n, "pubdate") || strings.Contains(ci, "publish") || strings.Contains(ci, "posted") || rePubWords.MatchString(textOf(n.Parent)) {
				rank = rankTimePublished
			} else if near {
				rank = rankTimeNear
			} else if inMain {
				rank = rankTimeMain
			}
			modified := strings.Contains(ci, "updat") || strings.Contains(ci, "modif") || reModWords.MatchString(truncateRunes(textOf(n.Parent), 80))
			if text == "" {
				text = v
			}
			out = append(out, visibleDate{pd, text, DateFromTime, rank, modified && !strings.Contains(ci, "publish")})
			return false
		}
		// Short elements whose class says date, near the headline or in the
		// main content's head.
		if !dateClass || inLink {
			return true
		}
		t := rawText(n)
		if t == "" || runeLen(t) > 120 {
			return true
		}
		count++
		pd, found := d.parseVisible(t)
		if !found {
			return true
		}
		rank := 0
		switch {
		case near:
			rank = rankVisibleNear
		case inMain && !passedFirst:
			rank = rankVisibleMainHead
		case d.headline == nil && d.main == nil:
			rank = rankVisibleAnywhere
		}
		if rank == 0 {
			return false
		}
		modified := reModWords.MatchString(t) && !rePubWords.MatchString(t)
		out = append(out, visibleDate{pd, pd.Match, DateFromVisible, rank, modified})
		stop = firstNear && rank == rankVisibleNear && !modified && pd.Year >= 1995
		return false
	})
	if stop {
		return out
	}
	// Short elements right before or after the headline ("3 Apr 2024" in
	// the page header, whatever their class).
	for _, n := range d.headlineNeighbours() {
		if d.asideOrChrome(n) {
			continue
		}
		t := rawText(n)
		if t == "" || runeLen(t) > 80 {
			continue
		}
		if pd, found := d.parseVisible(t); found {
			out = append(out, visibleDate{pd, pd.Match, DateFromVisible, rankVisibleNear, reModWords.MatchString(t) && !rePubWords.MatchString(t)})
		}
	}
	// A date printed as plain text right around the headline.
	if headTop != nil {
		walk(headTop, func(n *html.Node) bool {
			if n.Type == html.ElementNode && (skipText(n) || n.DataAtom == atom.A || n == d.headline || d.asideOrChrome(n)) {
				return false
			}
			if n.Type == html.TextNode {
				t := rawString(n.Data)
				if t != "" && runeLen(t) <= 80 {
					if pd, found := d.parseVisible(t); found {
						out = append(out, visibleDate{pd, pd.Match, DateFromVisible, rankVisibleHeadText, reModWords.MatchString(t) && !rePubWords.MatchString(t)})
					}
				}
			}
			return true
		})
	}
	return out
}

// asideOrChrome reports whether n is a sidebar (<aside>), a menu or the
// calendar widget: the "Today: 3 April 2024" of a sidebar widget next to a
// short page's heading is not the page's date. (An article's own <footer>
// often prints its date, so footers are not left out.)
func (d *doc) asideOrChrome(n *html.Node) bool {
	return n.DataAtom == atom.Aside || n == d.calNode || d.regions[n]&regionMenu != 0
}

// headlineNeighbours returns up to three element siblings before and after
// the headline (or after its wrapper, when the headline is alone in it).
func (d *doc) headlineNeighbours() []*html.Node {
	if d.headline == nil {
		return nil
	}
	h := d.headline
	for i := 0; i < 2 && h.Parent != nil && h.PrevSibling == nil && h.NextSibling == nil; i++ {
		h = h.Parent
	}
	var out []*html.Node
	for s, k := h.PrevSibling, 0; s != nil && k < 3; s = s.PrevSibling {
		if s.Type == html.ElementNode {
			out = append(out, s)
			k++
		}
	}
	for s, k := h.NextSibling, 0; s != nil && k < 3; s = s.NextSibling {
		if s.Type == html.ElementNode {
			out = append(out, s)
			k++
		}
	}
	return out
}

// headlineBlock returns the container around the headline (up to three
// levels up, while it stays small): where the date and byline usually are.
func (d *doc) headlineBlock() *html.Node {
	if d.headline == nil {
		return nil
	}
	if d.headBlock == nil {
		d.headBlock = d.headlineBlockUncached()
	}
	return d.headBlock
}

func (d *doc) headlineBlockUncached() *html.Node {
	n := d.headline
	for i := 0; i < 3 && n.Parent != nil && n.Parent.DataAtom != atom.Body; i++ {
		if textLen(n.Parent) > 600 {
			break
		}
		n = n.Parent
	}
	return n
}

// htmldateGuess asks go-htmldate (extensive mode) for the publication date.
func (d *doc) htmldateGuess(maxDate time.Time) (pd parsedDate, text string, found bool) {
	defer func() {
		if r := recover(); r != nil {
			d.page.Warnings = append(d.page.Warnings, fmt.Sprintf("date search failed: %v", r))
			found = false
		}
	}()
	opts := htmldate.Options{
		UseOriginalDate: true,
		MaxDate:         maxDate,
		MinDate:         time.Date(1995, 1, 1, 0, 0, 0, 0, time.UTC),
	}
	if d.pageURL != nil {
		opts.URL = d.pageURL.String()
	}
	res, err := htmldate.FromDocument(d.root, opts)
	if err != nil || res.DateTime.IsZero() {
		return parsedDate{}, "", false
	}
	t := res.DateTime
	return parsedDate{Year: t.Year(), Month: int(t.Month()), Day: t.Day()}, res.SrcString, true
}
