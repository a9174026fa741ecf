package extract

import (
	"fmt"
	"iter"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/archive"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var (
	reCrumbLabel = regexp.MustCompile(`(?i)breadcrumb|you are here|навигационная цепочка|хлебные крошки|навігацыйны ланцужок|вы здесь|вы тут`)
	reHomeWord   = regexp.MustCompile(`(?i)^(home|home page|homepage|main|main page|start|startseite|accueil|inicio|главная|главная страница|галоўная|галоўная старонка|головна)$`)
	rePageParam  = regexp.MustCompile(`(?i)([?&](page|p|start|pg|paged|offset|from)=\d+)|(/page/\d+)|(/p\d+/?$)`)
)

// The class and id patterns of the page's regions. Each is a set of
// substrings and a set of words that must stand alone, between the start
// or end of the class list and white space, "_" or "-" (the regular
// expression (^|[\s_-])(word|…)([\s_-]|$)): matched by hand, they cost a
// tenth of the regular expressions on every element of every page.
var (
	crumbSubs    = []string{"breadcrumb", "crumbs", "bread-crumb"}
	crumbWords   = []string{"path", "trail", "navchain", "nav-chain", "navpath", "you-are-here", "location"}
	menuWords    = []string{"menu", "menus", "nav", "navbar", "navigation", "mainmenu", "main-menu", "topmenu", "top-menu", "main-nav", "mainnav", "primary-nav", "site-nav", "megamenu", "submenu", "sidebar-menu"}
	footWords    = []string{"footer", "site-footer", "page-footer", "foot", "bottom", "copyright"}
	pagerSubs    = []string{"pagination", "pager", "paginator", "page-numbers", "pagenav", "page-nav"}
	pagerWords   = []string{"pages", "paging", "wp-pagenavi", "nav-links"}
	calSubs      = []string{"calendar", "calend"}
	calWords     = []string{"cal", "datepicker"}
	loadMoreSubs = []string{"loadmore", "load-more", "load_more"}
)

func crumbClass(ci string) bool { return containsAny(ci, crumbSubs) || hasWord(ci, crumbWords) }
func menuClass(ci string) bool  { return hasWord(ci, menuWords) }
func footClass(ci string) bool  { return hasWord(ci, footWords) }
func pagerClass(ci string) bool { return containsAny(ci, pagerSubs) || hasWord(ci, pagerWords) }
func calClass(ci string) bool   { return containsAny(ci, calSubs) || hasWord(ci, calWords) }

// hasWord reports whether one of words occurs in s between the start or
// end of s and white space, "_" or "-".
func hasWord(s string, words []string) bool {
	for _, w := range words {
		for from := 0; from+len(w) <= len(s); {
			i := strings.Index(s[from:], w)
			if i < 0 {
				break
			}
			i += from
			if (i == 0 || wordSep(s[i-1])) && (i+len(w) == len(s) || wordSep(s[i+len(w)])) {
				return true
			}
			from = i + 1
		}
	}
	return false
}

// wordSep is [\s_-] of a regular expression.
func wordSep(c byte) bool {
	switch c {
	case ' ', '\t', '\n', '\f', '\r', '_', '-':
		return true
	}
	return false
}

// regionHints is a cheap filter: a class or id without any of these
// fragments cannot match the region expressions.
var regionHints = newSubstrings("crumb", "path", "trail", "chain", "here", "location", "menu", "nav", "foot", "bottom", "copyright", "pag", "cal", "date", "load")

// substrings tests a string for any of a few substrings in one pass: at
// each byte, only the substrings that begin with it are compared.
type substrings struct {
	subs    []string
	byFirst [256][]string
}

func newSubstrings(subs ...string) *substrings {
	s := &substrings{subs: subs}
	for _, x := range subs {
		s.byFirst[x[0]] = append(s.byFirst[x[0]], x)
	}
	return s
}

// in reports whether s contains one of the substrings: containsAny(s,
// subs).
func (x *substrings) in(s string) bool {
	for i := 0; i < len(s); i++ {
		for _, sub := range x.byFirst[s[i]] {
			if strings.HasPrefix(s[i:], sub) {
				return true
			}
		}
	}
	return false
}

