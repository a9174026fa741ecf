package extract

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"strings"

	xhtml "golang.org/x/net/html"
)

// Limits of the parse. golang.org/x/net/html refuses documents whose stack
// of open elements exceeds 512; deeper markup is flattened first.
const (
	maxNesting   = 256      // elements deeper than this are dropped (their text is kept)
	maxAttrBytes = 64 << 10 // longer attribute values are cut
)

// parseBounded parses text into a tree, flattening nesting deeper than
// maxNesting and cutting attribute values longer than maxAttrBytes, and
// returns the warnings that describe what was changed.
func parseBounded(text string) (*xhtml.Node, []string) {
	return parseBoundedFrom(strings.NewReader(text), func() string { return text })
}

// parseBoundedBytes is parseBounded of string(b), which it copies only in
// the rare case of markup too deep for the parser.
func parseBoundedBytes(b []byte) (*xhtml.Node, []string) {
	return parseBoundedFrom(bytes.NewReader(b), func() string { return string(b) })
}

// parseBoundedFrom is parseBounded of the text that r reads and text
// returns.
func parseBoundedFrom(r io.Reader, text func() string) (*xhtml.Node, []string) {
	var warns []string
	root, err := xhtml.Parse(r)
	if err == nil {
		if cut, longest := cutLongAttrs(root); cut > 0 {
			warns = append(warns, fmt.Sprintf("%d attribute value(s) longer than %d bytes cut (longest %d bytes)", cut, maxAttrBytes, longest))
		}
		return root, warns
	}
	return parseFlattened(text())
}

// parseFlattened parses text, too deep for the parser, once its nesting is
// flattened and its long attribute values cut, else its text alone.
func parseFlattened(text string) (*xhtml.Node, []string) {
	var warns []string
	_, depth, _ := scanLimits(text)
	text, dropped, cut := rewriteBounded(text)
	if dropped > 0 {
		warns = append(warns, fmt.Sprintf("markup nested %d levels deep: %d elements beyond level %d flattened", depth, dropped, maxNesting))
	}
	if cut > 0 {
		warns = append(warns, fmt.Sprintf("%d attribute value(s) longer than %d bytes cut", cut, maxAttrBytes))
	}
	root, err := xhtml.Parse(strings.NewReader(text))
	if err == nil {
		return root, warns
	}
	// Still too deep for the parser (reconstructed formatting elements):
	// keep the text only.
	warns = append(warns, fmt.Sprintf("markup could not be parsed (%v): text kept without structure", err))
	plain := stripTags(text)
	root, err = xhtml.Parse(strings.NewReader("<html><body><p>" + html.EscapeString(plain) + "</p></body></html>"))
	if err != nil {
		return nil, append(warns, fmt.Sprintf("text could not be parsed: %v", err))
	}
	return root, warns
}

// cutLongAttrs cuts attribute values longer than maxAttrBytes in the tree.
func cutLongAttrs(root *xhtml.Node) (cut, longest int) {
	var visit func(n *xhtml.Node)
	visit = func(n *xhtml.Node) {
		for i := range n.Attr {
			if l := len(n.Attr[i].Val); l > maxAttrBytes {
				cut++
				longest = max(longest, l)
				n.Attr[i].Val = strings.ToValidUTF8(n.Attr[i].Val[:maxAttrBytes], "")
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c)
		}
	}
	visit(root)
	return cut, longest
}

// voidElements have no end tag and do not nest.
var voidElements = map[string]bool{
	"area": true, "base": true, "br": true, "col": true, "embed": true, "hr": true, "img": true, "input": true,
	"link": true, "meta": true, "param": true, "source": true, "track": true, "wbr": true, "keygen": true,
}

// scanLimits reports whether text needs rewriting: nesting beyond
// maxNesting or an attribute beyond maxAttrBytes. It uses the tokenizer
// only (no tree), so it is linear in the size of text.
func scanLimits(text string) (needs bool, maxDepth, longAttr int) {
	z := xhtml.NewTokenizer(strings.NewReader(text))
	depth := 0
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return needs, maxDepth, longAttr
		case xhtml.StartTagToken:
			name, hasAttr := z.TagName()
			for hasAttr {
				var v []byte
				_, v, hasAttr = z.TagAttr()
				if len(v) > maxAttrBytes {
					needs = true
					if len(v) > longAttr {
						longAttr = len(v)
					}
				}
			}
			if !voidElements[string(name)] {
				depth++
				if depth > maxDepth {
					maxDepth = depth
				}
				if depth > maxNesting {
					needs = true
				}
			}
		case xhtml.EndTagToken:
			if depth > 0 {
				depth--
			}
		case xhtml.SelfClosingTagToken:
			_, hasAttr := z.TagName()
			for hasAttr {
				var v []byte
				_, v, hasAttr = z.TagAttr()
				if len(v) > maxAttrBytes {
					needs = true
					if len(v) > longAttr {
						longAttr = len(v)
					}
				}
			}
		}
	}
}

// rewriteBounded copies text token by token, dropping start and end tags
// beyond maxNesting and cutting long attribute values.
func rewriteBounded(text string) (out string, dropped, cut int) {
	z := xhtml.NewTokenizer(strings.NewReader(text))
	var b strings.Builder
	b.Grow(len(text))
	depth := 0
	for {
		tt := z.Next()
		switch tt {
		case xhtml.ErrorToken:
			return b.String(), dropped, cut
		case xhtml.StartTagToken, xhtml.SelfClosingTagToken:
			raw := z.Raw()
			tok := z.Token()
			void := voidElements[tok.Data] || tt == xhtml.SelfClosingTagToken
			if !void {
				depth++
				if depth > maxNesting {
					dropped++
					continue
				}
			}
			long := false
			for i := range tok.Attr {
				if len(tok.Attr[i].Val) > maxAttrBytes {
					tok.Attr[i].Val = strings.ToValidUTF8(tok.Attr[i].Val[:maxAttrBytes], "")
					long = true
					cut++
				}
			}
			if long {
				b.WriteString(tok.String())
			} else {
				b.Write(raw)
			}
		case xhtml.EndTagToken:
			if depth > maxNesting {
				depth--
				continue
			}
			if depth > 0 {
				depth--
			}
			b.Write(z.Raw())
		default:
			b.Write(z.Raw())
		}
	}
}

// stripTags returns the text of text without any markup.
func stripTags(text string) string {
	z := xhtml.NewTokenizer(strings.NewReader(text))
	var b strings.Builder
	for {
		switch z.Next() {
		case xhtml.ErrorToken:
			return b.String()
		case xhtml.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
}
