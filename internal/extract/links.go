package extract

import (
	"maps"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/fold"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxHrefBytes bounds the length of a recorded link.
const maxHrefBytes = 4096

// Link issues recorded in archive.Link.Issue.
const (
	IssueEmptyHref  = "empty-href" // href=""
	IssueJavaScript = "javascript" // href="javascript:…"
	IssueMalformed  = "malformed"  // not a valid URL, or http(s) without a host ("http:/host")
	IssueOnclick    = "onclick"    // the target exists only in an onclick handler
	IssueTruncated  = "truncated"  // the href was longer than 4096 bytes and was cut
	IssueNoTarget   = "no-target"  // an <a> with neither href nor an onclick URL
	IssueWhitespace = "whitespace" // leading or trailing white space inside the href
	IssueBadScheme  = "bad-scheme" // an unknown scheme such as "htp:" or "hhttp:"
	IssueFragment   = "fragment"   // a same-page #fragment (checked against the page's ids)
	IssueEmptyText  = "empty-text" // the link has no text, image alt, title or aria-label
	IssueLocalFile  = "local-file" // a file: URL or a Windows path
	IssueHostless   = "hostless"   // a relative link on a page whose own URL is unknown
	reOnclickURLSrc = `['"]((?:https?:)?/[^'"\s]*|[\w./-]+\.(?:html?|php|aspx?|jsp)(?:\?[^'"\s]*)?)['"]`
)

var (
	reOnclickURL = regexp.MustCompile(reOnclickURLSrc)
	knownSchemes = map[string]bool{"http": true, "https": true, "mailto": true, "tel": true, "ftp": true, "sms": true, "data": true, "whatsapp": true, "viber": true, "tg": true, "skype": true, "callto": true, "geo": true, "fax": true, "news": true, "irc": true, "webcal": true, "magnet": true, "market": true, "intent": true, "itms-apps": true, "fb-messenger": true, "ymsgr": true, "sip": true, "about": true, "blob": true}
)

// extractLinks records every link of the page: <a>/<area> hrefs (also
// empty, javascript: and malformed ones), links that exist only in onclick,
// and the resources of <link>, <img>, <script>, <iframe>, with their place
// and anchor text. In the same walk it records the element ids and <a
// name> anchors, for fragment checks, and the anchors' texts, whose words
// listingLinks counts.
func (d *doc) extractLinks() {
	p := d.page
	seenID := map[string]bool{}
	// Room for the links readHead counted (the few hrefs resolved before,
	// such as the canonical URL's, were cached in a smaller map).
	if d.linkHint > 0 && p.Links == nil {
		p.Links = make([]archive.Link, 0, d.linkHint)
		d.anchorTexts = make([]nodeText, 0, d.linkHint)
		if d.hrefs != nil && len(d.hrefs) < d.linkHint/2 {
			m := make(map[string]*parsedHref, d.linkHint)
			maps.Copy(m, d.hrefs)
			d.hrefs = m
		}
	}
	walk(d.root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		d.recordIDs(n, seenID)
		if d.removed[n] {
			return false
		}
		switch n.DataAtom {
		case atom.A, atom.Area:
			href, has := getAttr(n, "href")
			onclick := attr(n, "onclick")
			l := archive.Link{Tag: n.Data, Attr: "href", Rel: strings.ToLower(attr(n, "rel"))}
			switch {
			case has:
				d.fillLink(&l, href)
			case onclick != "":
				l.Attr = "onclick"
				if m := reOnclickURL.FindStringSubmatch(onclick); m != nil {
					d.fillLink(&l, m[1])
					l.Raw = truncateBytes(onclick, maxHrefBytes)
				} else {
					l.Raw = truncateBytes(onclick, maxHrefBytes)
				}
				l.Issue = IssueOnclick
			default:
				if hasAttr(n, "name") || hasAttr(n, "id") {
					return true // an anchor target, not a link
				}
				l.Issue = IssueNoTarget
			}
			var full string
			l.Text, full = linkTextFull(n)
			if n.DataAtom == atom.A {
				d.anchorTexts = append(d.anchorTexts, nodeText{n, full})
			}
			if l.Text == "" && l.Issue == "" {
				l.Issue = IssueEmptyText
			}
			l.Place = d.placeOf(n)
			p.Links = append(p.Links, l)
			if l.Place == archive.PlaceMenu {
				p.Menu = append(p.Menu, l)
			}
			if l.Place == archive.PlacePagination && l.URL != "" && !containsString(p.Pagination, l.URL) {
				p.Pagination = append(p.Pagination, l.URL)
			}
			// href="", "#" or "javascript:…" with the real target in
			// onclick: the target exists only in the handler.
			if has && onclick != "" && placeholderHref(href) {
				d.onclickLink(n, onclick)
			}
		case atom.Link:
			if href, has := getAttr(n, "href"); has {
				l := archive.Link{Tag: "link", Attr: "href", Rel: strings.ToLower(attr(n, "rel")), Place: archive.PlaceHead}
				d.fillLink(&l, href)
				if hasToken(l.Rel, "next") || hasToken(l.Rel, "prev") {
					if l.URL != "" && !containsString(p.Pagination, l.URL) {
						p.Pagination = append(p.Pagination, l.URL)
					}
				}
				p.Links = append(p.Links, l)
			}
		case atom.Img, atom.Script, atom.Iframe, atom.Source, atom.Embed, atom.Video, atom.Audio:
			key := "src"
			src, has := getAttr(n, key)
			if !has && n.DataAtom == atom.Img {
				if s := attr(n, "data-src"); s != "" {
					src, has, key = s, true, "data-src"
				}
			}
			if has {
				l := archive.Link{Tag: n.Data, Attr: key}
				d.fillLink(&l, src)
				if n.DataAtom == atom.Img {
					l.Text = collapse(attr(n, "alt"))
				}
				l.Place = d.placeOf(n)
				if hasAncestor(n, func(a *html.Node) bool { return a.DataAtom == atom.Head }) {
					l.Place = archive.PlaceHead
				}
				p.Links = append(p.Links, l)
			}
			if n.DataAtom == atom.Script {
				return false
			}
		default:
			// A target that exists only in the onclick handler of another
			// element: <span onclick="window.location='…'">, <div
			// onclick="return get_page('…','inner','1')">.
			if oc := attr(n, "onclick"); oc != "" {
				d.onclickLink(n, oc)
			}
		}
		return true
	})
	if len(p.Links) == 0 {
		p.Links = nil // as without the room made above
	}
}