// inASCII is in of the lower-cased s for an ASCII s, without a
// lower-cased copy of s; the substrings are lower-case.
func (x *substrings) inASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		for _, sub := range x.byFirst[lowerASCII(s[i])] {
			if len(s)-i >= len(sub) && asciiFoldEqual(s[i:i+len(sub)], sub) {
				return true
			}
		}
	}
	return false
}

// lowerASCII lower-cases an ASCII capital letter.
func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// asciiFoldEqual reports whether s, lower-cased byte by byte, is the
// lower-case w.
func asciiFoldEqual(s, w string) bool {
	for i := 0; i < len(w); i++ {
		if lowerASCII(s[i]) != w[i] {
			return false
		}
	}
	return true
}

// isASCII reports whether s is ASCII.
func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// regionClassID is classID(n) when it holds one of regionHints, else "".
func regionClassID(n *html.Node) string { return hintedClassID(n, regionHints) }

// calHints are the fragments one of which a class or id of a calendar of
// divs holds.
var calHints = newSubstrings("cal", "date")

// dayHints is "day", which the class or id of a calendar's day cell holds:
// hintedClassID(n, dayHints) != "" is strings.Contains(classID(n), "day"),
// without building the lower-cased class and id of every element of the
// calendar.
var dayHints = newSubstrings("day")

// hintedClassID is classID(n) when it holds one of hints (lower-case,
// without white space), else "". An ASCII class and id (whose lower-cased
// join holds a hint only where one of them does) are tested without
// joining and lower-casing them.
func hintedClassID(n *html.Node, hints *substrings) string {
	c, id := attr(n, "class"), attr(n, "id")
	if c == "" && id == "" || isASCII(c) && isASCII(id) && !hints.inASCII(c) && !hints.inASCII(id) {
		return ""
	}
	if ci := classID(n); hints.in(ci) {
		return ci
	}
	return ""
}

// containsAny reports whether s contains one of subs.
func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

// weekday abbreviations that head an archive calendar's columns.
var weekdayNames = map[string]bool{
	"su": true, "mo": true, "tu": true, "we": true, "th": true, "fr": true, "sa": true,
	"sun": true, "mon": true, "tue": true, "wed": true, "thu": true, "fri": true, "sat": true,
	"пн": true, "вт": true, "ср": true, "чт": true, "пт": true, "сб": true, "вс": true,
	"аў": true, "чц": true, "нд": true, "нед": true, "ня": true,
	"mo.": true, "di": true, "mi": true, "do": true, "so": true, "lu": true, "ma": true, "me": true, "je": true, "ve": true, "di.": true,
}

