package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// attr returns the value of the attribute key of n, "" if absent.
func attr(n *html.Node, key string) string {
	if n == nil {
		return ""
	}
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

// hasAttr reports whether n carries the attribute key.
func hasAttr(n *html.Node, key string) bool {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return true
		}
	}
	return false
}

// classID returns the lower-cased class and id of n, joined by a space, for
// pattern matching.
func classID(n *html.Node) string {
	c, id := attr(n, "class"), attr(n, "id")
	if c == "" && id == "" {
		return ""
	}
	return strings.ToLower(c + " " + id)
}

// isElement reports whether n is an element of one of the given atoms.
func isElement(n *html.Node, tags ...atom.Atom) bool {
	if n == nil || n.Type != html.ElementNode {
		return false
	}
	for _, t := range tags {
		if n.DataAtom == t {
			return true
		}
	}
	return false
}

// skipText reports whether the text under n is never visible content.
func skipText(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return n.Type == html.CommentNode
	}
	switch n.DataAtom {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Svg, atom.Iframe, atom.Object, atom.Select, atom.Button, atom.Head, atom.Math:
		return true
	}
	return hasAttr(n, "hidden")
}

// isBlock reports whether an element breaks the flow of text.
func isBlock(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.P, atom.Div, atom.Br, atom.Li, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6,
		atom.Tr, atom.Td, atom.Th, atom.Table, atom.Section, atom.Article, atom.Header, atom.Footer, atom.Nav, atom.Aside,
		atom.Blockquote, atom.Pre, atom.Figure, atom.Figcaption, atom.Dd, atom.Dt, atom.Dl, atom.Hr, atom.Main, atom.Form,
		atom.Address, atom.Caption, atom.Tbody, atom.Thead, atom.Tfoot:
		return true
	}
	return false
}

// textOf returns the visible text under n with whitespace collapsed; block
// elements are separated by a space.
func textOf(n *html.Node) string {
	if t, ok := plainText(n); ok {
		return t
	}
	return textOfSkipping(n, nil)
}

// plainText is textOf(n) for a text node, or an element whose only child
// is a text node, when that text is collapsed once its ASCII white space
// at either end is trimmed (collapsedPlain): the text itself, without a
// copy. It reports false for any other node or text.
func plainText(n *html.Node) (string, bool) {
	if n == nil {
		return "", false
	}
	if n.Type == html.ElementNode {
		c := n.FirstChild
		if c == nil || c.NextSibling != nil || c.Type != html.TextNode || skipText(n) {
			return "", false
		}
		n = c
	}
	if n.Type != html.TextNode {
		return "", false
	}
	t := strings.Trim(n.Data, asciiSpace)
	if !collapsedPlain(t) {
		return "", false
	}
	return t, true
}

// asciiSpace is the ASCII white space that collapse reads as a space.
const asciiSpace = " \t\n\v\f\r"

// shortText returns textOf(n) and true when that text has at most limit
// runes, else "" and false. It stops reading as soon as the text is sure
// to be longer, so that testing every element of a page for a short text
// does not read each subtree again and again.
func shortText(n *html.Node, limit int) (string, bool) {
	var b strings.Builder
	visible := 0
	if !appendTextUpTo(&b, n, &visible, limit) {
		return "", false
	}
	t := collapse(b.String())
	if runeLen(t) > limit {
		return "", false
	}
	return t, true
}

// appendTextUpTo is appendText without skip, which gives up (returns
// false) once more than limit runes that collapse keeps (other than white
// space) have been written. It counts no byte of invalid UTF-8, which
// the bytes of the next text node may complete into a rune that collapse
// drops, so that it never gives up on a text collapse keeps short.
func appendTextUpTo(b *strings.Builder, n *html.Node, visible *int, limit int) bool {
	if n.Type == html.TextNode {
		b.WriteString(n.Data)
		for i, r := range n.Data {
			if r == utf8.RuneError && !strings.HasPrefix(n.Data[i:], "\uFFFD") {
				continue
			}
			switch r {
			case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF', '\u00A0', '\u202F', '\u2007':
				continue
			}
			if !isSpace(r) {
				if *visible++; *visible > limit {
					return false
				}
			}
		}
		return true
	}
	if skipText(n) {
		return true
	}
	block := isBlock(n)
	if block {
		b.WriteByte(' ')
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if !appendTextUpTo(b, c, visible, limit) {
			return false
		}
	}
	if block {
		b.WriteByte(' ')
	}
	return true
}

