package extract

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/fold"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	reLangRoot     = regexp.MustCompile(`^/(?:[a-z]{2}(?:-[a-z]{2})?/?)?(?:index\.(?:html?|php|aspx?))?$`)
	reDayPath      = regexp.MustCompile(`(?i)(/by-date/\d{1,2}\.\d{1,2}\.\d{4}/?$)|(/(?:19|20)\d\d/\d{1,2}/\d{1,2}/?$)|(/archive/(?:19|20)\d\d-\d{1,2}-\d{1,2}/?$)`)
	reMonthPath    = regexp.MustCompile(`(?i)(/(?:19|20)\d\d/\d{1,2}/?$)|(/archive/(?:19|20)\d\d-\d{1,2}/?$)`)
	reListingPath  = regexp.MustCompile(`(?i)(/page/\d+/?$)|(/(news|all_news|archive|events|press-center|press-release|photo|category|tag|tags|section|rubric|topics?|speeches-and-interviews)/?$)|(/[a-z_-]*news[a-z_-]*\.html?$)`)
	reArticlePath  = regexp.MustCompile(`(?i)\d{3,}[^/]*\.(html?|php|aspx?)$|/\d{4,}/?$`)
	reListingQuery = regexp.MustCompile(`(?i)[?&](page|start|p|pg|paged)=\d+`)
	reSidebar      = regexp.MustCompile(`(?i)(^|[\s_-])(sidebar|side-bar|aside|widget|widgets|rightcol|leftcol|right-col|left-col|column-right|column-left)([\s_-]|$)`)
)

// noNews finds, in any case, a phrase saying that a page has no news: it
// matches as the regular expression
// (?i)no news|no articles|nothing found|no results|нет новостей|новостей нет|няма навін|навін няма|ничего не найдено
// does, which cost a quarter of a links-level extraction.
var noNews = fold.Of(noNewsOf...)

// noNewsOf are the phrases of noNews.
var noNewsOf = []string{"no news", "no articles", "nothing found", "no results", "нет новостей", "новостей нет", "няма навін", "навін няма", "ничего не найдено"}

// foldOnlyRunes are, UTF-8 encoded, the runes that match a rune of a
// noNews phrase under simple case folding but do not lower-case to it (ſ
// for s, ᲂ for о; built once, read only). A text without any of them
// holds a noNews phrase only where its lower-cased text holds the phrase,
// which noNewsPhrases finds (noNewsList has every phrase of noNewsOf).
var foldOnlyRunes = func() []string {
	var out []string
	for _, phrase := range noNewsOf {
		for _, p := range phrase {
			for f := unicode.SimpleFold(p); f != p; f = unicode.SimpleFold(f) {
				if unicode.ToLower(f) != p && !slices.Contains(out, string(f)) {
					out = append(out, string(f))
				}
			}
		}
	}
	return out
}()

// hasFoldOnlyRune reports whether text holds one of foldOnlyRunes.
func hasFoldOnlyRune(text string) bool {
	for _, r := range foldOnlyRunes {
		if strings.Contains(text, r) {
			return true
		}
	}
	return false
}