// findRegions marks the containers of breadcrumbs, menus, footers,
// pagination and the archive calendar, for the links' places.
func (d *doc) findRegions() {
	d.crumbNodes = map[*html.Node]bool{}
	d.menuNodes = map[*html.Node]bool{}
	d.footNodes = map[*html.Node]bool{}
	d.pageNodes = map[*html.Node]bool{}
	if d.profile != nil {
		for _, n := range d.profile.all(d.root, d.profile.Breadcrumbs) {
			d.crumbNodes[n] = true
		}
		for _, n := range d.profile.all(d.root, d.profile.Menu) {
			d.menuNodes[n] = true
		}
		if n := d.profile.first(d.root, d.profile.Calendar); n != nil {
			d.calNode = n
		}
	}
	walk(d.body, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) && n.DataAtom != atom.Select {
			return false
		}
		ci := regionClassID(n) // "" without a region word: skip the tests below
		label := attr(n, "aria-label")
		crumbLabel := label != "" && reCrumbLabel.MatchString(label)
		role := strings.ToLower(attr(n, "role"))
		itemtype := attr(n, "itemtype")
		switch {
		case strings.Contains(itemtype, "BreadcrumbList") || crumbLabel || (ci != "" && crumbClass(ci) && n.DataAtom != atom.Body && n.DataAtom != atom.A):
			d.crumbNodes[n] = true
			return false
		case n.DataAtom == atom.Table && d.calNode == nil && isCalendarTable(n):
			d.calNode = calendarContainer(n)
			return false
		case (ci != "" && pagerClass(ci) && !strings.Contains(ci, "pages_header")) || role == "pagination" || strings.Contains(strings.ToLower(label), "pagination") ||
			(ci != "" && containsAny(ci, loadMoreSubs) && len(findAll(n, func(c *html.Node) bool { return c.DataAtom == atom.A })) <= 1):
			// A "load more" button (with at most one link of its own, not
			// a list of teasers) is pagination too.
			d.pageNodes[n] = true
			return false
		case n.DataAtom == atom.Footer || role == "contentinfo" || (ci != "" && footClass(ci) && (n.DataAtom == atom.Div || n.DataAtom == atom.Section)):
			d.footNodes[n] = true
			return true
		case n.DataAtom == atom.Nav || role == "navigation" || role == "menubar" || role == "menu" ||
			(ci != "" && menuClass(ci) && (n.DataAtom == atom.Ul || n.DataAtom == atom.Div || n.DataAtom == atom.Ol || n.DataAtom == atom.Section || n.DataAtom == atom.Header)):
			d.menuNodes[n] = true
			return true
		}
		return true
	})
	// A text trail "Home | Government | Events": a short block whose first
	// link reads "Home" and whose links are separated by | / > » › →.
	if len(d.crumbNodes) == 0 {
		if n := d.findTextTrail(); n != nil {
			d.crumbNodes[n] = true
		}
	}
	// Calendars built of divs: a container with weekday headers and
	// numbered day cells.
	if d.calNode == nil {
		for _, n := range findAll(d.body, func(n *html.Node) bool {
			ci := hintedClassID(n, calHints) // classID(n) holding "cal" or "date", else ""
			return ci != "" && calClass(ci) && n.DataAtom != atom.A && n.DataAtom != atom.Td && n.DataAtom != atom.Span
		}) {
			if weekdayCount(n) >= 7 {
				d.calNode = n
				break
			}
		}
	}
	d.regions = make(map[*html.Node]regionBits, len(d.crumbNodes)+len(d.menuNodes)+len(d.footNodes)+len(d.pageNodes))
	for _, m := range []struct {
		nodes map[*html.Node]bool
		bit   regionBits
	}{{d.crumbNodes, regionCrumb}, {d.menuNodes, regionMenu}, {d.footNodes, regionFoot}, {d.pageNodes, regionPage}} {
		for n := range m.nodes {
			d.regions[n] |= m.bit
		}
	}
}

// isCalendarTable reports whether a table is a month grid: a header row of
// seven weekday names and cells numbered 1 to 28 or more.
func isCalendarTable(t *html.Node) bool {
	// The weekday names head the grid: look in its first rows only, so
	// that layout tables holding a whole page stay cheap.
	rows := 0
	head := 0
	walk(t, func(n *html.Node) bool {
		if rows > 3 || n.DataAtom == atom.Table && n != t {
			return false
		}
		if n.DataAtom == atom.Tr {
			rows++
			head = max(head, weekdayCount(n))
			return false
		}
		return true
	})
	if head < 7 {
		return false
	}
	days := 0
	for _, td := range findAll(t, func(n *html.Node) bool { return n.DataAtom == atom.Td }) {
		if _, ok := numberText(td); ok {
			days++
		}
	}
	return days >= 28
}

func weekdayCount(n *html.Node) int {
	seen := map[string]bool{}
	walk(n, func(c *html.Node) bool {
		if c.Type == html.TextNode {
			w := strings.ToLower(strings.TrimSpace(c.Data))
			if weekdayNames[w] {
				seen[w] = true
			}
		}
		return len(seen) < 7
	})
	return len(seen)
}

// calendarContainer widens a calendar table to its widget: the nearest
// ancestor that also holds the month heading and prev/next links.
func calendarContainer(t *html.Node) *html.Node {
	c := t
	// The widget's text is at most 200 runes longer than the table's;
	// shortText stops reading an ancestor as soon as it is longer.
	limit := textLen(t) + 200
	// The text test first: it stops reading early. The tables of an
	// ancestor are those of the widget so far and those of the ancestor
	// itself and its other children: each node is read once, until a
	// second table.
	tables := countTables(t, 2)
	for p := t.Parent; p != nil && p.DataAtom != atom.Body; p = p.Parent {
		if !textLenAtMost(p, limit) {
			break
		}
		if p.DataAtom == atom.Table {
			tables++
		}
		for k := p.FirstChild; k != nil && tables <= 1; k = k.NextSibling {
			if k != c {
				tables += countTables(k, 2-tables)
			}
		}
		if tables > 1 {
			break
		}
		c = p
	}
	return c
}