// textOfSkipping is textOf, leaving out the subtrees for which skip is true.
// It collapses the text as it reads it (a collapser), and collapses the
// raw text (rawTextOf) only in the rare case of invalid UTF-8.
func textOfSkipping(n *html.Node, skip func(*html.Node) bool) string {
	var c collapser
	c.text(n, skip, nil)
	if c.invalid {
		return collapse(rawTextOf(n, skip))
	}
	return c.b.String()
}

// rawTextOf returns the raw text under n, leaving out the subtrees that
// are never visible and those for which skip is true; block elements are
// set apart by a space: what textOfSkipping collapses.
func rawTextOf(n *html.Node, skip func(*html.Node) bool) string {
	c := collapser{raw: true}
	c.text(n, skip, nil)
	return c.b.String()
}

// textMark records where the text of the node n begins and ends in a
// collapser's result: the collapsed text of n is
// strings.TrimPrefix(result[from:to], " "). from stays -1 when n is not
// reached.
type textMark struct {
	n        *html.Node
	from, to int
}

// collapser collapses text as it is written to it, piece by piece: b holds
// collapse of the concatenation of the pieces. A piece of invalid UTF-8
// sets invalid (a rune could span two pieces): b may then differ, and the
// caller collapses the concatenation instead. A raw collapser keeps the
// pieces as they are.
type collapser struct {
	b              strings.Builder
	raw            bool
	space, started bool
	invalid        bool
}

// text writes the text under n (what rawTextOf reads) and fills mark,
// when it is not nil. What was written up to a point is in b except for a
// pending space, so that the collapsed text of a subtree is
// b.String()[from:to] after at most one space.
func (c *collapser) text(n *html.Node, skip func(*html.Node) bool, mark *textMark) {
	if n == nil {
		return
	}
	if n.Type == html.TextNode {
		c.write(n.Data)
		return
	}
	if skipText(n) || (skip != nil && skip(n)) {
		return
	}
	if mark != nil && n == mark.n {
		mark.from = c.b.Len()
		defer func() { mark.to = c.b.Len() }()
	}
	block := isBlock(n)
	if block {
		c.edge()
	}
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		c.text(k, skip, mark)
	}
	if block {
		c.edge()
	}
}

// edge writes the space that sets a block element apart.
func (c *collapser) edge() {
	if c.raw {
		c.b.WriteByte(' ')
		return
	}
	c.space = true
}

// textLen is runeLen(textOf(n)), counted without building the text.
func textLen(n *html.Node) int {
	var c textCounter
	c.count(n)
	return c.runes
}

// textLenAtMost reports whether runeLen(textOf(n)) <= limit, reading no
// further than needed to tell.
func textLenAtMost(n *html.Node, limit int) bool {
	c := textCounter{limit: limit}
	return c.count(n) && c.runes <= limit
}

// textWords is wordCount(textOf(n)), counted without building the text.
func textWords(n *html.Node) int {
	var c textCounter
	c.count(n)
	return c.words
}

// textCounter counts the runes and the words of collapse(s) as s is
// written to it, the way rawTextOf writes a subtree: what collapse keeps
// and the words it leaves (white space and the characters it drops join
// or split words as they do in its result). Like collapse of the raw
// text, it reads a rune whose bytes two text nodes share as one rune.
type textCounter struct {
	runes, words           int
	space, started, inWord bool
	// limit, when above 0, stops the count once runes exceeds it.
	limit int
	// part holds the bytes at the end of the text read so far that begin
	// a rune without completing it.
	part partialRune
}

// count counts the text of n and the bytes it leaves in part; it returns
// false when it stopped at the limit.
func (c *textCounter) count(n *html.Node) bool {
	if !c.node(n) {
		return false
	}
	c.flush()
	return c.limit <= 0 || c.runes <= c.limit
}