// classify decides the kind of page and says why. Each case tests the
// cheap conditions (the count of words, which most cases read, and the
// title) before the steps that a links-level extraction runs only on
// demand (the dateline, the headline, the dates): their order does not
// change the decision, only how often those steps run. The count of item
// links, too, is read only by the cases that reach it (a home page, a day
// archive, a calendar or a JSON-LD article never do).
func (d *doc) classify() {
	p := d.page
	path, query := "", ""
	if d.pageURL != nil {
		path, query = d.pageURL.Path, d.pageURL.RawQuery
	}
	set := func(k archive.PageKind, why string, args ...any) {
		p.Kind, p.KindEvidence = k, fmt.Sprintf(why, args...)
	}
	if d.profile != nil {
		for _, rule := range d.profile.Kinds {
			if rule.re != nil && d.pageURL != nil && rule.re.MatchString(d.pageURL.RequestURI()) {
				set(archive.PageKind(rule.Kind), "profile: URL matches %q", rule.URL)
				return
			}
		}
	}
	ldType := ""
	if a := d.ld.mainArticle(); a != nil {
		ldType = a.Type
	}
	ogType := strings.ToLower(d.metaFirst("og:type"))
	articleSignal := ldType != "" && ldType != "WebPage" && ldType != "ItemPage" && ldType != "AboutPage"
	// The count of item links is read only by the cases that reach it.
	listCount := -1
	listLinks := func() int {
		if listCount < 0 {
			listCount = d.listingLinks()
		}
		return listCount
	}
	_, hasDay := dayQ("?" + query)
	_, hasMonth := monthQ("?" + query)
	dayQuery := hasDay && hasMonth

	switch {
	case d.pageURL != nil && reLangRoot.MatchString(path) && query == "":
		set(archive.KindHome, "URL path %q is the site's (or a language's) root", path)
	case dayQuery || endsInDigit(path) && reDayPath.MatchString(path):
		set(archive.KindDayArchive, "URL names a day (%s)", strings.TrimPrefix(path+"?"+query, "?"))
		if d.bodySaysNoNews() {
			p.KindEvidence += "; the page says there is no news"
		}
	case p.Calendar != nil && (hasMonth || endsInDigit(path) && reMonthPath.MatchString(path)) && !articleSignal:
		set(archive.KindCalendar, "archive calendar for %s and a URL naming a month", p.Calendar.Month)
	case articleSignal && ldType != "WebPage":
		set(archive.KindArticle, "JSON-LD @type %s", ldType)
	case ogType == "article" && d.mainWords() >= 60:
		set(archive.KindArticle, "og:type article and %d words of main content", d.mainWords())
	case (reListingPath.MatchString(path) || (reListingQuery.MatchString("?"+query) && !reArticlePath.MatchString(path))) && listLinks() >= 1:
		set(archive.KindListing, "URL of a list (%s) with %d item links", path, listLinks())
	case listLinks() < 8 && d.mainWords() >= 20 && d.domDateline().Raw != "":
		set(archive.KindArticle, "a wire dateline (%q) and %d words of main content", d.domDateline().Raw, d.mainWords())
	case listLinks() < 12 && d.mainWords() >= 40 && (p.Title != "" || d.headlineText() != "") && d.published().Value != "" && p.Published.Source != DateFromHTMLDate:
		// A date that only go-htmldate's search of the whole page found
		// (a "Today" widget, a footer year) does not make a short page
		// an article.
		set(archive.KindArticle, "headline, a date (%s) and %d words of main content", p.Published.Source, d.mainWords())
	case listLinks() >= 8:
		set(archive.KindListing, "%d item links with teaser-length text", listLinks())
	case p.Calendar != nil && d.mainWords() < 80 && !d.calendarInSidebar():
		set(archive.KindCalendar, "archive calendar and little text")
	case d.mainWords() >= 150 && d.headlineText() != "":
		set(archive.KindArticle, "headline and %d words of main content", d.mainWords())
	default:
		set(archive.KindOther, "no article, list, archive or home signals (%d words of main content, %d item links)", d.mainWords(), listLinks())
	}
}

// bodySaysNoNews reports whether the first 20,000 runes of the body and
// the visible text, joined by a space, hold a noNews phrase. Without a body
// they are the space and the first 19,999 runes of the visible text, where
// no phrase begins with the space: the visible text is read without a
// copy.
//
// When runLinks has found no noNewsPhrases phrase in the visible text
// and the text holds none of foldOnlyRunes, the answer is no without
// reading it again.
func (d *doc) bodySaysNoNews() bool {
	if d.page.Body == "" {
		visible := d.visibleText()
		if d.noNewsRead && !d.visibleNoNews && !hasFoldOnlyRune(visible) {
			return false
		}
		return noNews.MatchString(truncateRunes(visible, 20000-1))
	}
	return noNews.MatchString(truncateRunes(d.page.Body+" "+d.visibleText(), 20000))
}

// endsInDigit reports whether path ends with an ASCII digit, before at
// most one slash: every alternative of reDayPath and reMonthPath needs it.
func endsInDigit(path string) bool {
	path = strings.TrimSuffix(path, "/")
	return path != "" && path[len(path)-1] >= '0' && path[len(path)-1] <= '9'
}

// calendarInSidebar reports whether the page's calendar is a widget in an
// <aside> or a sidebar, which many pages carry beside their own content,
// rather than the page's content.
func (d *doc) calendarInSidebar() bool {
	sidebar := func(a *html.Node) bool {
		return a.Type == html.ElementNode && (a.DataAtom == atom.Aside || reSidebar.MatchString(classID(a)))
	}
	return d.calNode != nil && (sidebar(d.calNode) || hasAncestor(d.calNode, sidebar))
}

// listingLinks counts links in the main area (outside menus, footer,
// breadcrumb, calendar) whose text is long enough to be an item title.
func (d *doc) listingLinks() int {
	n := 0
	seen := map[string]bool{}
	walk(d.body, func(c *html.Node) bool {
		if c.Type != html.ElementNode {
			return true
		}
		if skipText(c) || d.regions[c] != 0 || c == d.calNode || c.DataAtom == atom.Aside {
			return false
		}
		if c.DataAtom == atom.A {
			href := attr(c, "href")
			if href != "" && !seen[href] && d.linkWords(c) >= 4 {
				seen[href] = true
				n++
			}
			return false
		}
		return true
	})
	return n
}
