package extract

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// reTitleSep splits a <title> into the headline and the site's name.
var reTitleSep = regexp.MustCompile(`\s+(?:\||-|–|—|::|·|•|»|«|/|:)\s+|\s*\|\s*`)

var reLogoClass = regexp.MustCompile(`logo|brand|site-title|site-name|sitename|masthead`)

// extractHeadline picks one headline. It reads the profile's selector, the
// JSON-LD headline, og:title and <title> (with the site's name cut off) and
// the visible <h1>s (soft hyphens and <time> children removed), and prefers
// the visible heading that agrees with the structured titles; with a dozen
// <h1>s it still gives one answer: the one that best matches the title, else
// the first in the main content.
func (d *doc) extractHeadline() {
	p := d.page
	if d.profile != nil && d.profile.Headline != "" {
		if n := d.profile.first(d.root, d.profile.Headline); n != nil {
			if t := headingText(n); t != "" {
				p.Headline, p.HeadlineEvidence, d.headline = t, "profile "+d.profile.Headline, n
				return
			}
		}
	}
	var structured []struct{ text, from string }
	addS := func(t, from string) {
		t = cleanHeadline(t)
		if t != "" {
			structured = append(structured, struct{ text, from string }{t, from})
		}
	}
	if a := d.ld.mainArticle(); a != nil {
		addS(a.Headline, "json-ld headline")
		if a.Type != "WebPage" {
			addS(a.Name, "json-ld name")
		}
	}
	og := d.metaFirst("og:title", "twitter:title", "dc.title", "dcterms.title", "headline", "title", "sailthru.title", "parsely-title")
	addS(og, "meta og:title")
	addS(p.Title, "title")
	site := d.siteNames()

	// Visible headings.
	type cand struct {
		n    *html.Node
		text string
		lvl  int
	}
	var hs []cand
	walk(d.body, func(n *html.Node) bool {
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) {
			return false
		}
		switch n.DataAtom {
		case atom.H1, atom.H2:
			if t := headingText(n); t != "" && runeLen(t) <= 400 {
				lvl := 1
				if n.DataAtom == atom.H2 {
					lvl = 2
				}
				hs = append(hs, cand{n, t, lvl})
			}
			return false
		}
		return true
	})

	// 1. A visible heading that agrees with a structured title.
	bestScore, bestIdx := 0.0, -1
	for i, h := range hs {
		if d.inChrome(h.n) || isLogo(h.n) {
			continue
		}
		for si, s := range structured {
			sim := similarity(h.text, stripSite(s.text, site))
			if sim < 0.6 {
				continue
			}
			score := sim*10 - float64(si)*0.1
			if h.lvl == 1 {
				score += 2
			}
			if d.main != nil && contains(d.main, h.n) {
				score += 0.5
			}
			if score > bestScore {
				bestScore, bestIdx = score, i
			}
		}
	}
	if bestIdx >= 0 {
		h := hs[bestIdx]
		p.Headline, p.HeadlineEvidence, d.headline = h.text, "h"+string(rune('0'+h.lvl))+" matching the structured title", h.n
		return
	}
	// 2. The structured headline: JSON-LD, then og:title, then <title>,
	// without the site's name.
	for _, s := range structured {
		if s.from == "title" {
			// The <title> alone is the page's title (Page.Title), not a
			// printed headline.
			break
		}
		t := stripSite(s.text, site)
		if t != "" && !isSiteName(t, site) {
			p.Headline, p.HeadlineEvidence = t, s.from
			// Bind it to a visible heading that contains it, for captions.
			for _, h := range hs {
				if similarity(h.text, t) >= 0.5 {
					d.headline = h.n
					break
				}
			}
			return
		}
	}
	// 3. The first <h1> in the main content, else the first on the page.
	for _, h := range hs {
		if h.lvl == 1 && !d.inChrome(h.n) && !isLogo(h.n) && (d.main == nil || contains(d.main, h.n)) {
			p.Headline, p.HeadlineEvidence, d.headline = h.text, "first h1", h.n
			return
		}
	}
	for _, h := range hs {
		if h.lvl == 1 && !isLogo(h.n) {
			p.Headline, p.HeadlineEvidence, d.headline = h.text, "first h1 outside the content", h.n
			return
		}
	}
}

// headingText is the text of a heading without <time>, soft hyphens or a
// repeated caption.
func headingText(n *html.Node) string {
	t := textOfSkipping(n, func(c *html.Node) bool {
		return c.DataAtom == atom.Time || (c.DataAtom == atom.Span && strings.Contains(classID(c), "date"))
	})
	return cleanHeadline(t)
}

// cleanHeadline collapses white space, drops soft hyphens and a headline
// repeated twice in a row ("Title Title", as when a caption copies it).
func cleanHeadline(t string) string {
	t = collapse(t)
	if t == "" {
		return ""
	}
	if half := len(t) / 2; len(t) > 10 && len(t)%2 == 1 && t[:half] == t[half+1:] && t[half] == ' ' {
		t = t[:half]
	}
	return strings.TrimSpace(t)
}