// node counts the text of n, but for the bytes it leaves in part; it
// returns false when it stopped at the limit.
func (c *textCounter) node(n *html.Node) bool {
	if n.Type == html.TextNode {
		c.add(n.Data)
		return c.limit <= 0 || c.runes <= c.limit
	}
	if skipText(n) {
		return true
	}
	block := isBlock(n)
	if block {
		c.edge()
	}
	for k := n.FirstChild; k != nil; k = k.NextSibling {
		if !c.node(k) {
			return false
		}
	}
	if block {
		c.edge()
	}
	return true
}

// edge counts the space that sets a block element apart, after the bytes
// left in part.
func (c *textCounter) edge() {
	c.flush()
	c.space, c.inWord = true, false
}

// flush counts the bytes left in part, which nothing completes: each
// reads as U+FFFD.
func (c *textCounter) flush() {
	for ; c.part.n > 0; c.part.n-- {
		c.rune(utf8.RuneError)
	}
}

// rune counts r as collapse reads it.
func (c *textCounter) rune(r rune) {
	switch r {
	case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
		return
	case '\u00A0', '\u202F', '\u2007':
		c.space, c.inWord = true, false
		return
	}
	if isSpace(r) {
		c.space, c.inWord = true, false
		return
	}
	if c.space && c.started {
		c.runes++
	}
	c.space, c.started = false, true
	c.runes++
	w := isWordRune(r)
	if w && !c.inWord {
		c.words++
	}
	c.inWord = w
}

// add counts s as collapse reads it after the text read so far. ASCII and
// two-byte runes (Cyrillic text) are read without decoding them as runes.
func (c *textCounter) add(s string) {
	if c.part.n > 0 {
		s = c.complete(s)
	}
	runes, words, space, started, inWord := c.runes, c.words, c.space, c.started, c.inWord
	for i := 0; i < len(s); {
		var w bool
		switch ch := s[i]; {
		case ch < utf8.RuneSelf:
			i++
			if ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r' {
				space, inWord = true, false
				continue
			}
			w = lowWordRunes[ch]
		case ch >= 0xC2 && ch <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			r := rune(ch&0x1F)<<6 | rune(s[i+1]&0x3F)
			i += 2
			switch r {
			case '\u00AD':
				continue
			case '\u0085', '\u00A0':
				space, inWord = true, false
				continue
			}
			w = lowWordRunes[r]
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			if size == 1 && !utf8.FullRuneInString(s[i:]) {
				// The next text may complete the rune.
				c.part.keep(s[i:])
				i = len(s)
				continue
			}
			i += size
			switch r {
			case '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
				continue
			case '\u202F', '\u2007':
				space, inWord = true, false
				continue
			}
			if isSpace(r) {
				space, inWord = true, false
				continue
			}
			w = isWordRune(r)
		}
		if space && started {
			runes++
		}
		space, started = false, true
		runes++
		if w && !inWord {
			words++
		}
		inWord = w
	}
	c.runes, c.words, c.space, c.started, c.inWord = runes, words, space, started, inWord
}

// complete counts the runes that the bytes held in part begin and the
// start of s completes, and returns the rest of s ("" when part holds all
// of s).
func (c *textCounter) complete(s string) string {
	for c.part.n > 0 {
		r, took, ok := c.part.next(s)
		s = s[took:]
		if !ok {
			break
		}
		c.rune(r)
	}
	return s
}

// partialRune holds the bytes at the end of a text node that begin a rune
// without completing it (invalid UTF-8 on its own), so that a reader of
// text node after text node decodes the rune the next node may complete,
// as the raw text concatenated (rawTextOf) decodes it.
type partialRune struct {
	b [utf8.UTFMax - 1]byte
	n int
}

// keep holds s, the incomplete start of a rune (!utf8.FullRuneInString),
// which is shorter than utf8.UTFMax.
func (p *partialRune) keep(s string) {
	p.n = copy(p.b[:], s)
}