// fillLink sets Href, URL and Issue from a raw attribute value.
func (d *doc) fillLink(l *archive.Link, raw string) {
	if len(raw) > maxHrefBytes {
		l.Href = truncateBytes(raw, maxHrefBytes)
		l.Issue = IssueTruncated
		return
	}
	l.Href = raw
	trimmed := strings.TrimSpace(raw)
	switch {
	case trimmed == "":
		l.Issue = IssueEmptyHref
		return
	case trimmed != raw:
		l.Issue = IssueWhitespace
	}
	if lowerHasPrefix(trimmed, "javascript:") {
		l.Issue = IssueJavaScript
		return
	}
	if lowerHasPrefix(trimmed, "file:") || (len(trimmed) > 2 && trimmed[1] == ':' && (trimmed[2] == '\\' || trimmed[2] == '/')) {
		l.Issue = IssueLocalFile
		return
	}
	h := d.parseHref(trimmed)
	if !h.ok {
		l.Issue = IssueMalformed
		return
	}
	// A plain root-relative href (h.u nil) has no scheme, and comes
	// resolved against the base.
	u := h.u
	if u != nil && u.Scheme != "" {
		scheme := strings.ToLower(u.Scheme)
		if !knownSchemes[scheme] {
			l.Issue = IssueBadScheme
			return
		}
		if (scheme == "http" || scheme == "https") && u.Host == "" {
			l.Issue = IssueMalformed
			return
		}
	}
	if strings.HasPrefix(trimmed, "#") && l.Issue == "" {
		l.Issue = IssueFragment
	}
	if d.base == nil && !u.IsAbs() { // no base: u is not nil
		if l.Issue == "" {
			l.Issue = IssueHostless
		}
		return
	}
	l.URL, _ = d.resolved(h)
}

// lowerHasPrefix reports whether strings.ToLower(s) begins with prefix,
// an ASCII string without capital letters, without a lower-cased copy of
// s: when the first len(prefix) bytes of s are ASCII, they are its first
// runes and lower-case byte for byte; otherwise s is lower-cased (a rune
// such as U+0130 or the Kelvin sign lower-cases to an ASCII letter).
func lowerHasPrefix(s, prefix string) bool {
	for i := 0; i < len(s) && i < len(prefix); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.HasPrefix(strings.ToLower(s), prefix)
		}
	}
	return fold.HasPrefixASCII(s, prefix)
}

