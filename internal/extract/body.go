package extract

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract/internal/trafilatura"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

var reContentClass = regexp.MustCompile(`(^|[\s_-])(article-body|articlebody|article-content|article__body|article-text|articletext|story-body|storybody|story-content|post-content|post-body|postbody|entry-content|entry-body|news-text|news_text|news-body|newsbody|content-text|text-content|field-body|body-text|bodytext|main-text|maintext|article|post|entry|story|content|text|ic)([\s_-]|$)`)

// applyRemovals detaches the profile's noise blocks from the tree.
func (d *doc) applyRemovals() {
	d.removed = map[*html.Node]bool{}
	if d.profile == nil {
		return
	}
	for _, sel := range d.profile.Remove {
		for _, n := range d.profile.all(d.root, sel) {
			d.removed[n] = true
		}
	}
	for n := range d.removed {
		if n.Parent != nil {
			n.Parent.RemoveChild(n)
		}
	}
}

// findMain picks the element that holds the main content: the profile's
// body selector, else the <article> with the most paragraph text, else
// <main> or role=main, else the element whose paragraphs hold the most text.
func (d *doc) findMain() {
	if d.profile != nil {
		if n := d.profile.first(d.root, d.profile.Body); n != nil {
			d.main = n
			return
		}
	}
	var best *html.Node
	bestLen := 0
	for _, a := range findAll(d.body, func(n *html.Node) bool {
		return n.DataAtom == atom.Article || strings.EqualFold(attr(n, "itemprop"), "articleBody")
	}) {
		if l := paragraphText(a); l > bestLen {
			best, bestLen = a, l
		}
	}
	if best != nil && bestLen >= 200 {
		d.main = best
		return
	}
	if m := findFirst(d.body, func(n *html.Node) bool {
		return n.DataAtom == atom.Main || strings.EqualFold(attr(n, "role"), "main")
	}); m != nil && paragraphTextUpTo(m, 200) >= 200 {
		d.main = m
		return
	}
	// The parent of the most paragraph text.
	score := map[*html.Node]int{}
	walk(d.body, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) || d.isChrome(n) {
			return false
		}
		if n.DataAtom == atom.P || n.DataAtom == atom.Pre || n.DataAtom == atom.Blockquote {
			if l := textLen(n); l > 25 && n.Parent != nil {
				score[n.Parent] += l
				if gp := n.Parent.Parent; gp != nil {
					score[gp] += l / 2
				}
			}
			return false
		}
		return true
	})
	for n, s := range score {
		if s > bestLen || (s == bestLen && best != nil && contains(best, n)) {
			best, bestLen = n, s
		}
	}
	if best != nil && bestLen >= 140 {
		d.main = best
	}
}

// isChrome reports whether n itself is a menu, footer, breadcrumb,
// pagination or calendar container (for top-down walks that skip them).
func (d *doc) isChrome(n *html.Node) bool {
	return d.regions[n] != 0 || n == d.calNode
}

// inChrome reports whether n stands in the page's menus, footer or
// breadcrumb.
func (d *doc) inChrome(n *html.Node) bool {
	for a := n; a != nil; a = a.Parent {
		if d.regions[a] != 0 || a == d.calNode {
			return true
		}
	}
	return false
}

// paragraphText is the length, in runes, of the text of the <p> elements
// under n.
func paragraphText(n *html.Node) int {
	return paragraphTextUpTo(n, 0)
}

// paragraphTextUpTo is paragraphText, which stops counting once the total
// reaches limit (when limit is above 0): the answer is then at least
// limit, and paragraphText(n) >= limit exactly when it is.
func paragraphTextUpTo(n *html.Node, limit int) int {
	total := 0
	walk(n, func(c *html.Node) bool {
		if limit > 0 && total >= limit || c.Type == html.ElementNode && skipText(c) {
			return false
		}
		if c.DataAtom == atom.P {
			// At most the runes still wanted, plus one (a counter's
			// limit of 0 counts everything).
			tc := textCounter{limit: max(limit-total-1, 0)}
			tc.count(c)
			total += tc.runes
			return false
		}
		return true
	})
	return total
}

// maxTrafilaturaNodes bounds the tree handed to go-trafilatura; larger
// documents get the paragraph heuristic only.
const maxTrafilaturaNodes = 60000