// next decodes the first rune of the held bytes followed by s, when the
// held bytes are not empty; took is how many bytes of s the rune takes.
// When the held bytes and s together still begin a rune without
// completing it, next holds them all and returns false (took is len(s)).
// An invalid first byte reads as U+FFFD, and the bytes held after it
// stay held.
func (p *partialRune) next(s string) (r rune, took int, ok bool) {
	var buf [utf8.UTFMax]byte
	n := copy(buf[:], p.b[:p.n])
	n += copy(buf[n:], s)
	if !utf8.FullRune(buf[:n]) {
		p.n = copy(p.b[:], buf[:n])
		return 0, len(s), false
	}
	r, size := utf8.DecodeRune(buf[:n])
	if size < p.n {
		p.n = copy(p.b[:], p.b[size:p.n])
		return r, 0, true
	}
	took, p.n = size-p.n, 0
	return r, took, true
}

// rawText returns the text under n as printed: runs of other white space
// become one space, but no-break spaces are kept; soft hyphens are dropped.
func rawText(n *html.Node) string {
	return rawString(rawTextOf(n, nil))
}

// rawString is rawText for a string.
func rawString(s string) string {
	var b strings.Builder
	space := false
	for _, r := range s {
		if r == '\u00AD' || r == '\u200B' {
			continue
		}
		if r != '\u00A0' && r != '\u202F' && unicode.IsSpace(r) {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// collapse trims s and collapses runs of white space (including no-break
// spaces) into one space; soft hyphens and zero-width characters are removed.
func collapse(s string) string {
	if collapsedPlain(s) {
		return s
	}
	var c collapser
	c.b.Grow(len(s))
	c.write(s)
	return c.b.String()
}

// write collapses s after what was written before. Runs of characters
// that collapse keeps as they are (ASCII other than white space, and the
// two-byte runes other than U+0085, U+00A0 and U+00AD, the only spaces or
// dropped characters below U+0800: Cyrillic text), with the single spaces
// between them, are copied whole.
func (c *collapser) write(s string) {
	b := &c.b
	if c.raw {
		b.WriteString(s)
		return
	}
	space, started := c.space, c.started
	for i := 0; i < len(s); {
		j := i
		for j < len(s) {
			ch := s[j]
			if ch < utf8.RuneSelf {
				if ch == ' ' || ch == '\t' || ch == '\n' || ch == '\v' || ch == '\f' || ch == '\r' {
					// A single space between two characters of the run
					// is kept as it is: the run goes on through it when
					// the next character is one the run takes.
					if ch != ' ' || j == i || j+1 >= len(s) {
						break
					}
					if n := s[j+1]; n < utf8.RuneSelf {
						if n == ' ' || n == '\t' || n == '\n' || n == '\v' || n == '\f' || n == '\r' {
							break
						}
					} else if n < 0xC2 || n > 0xDF || j+2 >= len(s) || s[j+2]&0xC0 != 0x80 || n == 0xC2 && (s[j+2] == 0x85 || s[j+2] == 0xA0 || s[j+2] == 0xAD) {
						break
					}
				}
				j++
				continue
			}
			if ch >= 0xC2 && ch <= 0xDF && j+1 < len(s) && s[j+1]&0xC0 == 0x80 && (ch != 0xC2 || s[j+1] != 0x85 && s[j+1] != 0xA0 && s[j+1] != 0xAD) {
				j += 2
				continue
			}
			break
		}
		if j > i {
			if space && started {
				b.WriteByte(' ')
			}
			space = false
			started = true
			b.WriteString(s[i:j])
			i = j
			continue
		}
		if ch := s[i]; ch < utf8.RuneSelf {
			// ASCII white space: the run above stops at nothing else.
			space = true
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if size == 1 {
			c.invalid = true
		}
		switch r {
		case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
			continue
		}
		if isSpace(r) || r == '\u00A0' || r == '\u202F' || r == '\u2007' {
			space = true
			continue
		}
		if space && started {
			b.WriteByte(' ')
		}
		space = false
		started = true
		b.WriteRune(r)
	}
	c.space, c.started = space, started
}

// collapsedPlain reports whether s is already collapsed and made of
// ASCII and of the two-byte runes other than U+0085, U+00A0 and U+00AD
// (Cyrillic text): no white space but single spaces between other
// characters. collapse returns such a string as it is, without copying it.
func collapsedPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= utf8.RuneSelf:
			if c < 0xC2 || c > 0xDF || i+1 >= len(s) || s[i+1]&0xC0 != 0x80 || c == 0xC2 && (s[i+1] == 0x85 || s[i+1] == 0xA0 || s[i+1] == 0xAD) {
				return false
			}
			i++
		case c == ' ':
			if i == 0 || i == len(s)-1 || s[i-1] == ' ' {
				return false
			}
		case c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r':
			return false
		}
	}
	return true
}

// truncateRunes cuts s to at most n runes.
func truncateRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// walk calls fn for every node under n in document order; fn returns false
// to skip the node's children.
func walk(n *html.Node, fn func(*html.Node) bool) {
	if n == nil {
		return
	}
	if !fn(n) {
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		walk(c, fn)
	}
}

// findAll returns every element under n for which match is true.
func findAll(n *html.Node, match func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	walk(n, func(c *html.Node) bool {
		if c.Type == html.ElementNode && match(c) {
			out = append(out, c)
		}
		return true
	})
	return out
}

// findFirst returns the first element under n for which match is true.
func findFirst(n *html.Node, match func(*html.Node) bool) *html.Node {
	var found *html.Node
	walk(n, func(c *html.Node) bool {
		if found != nil {
			return false
		}
		if c.Type == html.ElementNode && match(c) {
			found = c
			return false
		}
		return true
	})
	return found
}

// hasAncestor reports whether some ancestor of n (not n itself) satisfies
// match.
func hasAncestor(n *html.Node, match func(*html.Node) bool) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && match(p) {
			return true
		}
	}
	return false
}