// placeOf says where on the page an element stands: in the breadcrumb, the
// calendar, the pagination, a menu, the footer, the main content (body) or
// elsewhere (other). The nearest marked container wins.
func (d *doc) placeOf(n *html.Node) archive.LinkPlace {
	for a := n; a != nil; a = a.Parent {
		r := d.regions[a]
		switch {
		case r&regionCrumb != 0:
			return archive.PlaceBreadcrumb
		case a == d.calNode:
			return archive.PlaceCalendar
		case r&regionPage != 0:
			return archive.PlacePagination
		case a == d.main && d.main != nil:
			return archive.PlaceBody
		case r&regionMenu != 0:
			return archive.PlaceMenu
		case r&regionFoot != 0:
			return archive.PlaceFooter
		case a.DataAtom == atom.Head:
			return archive.PlaceHead
		}
	}
	return archive.PlaceOther
}

// linkText is the anchor text of a link, else the alt of an image in it,
// else its title or aria-label.
func linkText(n *html.Node) string {
	t, _ := linkTextFull(n)
	return t
}

// linkTextFull is linkText and textOf(n), whose words linkWords counts.
func linkTextFull(n *html.Node) (text, full string) {
	if t := textOf(n); t != "" {
		return truncateRunes(t, 500), t
	}
	return linkTextOther(n), ""
}

// linkTextOther is linkText of a link without text.
func linkTextOther(n *html.Node) string {
	if img := findFirst(n, func(c *html.Node) bool { return c.DataAtom == atom.Img }); img != nil {
		if alt := collapse(attr(img, "alt")); alt != "" {
			return truncateRunes(alt, 500)
		}
	}
	for _, k := range []string{"title", "aria-label", "alt"} {
		if v := collapse(attr(n, k)); v != "" {
			return truncateRunes(v, 500)
		}
	}
	return ""
}

// recordIDs records the id of n and, for an <a>, its name, once each,
// for fragment checks.
func (d *doc) recordIDs(n *html.Node, seen map[string]bool) {
	if id := attr(n, "id"); id != "" && !seen[id] && len(id) <= 512 {
		seen[id] = true
		d.page.IDs = append(d.page.IDs, id)
	}
	if n.DataAtom == atom.A {
		if name := attr(n, "name"); name != "" && !seen[name] && len(name) <= 512 {
			seen[name] = true
			d.page.IDs = append(d.page.IDs, name)
		}
	}
}

// nodeText is an element with its text (textOf).
type nodeText struct {
	n    *html.Node
	text string
}

// linkWords is textWords(a) for an <a> element: the words of the text
// extractLinks recorded, read with a cursor (listingLinks asks for anchors
// in document order, as extractLinks met them), else of its text read
// again. They are counted only for the anchors listingLinks asks for.
func (d *doc) linkWords(a *html.Node) int {
	for d.anchorNext < len(d.anchorTexts) {
		w := d.anchorTexts[d.anchorNext]
		d.anchorNext++
		if w.n == a {
			return wordCount(w.text)
		}
	}
	return textWords(a)
}

func getAttr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val, true
		}
	}
	return "", false
}

func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "")
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// reOnclickNav finds a navigation in a script: an assignment to a
// location, location.assign/replace, window.open.
var reOnclickNav = regexp.MustCompile(`(?i)(?:\blocation(?:\.href)?\s*=|\blocation\.(?:assign|replace)\s*\(|\b(?:window\.)?open\s*\(|\bnavigate\s*\()`)

// reOnclickCall finds a function call and its arguments (without nested
// parentheses): get_page('/en/all_news/page/2/','inner','1').
var reOnclickCall = regexp.MustCompile(`([A-Za-z_$][\w$.]*)\s*\(([^()]*)\)`)

// navigationWords are the words of the names of functions that navigate
// or load a page (get_page, goToPage, loadContent, openPopup, showCatalog):
// a URL among their arguments is a link. Other calls (trackClick,
// copyToClipboard, captcha_refresh, ga) are not.
var navigationWords = map[string]bool{
	"get": true, "go": true, "goto": true, "load": true, "open": true, "show": true, "page": true, "nav": true,
	"navigate": true, "redirect": true, "url": true, "link": true, "visit": true, "popup": true, "popitup": true,
	"href": true, "follow": true, "jump": true, "view": true, "fetch": true,
	"ajax": true, "more": true, "next": true, "prev": true, "previous": true,
}