// countTables counts the <table> elements of the subtree of n, n
// included, up to most of them.
func countTables(n *html.Node, most int) int {
	count := 0
	walk(n, func(c *html.Node) bool {
		if count >= most {
			return false
		}
		if c.Type == html.ElementNode && c.DataAtom == atom.Table {
			count++
		}
		return true
	})
	return count
}

// findTextTrail looks for a breadcrumb written as text: "Home | Government |
// Events" (with | / > » › → as separators). It starts from the links that
// read "Home" and widens to the smallest container holding a trail.
func (d *doc) findTextTrail() *html.Node {
	var homes []*html.Node
	walk(d.body, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) || d.menuNodes[n] || d.footNodes[n] {
			return false
		}
		if n.DataAtom == atom.A {
			if reHomeWord.MatchString(textOf(n)) {
				homes = append(homes, n)
			}
			return false
		}
		return len(homes) < 20
	})
	for _, a := range homes {
		for c, i := a.Parent, 0; c != nil && c.DataAtom != atom.Body && i < 3; c, i = c.Parent, i+1 {
			t := textOf(c)
			if runeLen(t) > 200 {
				break
			}
			parts := splitTrail(t)
			if len(parts) >= 2 && len(parts) <= 8 && reHomeWord.MatchString(parts[0]) && strings.ContainsAny(t, "|/>»›→\\") {
				return c
			}
		}
	}
	return nil
}

var reTrailSep = regexp.MustCompile(`\s*(?:\||/|>|»|›|→|::|\\)\s*`)