// contains reports whether n is root or a descendant of root.
func contains(root, n *html.Node) bool {
	for p := n; p != nil; p = p.Parent {
		if p == root {
			return true
		}
	}
	return false
}

// wordCount counts the words of s (runs of letters or digits). It reads
// ASCII and two-byte runes (Cyrillic text) without decoding them as
// runes.
func wordCount(s string) int {
	n := 0
	in := false
	for i := 0; i < len(s); {
		var w bool
		switch c := s[i]; {
		case c < utf8.RuneSelf:
			w = lowWordRunes[c]
			i++
		case c >= 0xC2 && c <= 0xDF && i+1 < len(s) && s[i+1]&0xC0 == 0x80:
			w = lowWordRunes[rune(c&0x1F)<<6|rune(s[i+1]&0x3F)]
			i += 2
		default:
			r, size := utf8.DecodeRuneInString(s[i:])
			w = isWordRune(r)
			i += size
		}
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// lowWordRunes tells, for the runes below U+0800 (ASCII, Latin, Greek,
// Cyrillic…), whether unicode.IsLetter or unicode.IsDigit holds (built
// once; read only).
var lowWordRunes = func() (t [0x800]bool) {
	for r := range rune(len(t)) {
		t[r] = unicode.IsLetter(r) || unicode.IsDigit(r)
	}
	return t
}()

// isWordRune is unicode.IsLetter(r) || unicode.IsDigit(r), without the
// table search below U+0800.
func isWordRune(r rune) bool {
	if uint32(r) < uint32(len(lowWordRunes)) {
		return lowWordRunes[r]
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// isSpace is unicode.IsSpace, without its table search for the runes
// outside Latin-1: the white space of Unicode beyond U+00FF is U+1680,
// U+2000 to U+200A, U+2028, U+2029, U+202F, U+205F and U+3000, so that
// Cyrillic and most other letters are told apart by two comparisons.
func isSpace(r rune) bool {
	switch {
	case r <= 0xFF:
		switch r {
		case '\t', '\n', '\v', '\f', '\r', ' ', 0x85, 0xA0:
			return true
		}
		return false
	case r < 0x1680:
		return false
	case r < 0x2000:
		return r == 0x1680
	case r <= 0x200A:
		return true
	}
	switch r {
	case 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
		return true
	}
	return false
}

// runeLen is utf8.RuneCountInString.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