// trackingWords are the words of the names of functions that report or
// copy a URL rather than open it (trackOutboundLink, logClick,
// copyLinkToClipboard): they win over navigationWords.
var trackingWords = map[string]bool{
	"track": true, "tracking": true, "tracker": true, "log": true, "ga": true, "gtag": true, "analytics": true,
	"event": true, "stat": true, "stats": true, "metric": true, "metrics": true, "pixel": true, "beacon": true,
	"copy": true, "clipboard": true, "save": true, "refresh": true, "captcha": true, "prompt": true, "alert": true,
	"confirm": true, "print": true,
}

// navigationCall reports whether a function name (get_page, window.open,
// goToSearchPage) says it navigates, from its words (the dot- and
// underscore-separated parts and the words of camelCase): one of
// navigationWords and none of trackingWords.
func navigationCall(name string) bool {
	nav := false
	start := 0
	for i := 0; i <= len(name); i++ {
		sep := i < len(name) && (name[i] == '.' || name[i] == '_' || name[i] == '$')
		camel := i < len(name) && i > start && name[i] >= 'A' && name[i] <= 'Z' && name[i-1] >= 'a' && name[i-1] <= 'z'
		if i == len(name) || sep || camel {
			if i > start {
				w := strings.ToLower(name[start:i])
				if trackingWords[w] {
					return false
				}
				nav = nav || navigationWords[w]
			}
			start = i
			if sep {
				start = i + 1
			}
		}
	}
	return nav
}

// elementText is the text inside n, even where n itself is an element
// whose text is not content (a <button>), else its title, aria-label or
// value.
func elementText(n *html.Node) string {
	c := collapser{raw: true}
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		c.text(k, nil, nil)
	}
	if t := collapse(c.b.String()); t != "" {
		return truncateRunes(t, 200)
	}
	for _, k := range []string{"title", "aria-label", "value"} {
		if v := collapse(attr(n, k)); v != "" {
			return truncateRunes(v, 200)
		}
	}
	return ""
}

// onclickTarget returns the URL an onclick handler navigates to: the first
// URL-like string quoted after a location assignment or window.open, or
// among the arguments of a function call whose name says it navigates.
func onclickTarget(js string) (string, bool) {
	if loc := reOnclickNav.FindStringIndex(js); loc != nil {
		if m := reOnclickURL.FindStringSubmatch(js[loc[0]:]); m != nil {
			return m[1], true
		}
	}
	for _, c := range reOnclickCall.FindAllStringSubmatch(js, 8) {
		if !navigationCall(c[1]) {
			continue
		}
		if m := reOnclickURL.FindStringSubmatch(c[2]); m != nil {
			return m[1], true
		}
	}
	return "", false
}

// placeholderHref reports whether an href leads nowhere by itself: "",
// "#" or a javascript: URL.
func placeholderHref(href string) bool {
	h := strings.ToLower(strings.TrimSpace(href))
	return h == "" || h == "#" || strings.HasPrefix(h, "javascript:")
}

// onclickLink records the target of an onclick handler as a link of its
// own (Attr "onclick", Issue IssueOnclick, Raw the handler), unless the
// element stands inside a real link: the page's link checker reports it as
// a target that exists only in JavaScript.
func (d *doc) onclickLink(n *html.Node, oc string) {
	target, ok := onclickTarget(oc)
	if !ok {
		return
	}
	if n.DataAtom != atom.A && n.DataAtom != atom.Area && hasAncestor(n, func(a *html.Node) bool {
		return (a.DataAtom == atom.A || a.DataAtom == atom.Area) && !placeholderHref(attr(a, "href")) && hasAttr(a, "href")
	}) {
		return
	}
	l := archive.Link{Tag: n.Data, Attr: "onclick", Raw: truncateBytes(oc, maxHrefBytes)}
	d.fillLink(&l, target)
	l.Issue = IssueOnclick
	if n.DataAtom == atom.A || n.DataAtom == atom.Area {
		l.Text = linkText(n)
	} else {
		l.Text = elementText(n)
	}
	l.Place = d.placeOf(n)
	d.page.Links = append(d.page.Links, l)
	if l.Place == archive.PlacePagination && l.URL != "" && !containsString(d.page.Pagination, l.URL) {
		d.page.Pagination = append(d.page.Pagination, l.URL)
	}
}
