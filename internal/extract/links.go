package extract

import (
	"net/url"
	"regexp"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
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
// and anchor text.
func (d *doc) extractLinks() {
	p := d.page
	walk(d.root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
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
			l.Text = linkText(n)
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
			// onclick navigation on other elements: <div onclick="location.href='…'">.
			if oc := attr(n, "onclick"); oc != "" && strings.Contains(oc, "location") {
				if m := reOnclickURL.FindStringSubmatch(oc); m != nil {
					l := archive.Link{Tag: n.Data, Attr: "onclick", Issue: IssueOnclick, Raw: truncateBytes(oc, maxHrefBytes)}
					d.fillLink(&l, m[1])
					l.Issue = IssueOnclick
					l.Text = truncateRunes(textOf(n), 200)
					l.Place = d.placeOf(n)
					p.Links = append(p.Links, l)
				}
			}
		}
		return true
	})
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
	low := strings.ToLower(trimmed)
	if strings.HasPrefix(low, "javascript:") {
		l.Issue = IssueJavaScript
		return
	}
	if strings.HasPrefix(low, "file:") || (len(trimmed) > 2 && trimmed[1] == ':' && (trimmed[2] == '\\' || trimmed[2] == '/')) {
		l.Issue = IssueLocalFile
		return
	}
	u, err := url.Parse(trimmed)
	if err != nil {
		l.Issue = IssueMalformed
		return
	}
	if u.Scheme != "" {
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
	if d.base == nil {
		if u.IsAbs() {
			l.URL = u.String()
		} else if l.Issue == "" {
			l.Issue = IssueHostless
		}
		return
	}
	l.URL = d.base.ResolveReference(u).String()
}

// placeOf says where on the page an element stands: in the breadcrumb, the
// calendar, the pagination, a menu, the footer, the main content (body) or
// elsewhere (other). The nearest marked container wins.
func (d *doc) placeOf(n *html.Node) archive.LinkPlace {
	for a := n; a != nil; a = a.Parent {
		switch {
		case d.crumbNodes[a]:
			return archive.PlaceBreadcrumb
		case a == d.calNode:
			return archive.PlaceCalendar
		case d.pageNodes[a]:
			return archive.PlacePagination
		case a == d.main && d.main != nil:
			return archive.PlaceBody
		case d.menuNodes[a]:
			return archive.PlaceMenu
		case d.footNodes[a]:
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
	if t := textOf(n); t != "" {
		return truncateRunes(t, 500)
	}
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

// extractIDs records the element ids and <a name> anchors, for fragment
// checks.
func (d *doc) extractIDs() {
	seen := map[string]bool{}
	walk(d.root, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
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
		return true
	})
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