// fallbackBelow is the body length (in characters) under which the
// fallback extractors are consulted.
const fallbackBelow = 1500

// chromeShare is the share of body made of the anchor texts of the page's
// menu, footer and other non-body links: high when an extraction fell back
// to the whole page.
func (d *doc) chromeShare(body string) float64 {
	if body == "" {
		return 0
	}
	seen := map[string]bool{}
	total := 0
	for _, l := range d.page.Links {
		if l.Place == archive.PlaceBody || l.Tag != "a" || len(l.Text) < 4 || seen[l.Text] {
			continue
		}
		seen[l.Text] = true
		if strings.Contains(body, l.Text) {
			total += len(l.Text)
		}
	}
	return float64(total) / float64(len(body))
}

// mainTextLen is the length of the paragraph text of the main element.
func (d *doc) mainTextLen() int {
	if d.main == nil {
		return 0
	}
	return paragraphText(d.main)
}

// maxTrafilaturaBytes bounds the size of the page handed to go-trafilatura
// (and go-htmldate), whose regular expressions run over whole text blocks.
const maxTrafilaturaBytes = 2 << 20

// extractBody sets the body text and word count: go-trafilatura's main
// content when it finds one, else the paragraphs of the main element;
// textLen is the length of the decoded page.
func (d *doc) extractBody(textLen int) {
	body := ""
	if !d.x.opts.NoBody {
		nodes := 0
		walk(d.root, func(*html.Node) bool { nodes++; return nodes <= maxTrafilaturaNodes })
		switch {
		case nodes > maxTrafilaturaNodes:
			d.page.Warnings = append(d.page.Warnings, fmt.Sprintf("more than %d nodes: body read by the paragraph heuristic only", maxTrafilaturaNodes))
		case textLen > maxTrafilaturaBytes:
			d.page.Warnings = append(d.page.Warnings, fmt.Sprintf("page larger than %d bytes: body read by the paragraph heuristic only", maxTrafilaturaBytes))
		default:
			body = d.trafilaturaBody()
		}
	}
	if d.profile != nil && d.profile.Body != "" && d.main != nil {
		body = blockText(d.main)
	}
	if body == "" && d.main != nil {
		body = blockText(d.main)
	}
	d.page.Body = body
	d.page.WordCount = wordCount(body)
}

func (d *doc) trafilaturaBody() (body string) {
	defer func() {
		if r := recover(); r != nil {
			d.page.Warnings = append(d.page.Warnings, fmt.Sprintf("body extraction failed: %v", r))
			body = ""
		}
	}()
	opts := trafilatura.Options{
		OriginalURL: d.pageURL,
		Focus:       trafilatura.Balanced,
	}
	if opts.OriginalURL == nil && d.page.CanonicalURL != "" {
		opts.OriginalURL, _ = url.Parse(d.page.CanonicalURL)
	}
	// With the fallback, go-trafilatura compares its result with
	// go-readability's and go-domdistiller's. It helps where its own result
	// is short, or much shorter or longer than the main element's
	// paragraphs, and costs as much again, so it runs only there.
	mainText := d.mainTextLen()
	text, _ := trafilatura.ExtractText(d.root, opts, func(text string) bool {
		body := strings.TrimSpace(text)
		n := runeLen(body)
		return n < fallbackBelow || n*3 < mainText*2 || (mainText >= 200 && n > mainText*5/2) || d.chromeShare(body) > 0.2
	})
	return strings.TrimSpace(text)
}

// blockText renders the text of n with one line per block element.
func blockText(n *html.Node) string {
	var lines []string
	var cur strings.Builder
	flush := func() {
		if t := collapse(cur.String()); t != "" {
			lines = append(lines, t)
		}
		cur.Reset()
	}
	var visit func(c *html.Node)
	visit = func(c *html.Node) {
		if c.Type == html.TextNode {
			cur.WriteString(c.Data)
			return
		}
		if c.Type != html.ElementNode || skipText(c) {
			return
		}
		if c.DataAtom == atom.Br {
			flush()
			return
		}
		block := isBlock(c)
		if block {
			flush()
		}
		for k := c.FirstChild; k != nil; k = k.NextSibling {
			visit(k)
		}
		if block {
			flush()
		}
	}
	visit(n)
	flush()
	return strings.Join(lines, "\n")
}