func splitTrail(t string) []string {
	var out []string
	for _, p := range reTrailSep.Split(strings.Trim(t, " |/>»›→"), -1) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// extractNavigation fills the breadcrumbs, the menu, the calendar and the
// pagination.
func (d *doc) extractNavigation() {
	p := d.page
	// Breadcrumbs: the DOM trail when there is one (it is what readers
	// see), else the JSON-LD BreadcrumbList.
	// The longest trail; among equals the first in document order (not
	// the map's random order, so that every run gives the same answer).
	var trails []*html.Node
	if len(d.crumbNodes) > 0 {
		walk(d.root, func(n *html.Node) bool {
			if d.crumbNodes[n] {
				trails = append(trails, n)
			}
			return len(trails) < len(d.crumbNodes)
		})
	}
	for _, n := range trails {
		if crumbs := d.crumbsFromDOM(n); len(crumbs) > len(p.Breadcrumbs) {
			p.Breadcrumbs = crumbs
		}
	}
	if len(p.Breadcrumbs) == 0 && len(d.ld.Crumbs) > 0 {
		for _, c := range d.ld.Crumbs {
			p.Breadcrumbs = append(p.Breadcrumbs, archive.Crumb{Text: collapse(c.Name), URL: d.resolve(c.URL)})
		}
	}
	if d.calNode != nil {
		p.Calendar = d.readCalendar(d.calNode)
	}
}

// crumbsFromDOM reads a breadcrumb container: its links and its trailing
// plain-text item (the current page).
func (d *doc) crumbsFromDOM(n *html.Node) []archive.Crumb {
	var out []archive.Crumb
	for _, part := range splitTrailNodes(n) {
		if part.text == "" {
			continue
		}
		out = append(out, archive.Crumb{Text: part.text, URL: d.resolve(part.href)})
	}
	return out
}

type trailPart struct{ text, href string }

// splitTrailNodes returns the items of a breadcrumb container in order: each
// link is an item, and text between links (other than separators) is an
// item without a URL.
func splitTrailNodes(n *html.Node) []trailPart {
	var parts []trailPart
	var pending strings.Builder
	flush := func() {
		for _, s := range splitTrail(collapse(pending.String())) {
			parts = append(parts, trailPart{text: s})
		}
		pending.Reset()
	}
	var visit func(c *html.Node)
	visit = func(c *html.Node) {
		if c.Type == html.TextNode {
			pending.WriteString(c.Data)
			return
		}
		if c.Type != html.ElementNode || skipText(c) {
			return
		}
		if c.DataAtom == atom.A {
			flush()
			t := textOf(c)
			if t == "" {
				t = collapse(attr(c, "title"))
			}
			if t != "" {
				parts = append(parts, trailPart{text: strings.Trim(t, " |/>»›→"), href: attr(c, "href")})
			}
			return
		}
		if isBlock(c) {
			pending.WriteString(" | ")
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			visit(k)
		}
		if isBlock(c) {
			pending.WriteString(" | ")
		}
	}
	visit(n)
	flush()
	return parts
}

var (
	rePrevText = regexp.MustCompile(`(?i)^(«|‹|<|<<|←|prev|previous|назад|предыдущий|папярэдні)$`)
	reNextText = regexp.MustCompile(`(?i)^(»|›|>|>>|→|next|вперед|вперёд|следующий|наступны)$`)
	rePathYMD  = regexp.MustCompile(`(?:^|[^\d])((?:19|20)\d\d)[/-](\d{1,2})[/-](\d{1,2})(?:[^\d]|$)`)
	rePathDMY  = regexp.MustCompile(`(?:^|[^\d])(\d{1,2})\.(\d{1,2})\.((?:19|20)\d\d)(?:[^\d]|$)`)
)

// readCalendar reads the month, the days (linked or not) and the prev/next
// links of an archive calendar.
func (d *doc) readCalendar(n *html.Node) *archive.Calendar {
	cal := &archive.Calendar{}
	// The month heading: a month name and a year in the widget's text
	// outside the day cells.
	head := textOfSkipping(n, func(c *html.Node) bool { return c.DataAtom == atom.Tbody || c.DataAtom == atom.Td })
	year, month := 0, 0
	low := strings.ToLower(head)
	for m := range letterRuns(low) {
		if mo, ok := monthNames[m]; ok && len([]rune(m)) >= 3 {
			month = mo
			break
		}
	}
	if y, ok := yearNumber(head); ok {
		year, _ = strconv.Atoi(y)
	}
	var days []archive.CalendarDay
	for _, td := range findAll(n, func(c *html.Node) bool {
		return c.DataAtom == atom.Td || (c.DataAtom != atom.Table && hintedClassID(c, dayHints) != "")
	}) {
		day, ok := numberText(td)
		if !ok {
			continue
		}
		if day < 1 || day > 31 {
			continue
		}
		cd := archive.CalendarDay{Day: day}
		if a := findFirst(td, func(c *html.Node) bool { return c.DataAtom == atom.A && hasAttr(c, "href") }); a != nil {
			cd.URL = d.resolve(attr(a, "href"))
			cd.Linked = true
			// The link's own date, when it says one (read only while the
			// year or the month is unknown).
			if year == 0 || month == 0 {
				if y, mo, dd, ok := dateFromURL(attr(a, "href")); ok && dd == day {
					if year == 0 {
						year = y
					}
					if month == 0 {
						month = mo
					}
				}
			}
		}
		// Cells of the neighbouring months are usually marked; skip them.
		if ci := classID(td); strings.Contains(ci, "other") || strings.Contains(ci, "prev-month") || strings.Contains(ci, "next-month") || strings.Contains(ci, "outside") {
			continue
		}
		days = append(days, cd)
	}
	if year > 0 && month > 0 {
		cal.Month = fmt.Sprintf("%04d-%02d", year, month)
		for i := range days {
			if validYMD(year, month, days[i].Day) {
				days[i].Date = cal.Month + "-" + twoDigits(days[i].Day)
			}
		}
	}
	cal.Days = days
	for _, a := range findAll(n, func(c *html.Node) bool { return c.DataAtom == atom.A && hasAttr(c, "href") }) {
		if cal.Prev != "" && cal.Next != "" {
			break // nothing left to find
		}
		if hasAncestor(a, func(p *html.Node) bool {
			if p.DataAtom != atom.Td {
				return false
			}
			_, ok := numberText(p)
			return ok
		}) {
			continue
		}
		t := textOf(a)
		if t == "" {
			t = attr(a, "title")
		}
		// The link's class, id, rel and aria-label, built when the text
		// does not decide.
		ci, ciSet := "", false
		hints := func(word string) bool {
			if !ciSet {
				ci, ciSet = classID(a)+" "+strings.ToLower(attr(a, "rel"))+" "+strings.ToLower(attr(a, "aria-label")), true
			}
			return strings.Contains(ci, word)
		}
		switch {
		case cal.Prev == "" && (rePrevText.MatchString(t) || hints("prev")):
			cal.Prev = d.resolve(attr(a, "href"))
		case cal.Next == "" && (reNextText.MatchString(t) || hints("next")):
			cal.Next = d.resolve(attr(a, "href"))
		}
	}
	return cal
}

// yearNumber finds, as the regular expression
// (?:^|[^\d])((?:19|20|21)\d\d)(?:[^\d]|$) does, the first four ASCII
// digits beginning with 19, 20 or 21 that no other digit touches, and
// returns them. The expression cost a tenth of reading a calendar.
func yearNumber(s string) (string, bool) {
	digit := func(i int) bool { return i >= 0 && i < len(s) && '0' <= s[i] && s[i] <= '9' }
	for i := 0; i+4 <= len(s); i++ {
		if (s[i] == '1' && s[i+1] == '9' || s[i] == '2' && (s[i+1] == '0' || s[i+1] == '1')) && digit(i+2) && digit(i+3) && !digit(i-1) && !digit(i+4) {
			return s[i : i+4], true
		}
	}
	return "", false
}

// numberText reports whether textOf(n) is a small number (smallNumber)
// and returns its value, without building the text: it reads the text as
// collapse does and gives up at the first character that is not a digit,
// at a sixth digit, or at white space (or a block's edge) between digits.
func numberText(n *html.Node) (int, bool) {
	var c numberCounter
	// Bytes left that begin a rune read as U+FFFD, which is no digit.
	if !c.node(n) || c.part.n > 0 || c.digits == 0 {
		return 0, false
	}
	return c.value, true
}

// numberCounter reads the digits of a text for numberText.
type numberCounter struct {
	value, digits int
	space         bool // white space after a digit
	// part holds the bytes at the end of the text read so far that begin
	// a rune without completing it: the next text node may complete it,
	// as in the raw text that textOf collapses.
	part partialRune
}

// node reads the text of n as rawTextOf writes it; it returns false as
// soon as the text cannot be a small number.
func (c *numberCounter) node(n *html.Node) bool {
	if n.Type == html.TextNode {
		return c.add(n.Data)
	}
	if skipText(n) {
		return true
	}
	block := isBlock(n)
	if block && !c.edge() {
		return false
	}
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		if !c.node(k) {
			return false
		}
	}
	return !block || c.edge()
}

