package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/archive"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

const (
	dlPlace = `([\p{Lu}][\p{Lu}\p{M}.'’\-]*(?:\s[\p{Lu}][\p{Lu}\p{M}.'’\-]*){0,3}(?:,\s*[\p{Lu}][\p{L}.]{1,14})?)`
	dlDash  = `([-–—‒―]|&ndash;|&mdash;)`
)

var dlDate = `((?i:\d{1,2}(?:st|nd|rd|th)?\s+(?:` + monthAlt + `)\.?(?:\s+\d{4})?|(?:` + monthAlt + `)\.?\s+\d{1,2}(?:,?\s+\d{4})?))`

var (
	// MINSK, 3 April (BelTA) - …   МИНСК, 3 апреля (БЕЛТА) – …
	reDatelineDateAgency = regexp.MustCompile(`^\s*` + dlPlace + `,\s*` + dlDate + `\.?\s*\(([^()]{2,40})\)\s*` + dlDash + `\s*`)
	// MOSCOW, June 26. /TASS/. …
	reDatelineTASS = regexp.MustCompile(`^\s*` + dlPlace + `,\s*` + dlDate + `\.?\s*/([^/]{2,30})/\.?\s*`)
	// WASHINGTON (Reuters) - …
	reDatelineAgency = regexp.MustCompile(`^\s*` + dlPlace + `\s*\(([^()]{2,40})\)\s*` + dlDash + `\s*`)
	// MINSK, 8 June – …
	reDatelineDate = regexp.MustCompile(`^\s*` + dlPlace + `,\s*` + dlDate + `\.?\s*` + dlDash + `\s*`)
	// MINSK – …
	reDatelinePlace = regexp.MustCompile(`^\s*` + dlPlace + `\s+` + dlDash + `\s+`)
)

// extractDateline reads the "MINSK, 3 April (BelTA) - " opening of the
// first paragraphs of the main content (or of the body text), then of the
// first lines of the extracted body.
func (d *doc) extractDateline() {
	if dl := d.domDateline(); dl.Raw != "" {
		d.page.Dateline = dl
		return
	}
	if d.page.Body != "" {
		for _, b := range strings.SplitN(d.page.Body, "\n", 6) {
			if dl, ok := parseDateline(b); ok {
				d.page.Dateline = dl
				return
			}
		}
	}
}

// domDateline is the dateline of the first paragraphs of the main content
// (or of the page), read from the DOM alone; the page kind relies on it,
// so that a links-level extraction, which has no body, classifies a page
// as a full one does.
func (d *doc) domDateline() archive.Dateline {
	if d.domDL != nil {
		return *d.domDL
	}
	// The first of the first 12 blocks that opens with a dateline: each
	// block is parsed as the walk reaches it, and the walk stops there.
	blocks := 0
	root := d.main
	if root == nil {
		root = d.body
	}
	d.domDL = &archive.Dateline{}
	found := false
	walk(root, func(n *html.Node) bool {
		if found || blocks >= 12 {
			return false
		}
		if n.Type != html.ElementNode {
			return true
		}
		if skipText(n) || d.isChrome(n) || n.DataAtom == atom.Figure || n.DataAtom == atom.Figcaption || n.DataAtom == atom.H1 {
			return false
		}
		if n.DataAtom == atom.P || ((n.DataAtom == atom.Div || n.DataAtom == atom.Td) && !hasBlockChild(n)) {
			if t := textOf(n); runeLen(t) >= 20 {
				blocks++
				if dl, ok := parseDateline(t); ok {
					d.domDL, found = &dl, true
				}
			}
			return false
		}
		return true
	})
	return *d.domDL
}

func hasBlockChild(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if isBlock(c) && c.DataAtom != atom.Br {
			return true
		}
	}
	return false
}

// parseDateline parses the dateline at the start of a paragraph.
func parseDateline(t string) (dl archive.Dateline, ok bool) {
	t = strings.TrimLeft(collapse(t), " ")
	if len(t) < 8 || !datelineCandidate(t) {
		return dl, false
	}
	head := truncateRunes(t, 160)
	// The characters each expression needs are looked for first:
	// parentheses around an agency, slashes around TASS's, a dash.
	parens := strings.IndexByte(head, '(') >= 0 && strings.IndexByte(head, ')') >= 0
	slashes := strings.Count(head, "/") >= 2
	dash := strings.ContainsAny(head, "-–—‒―&")
	if parens && dash {
		if m := reDatelineDateAgency.FindStringSubmatch(head); m != nil && placeOK(m[1]) && agencyOK(m[3]) {
			return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], DateText: strings.TrimRight(m[2], ". "), Agency: strings.TrimSpace(m[3]), Dash: dashOf(m[4])}, true
		}
	}
	if slashes {
		if m := reDatelineTASS.FindStringSubmatch(head); m != nil && placeOK(m[1]) && agencyOK(m[3]) {
			return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], DateText: strings.TrimRight(m[2], ". "), Agency: strings.TrimSpace(m[3]), Dash: "/."}, true
		}
	}
	if !dash {
		return dl, false
	}
	if parens {
		if m := reDatelineAgency.FindStringSubmatch(head); m != nil && placeOK(m[1]) && agencyOK(m[2]) {
			return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], Agency: strings.TrimSpace(m[2]), Dash: dashOf(m[3])}, true
		}
	}
	if m := reDatelineDate.FindStringSubmatch(head); m != nil && placeOK(m[1]) {
		return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], DateText: strings.TrimRight(m[2], ". "), Dash: dashOf(m[3])}, true
	}
	if m := reDatelinePlace.FindStringSubmatch(head); m != nil && placeOK(m[1]) && len(t) > 80 {
		return archive.Dateline{Raw: strings.TrimSpace(m[0]), Place: m[1], Dash: dashOf(m[2])}, true
	}
	return dl, false
}

// datelineCandidate is a cheap test that every dateline expression needs to
// pass, so that the paragraphs of ordinary prose skip the expressions: a
// dateline opens with a capital letter ([\p{Lu}]) followed by another
// capital, a mark, punctuation, white space or a dash, never by a
// lower-case letter.
func datelineCandidate(t string) bool {
	r, w := utf8.DecodeRuneInString(t)
	if !unicode.IsUpper(r) {
		return false
	}
	r, _ = utf8.DecodeRuneInString(t[w:])
	return !unicode.IsLower(r)
}

// placeOK requires an all-capitals place of at least three letters that is
// not a common all-capitals word of a headline.
func placeOK(place string) bool {
	main := strings.SplitN(place, ",", 2)[0]
	letters := 0
	for _, r := range main {
		if r != ' ' && r != '.' && r != '-' && r != '\'' && r != '’' {
			letters++
		}
	}
	if letters < 3 {
		return false
	}
	switch strings.TrimSpace(main) {
	case "UPDATE", "BREAKING", "NEW", "WATCH", "VIDEO", "PHOTOS", "PHOTO", "LIVE", "EXCLUSIVE", "OPINION", "ANALYSIS", "EDITOR'S NOTE", "FILE", "NOTE", "UPDATED":
		return false
	}
	return true
}

// agencyOK rejects parenthesised text that is not a name (too many words,
// or lower-case prose).
func agencyOK(a string) bool {
	a = strings.TrimSpace(a)
	if a == "" || wordCount(a) > 5 {
		return false
	}
	r := []rune(a)
	return !(r[0] >= 'a' && r[0] <= 'z')
}

func dashOf(s string) string {
	switch s {
	case "&ndash;":
		return "–"
	case "&mdash;":
		return "—"
	}
	return s
}