func isLogo(n *html.Node) bool {
	for a := n; a != nil; a = a.Parent {
		if ci := classID(a); ci != "" && reLogoClass.MatchString(ci) {
			return true
		}
		if a.DataAtom == atom.Header && a.Parent != nil && a.Parent.DataAtom == atom.Body {
			return true
		}
	}
	return false
}

// siteNames returns the names under which the site may appear in titles:
// og:site_name, the JSON-LD publisher and WebSite name, and the host's
// labels.
func (d *doc) siteNames() []string {
	var out []string
	add := func(s string) {
		s = strings.ToLower(collapse(s))
		if s != "" {
			out = append(out, s)
		}
	}
	add(d.siteName)
	add(d.ld.SiteName)
	if a := d.ld.mainArticle(); a != nil {
		add(a.Publisher)
	}
	add(d.metaFirst("application-name", "publisher", "dc.publisher", "copyright"))
	host := d.host
	if host == "" && d.page.CanonicalURL != "" {
		if i := strings.Index(d.page.CanonicalURL, "://"); i >= 0 {
			host = strings.SplitN(d.page.CanonicalURL[i+3:], "/", 2)[0]
		}
	}
	host = strings.TrimPrefix(host, "www.")
	if host != "" {
		add(host)
		labels := strings.Split(host, ".")
		if len(labels) >= 2 {
			add(labels[len(labels)-2])
		}
		add(labels[0])
	}
	return out
}

// stripSite removes a site name from a title: "Headline | CNN",
// "Site — Headline", "Headline - Site - Section".
func stripSite(t string, site []string) string {
	locs := reTitleSep.FindAllStringIndex(t, -1)
	if len(locs) == 0 {
		return t
	}
	parts := make([]string, 0, len(locs)+1)
	prev := 0
	for _, l := range locs {
		parts = append(parts, strings.TrimSpace(t[prev:l[0]]))
		prev = l[1]
	}
	parts = append(parts, strings.TrimSpace(t[prev:]))
	// Drop site-name parts at either end.
	for len(parts) > 1 && isSiteName(parts[len(parts)-1], site) {
		parts = parts[:len(parts)-1]
	}
	for len(parts) > 1 && isSiteName(parts[0], site) {
		parts = parts[1:]
	}
	if len(parts) == 1 {
		return parts[0]
	}
	// Still separated: keep the longest part when the others are short
	// (section or site names the host does not reveal), else the whole.
	longest, li := 0, 0
	for i, p := range parts {
		if w := wordCount(p); w > longest {
			longest, li = w, i
		}
	}
	others := 0
	for i, p := range parts {
		if i != li {
			others += wordCount(p)
		}
	}
	// Separators inside headlines (": " and " - ") are common; only cut
	// when the rest looks like a name, not like half of a sentence.
	if (li == 0 || li == len(parts)-1) && others <= 4 && longest >= 3 && allTitleCase(parts, li) {
		return parts[li]
	}
	return t
}

// allTitleCase reports whether every part but skip starts with an upper-case
// letter or a digit (names of sites and sections do).
func allTitleCase(parts []string, skip int) bool {
	for i, p := range parts {
		if i == skip {
			continue
		}
		r := []rune(p)
		if len(r) == 0 || !(unicode.IsUpper(r[0]) || unicode.IsDigit(r[0])) {
			return false
		}
	}
	return true
}

// isSiteName reports whether a title part names the site.
func isSiteName(part string, site []string) bool {
	p := strings.ToLower(strings.TrimSpace(part))
	if p == "" {
		return true
	}
	compact := strings.NewReplacer(" ", "", "-", "", ".", "", "'", "").Replace(p)
	for _, s := range site {
		sc := strings.NewReplacer(" ", "", "-", "", ".", "", "'", "").Replace(s)
		if p == s || compact == sc || (len(sc) >= 3 && (strings.HasPrefix(compact, sc) || strings.HasPrefix(sc, compact)) && len(compact) <= len(sc)+12) {
			return true
		}
		if len(sc) >= 4 && strings.Contains(compact, sc) && wordCount(p) <= 4 {
			return true
		}
	}
	return false
}

// similarity is the token overlap of a and b: the share of the shorter
// text's tokens found in the longer one, scaled down when their lengths
// differ a lot.
func similarity(a, b string) float64 {
	ta, tb := tokens(a), tokens(b)
	if len(ta) == 0 || len(tb) == 0 {
		return 0
	}
	if len(ta) > len(tb) {
		ta, tb = tb, ta
	}
	set := map[string]int{}
	for _, t := range tb {
		set[t]++
	}
	common := 0
	for _, t := range ta {
		if set[t] > 0 {
			set[t]--
			common++
		}
	}
	overlap := float64(common) / float64(len(ta))
	ratio := float64(len(ta)) / float64(len(tb))
	if ratio < 0.5 {
		overlap *= 0.5 + ratio
	}
	return overlap
}

func tokens(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}