// edge reads the space that sets a block element apart; it returns false
// when bytes are left that begin a rune (U+FFFD, no digit).
func (c *numberCounter) edge() bool {
	if c.part.n > 0 {
		return false
	}
	if c.digits > 0 {
		c.space = true
	}
	return true
}

// add reads s as collapse does after the text read so far.
func (c *numberCounter) add(s string) bool {
	for c.part.n > 0 {
		r, took, ok := c.part.next(s)
		s = s[took:]
		if !ok {
			return true
		}
		if !c.rune(r) {
			return false
		}
	}
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
			if size == 1 && !utf8.FullRuneInString(s[i:]) {
				// The next text may complete the rune.
				c.part.keep(s[i:])
				return true
			}
		}
		i += size
		if !c.rune(r) {
			return false
		}
	}
	return true
}

// rune reads r; it returns false when the text cannot be a small number.
func (c *numberCounter) rune(r rune) bool {
	switch {
	case '0' <= r && r <= '9':
		if c.space || c.digits == 5 {
			return false
		}
		c.value = c.value*10 + int(r-'0')
		c.digits++
	case r == '\u00AD' || r == '\u200B' || r == '\u200C' || r == '\u200D' || r == '\u2060' || r == '\uFEFF':
	case isSpace(r) || r == '\u00A0' || r == '\u202F' || r == '\u2007':
		if c.digits > 0 {
			c.space = true
		}
	default:
		return false
	}
	return true
}

