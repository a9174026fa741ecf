package extract

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// reEmptyByline is a byline label with no name after it: "Written by:",
// "Author:", "Автор:", "By".
var reEmptyByline = regexp.MustCompile(`(?i)^\s*(?:written\s+by|posted\s+by|reported\s+by|story\s+by|text\s+by|words\s+by|by|authors?|autor(?:in)?|auteur|текст|автор|авторы|аўтар|аўтары)\s*[:.\-–—]?\s*$`)

// reEmptyBylineLabel is the same label in an element that does not say it
// is a byline: only a labelled one ("Written by:", "Author:") counts, not
// a stray "By".
var reEmptyBylineLabel = regexp.MustCompile(`(?i)^\s*(?:written\s+by|posted\s+by|reported\s+by|authors?|автор|авторы|аўтар|аўтары)\s*:\s*$`)

// findEmptyByline records a byline printed with its label but no name
// ("Written by:" and nothing after it): an element marked as a byline
// (class author or byline, itemprop or rel author) whose text is only the
// label, or a labelled line ("Author:") in the main content or the
// headline's block. An element with a name in its title or content
// attribute is not empty.
func (d *doc) findEmptyByline() {
	if len(d.page.Authors) > 0 {
		return
	}
	near := func(n *html.Node) bool {
		head := d.headlineBlock()
		return (head != nil && contains(head, n)) || (d.main != nil && contains(d.main, n))
	}
	walk(d.body, func(n *html.Node) bool {
		if d.page.EmptyByline != "" {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) || d.isChrome(n) || n.DataAtom == atom.Aside || n.DataAtom == atom.Figure {
			return false
		}
		ci := classID(n)
		marked := strings.ToLower(attr(n, "itemprop")) == "author" || hasToken(strings.ToLower(attr(n, "rel")), "author") ||
			(ci != "" && reAuthorClass.MatchString(ci) && !strings.Contains(ci, "bio") && !strings.Contains(ci, "avatar") && !strings.Contains(ci, "image"))
		labelled := n.DataAtom == atom.P || n.DataAtom == atom.Div || n.DataAtom == atom.Span || n.DataAtom == atom.Address
		if !marked && !labelled {
			return true
		}
		t, short := shortText(n, 40)
		if !short {
			return true
		}
		if t == "" || collapse(attr(n, "title")) != "" || collapse(attr(n, "content")) != "" {
			return !marked
		}
		re := reEmptyBylineLabel
		if marked {
			re = reEmptyByline
		}
		if re.MatchString(t) && (marked && d.main == nil || near(n)) {
			d.page.EmptyByline = t
			return false
		}
		return !marked
	})
}

// countH1 counts the page's <h1> elements, leaving out those that are never
// shown (in a template, noscript or a hidden element).
func (d *doc) countH1() {
	n := 0
	walk(d.body, func(c *html.Node) bool {
		if c.Type != html.ElementNode {
			return true
		}
		if skipText(c) {
			return false
		}
		if c.DataAtom == atom.H1 {
			n++
		}
		return true
	})
	d.page.H1Count = n
}