// twoDigits formats a day of the month, 1 to 31, as %02d does.
func twoDigits(d int) string {
	return string([]byte{byte('0' + d/10), byte('0' + d%10)})
}

// letterRuns yields the runs of letters of s in order: the matches of
// the regular expression \p{L}+ (FindAllString).
func letterRuns(s string) iter.Seq[string] {
	return func(yield func(string) bool) {
		start := -1
		for i, r := range s {
			if unicode.IsLetter(r) {
				if start < 0 {
					start = i
				}
				continue
			}
			if start >= 0 {
				if !yield(s[start:i]) {
					return
				}
				start = -1
			}
		}
		if start >= 0 {
			yield(s[start:])
		}
	}
}

// dateFromURL reads a day from a URL: ?day=DD&month=MM&year=YY,
// /YYYY/MM/DD/ or /by-date/DD.MM.YYYY.
func dateFromURL(href string) (y, m, d int, ok bool) {
	if href == "" {
		return 0, 0, 0, false
	}
	if u, err := url.QueryUnescape(href); err == nil {
		href = u
	}
	if dq, ok := dayQ(href); ok {
		if mq, ok := monthQ(href); ok {
			if yq, ok := yearQ(href); ok {
				d, _ = strconv.Atoi(dq)
				m, _ = strconv.Atoi(mq)
				y, _ = strconv.Atoi(yq)
				y = fixYear(y, yq)
				return y, m, d, validYMD(y, m, d)
			}
		}
	}
	if mt := rePathYMD.FindStringSubmatch(href); mt != nil {
		y, _ = strconv.Atoi(mt[1])
		m, _ = strconv.Atoi(mt[2])
		d, _ = strconv.Atoi(mt[3])
		return y, m, d, validYMD(y, m, d)
	}
	if mt := rePathDMY.FindStringSubmatch(href); mt != nil {
		d, _ = strconv.Atoi(mt[1])
		m, _ = strconv.Atoi(mt[2])
		y, _ = strconv.Atoi(mt[3])
		return y, m, d, validYMD(y, m, d)
	}
	return 0, 0, 0, false
}

// dayQ, monthQ and yearQ find a number of a URL's query the way the
// regular expressions (?i)[?&;]day=(\d{1,2}), (?i)[?&;]month=(\d{1,2}) and
// (?i)[?&;]year=(\d{2,4}) do: the leftmost match, its number as long as
// it may be. Written by hand, they cost a tenth of the expressions, which
// every day link of every calendar asked.
func dayQ(s string) (string, bool)   { return queryNumber(s, "day", 1, 2) }
func monthQ(s string) (string, bool) { return queryNumber(s, "month", 1, 2) }
func yearQ(s string) (string, bool)  { return queryNumber(s, "year", 2, 4) }

// queryNumber finds, as the regular expression
// (?i)[?&;]name=(\d{least,most}) would, the leftmost parameter name (in
// any case: name is lower-case ASCII whose letters fold to no other rune)
// followed by at least least digits, and returns its first digits, at most
// most of them.
func queryNumber(s, name string, least, most int) (string, bool) {
	for i := 0; i+1+len(name)+1+least <= len(s); i++ {
		if c := s[i]; c != '?' && c != '&' && c != ';' {
			continue
		}
		j := i + 1
		if !asciiFoldPrefix(s[j:], name) || s[j+len(name)] != '=' {
			continue
		}
		j += len(name) + 1
		k := j
		for k < len(s) && k-j < most && s[k] >= '0' && s[k] <= '9' {
			k++
		}
		if k-j >= least {
			return s[j:k], true
		}
	}
	return "", false
}

// asciiFoldPrefix reports whether s begins with the lower-case ASCII word
// w, in any case.
func asciiFoldPrefix(s, w string) bool {
	if len(s) < len(w) {
		return false
	}
	for i := 0; i < len(w); i++ {
		if c := s[i]; c != w[i] && c+('a'-'A') != w[i] {
			return false
		}
	}
	return true
}
