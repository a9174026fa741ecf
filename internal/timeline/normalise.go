package timeline

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/andybalholm/cascadia"
	"github.com/archiver-dev/archiver/internal/extract"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Volatile says which parts of a page change on every fetch without the
// page's content changing: view counters, CSRF tokens, "today's date"
// widgets, rotating promo blocks. They are stripped before a version's
// content hash is taken and before its fields are compared, so that churn
// is not reported as change.
type Volatile struct {
	// Selectors are CSS selectors of elements removed with their content.
	Selectors []string `yaml:"selectors" json:"selectors"`
	// Patterns are regular expressions; their matches are removed from
	// text and attribute values.
	Patterns []string `yaml:"patterns" json:"patterns"`
}

// DefaultVolatile returns the volatile parts stripped when none are
// configured: hidden form fields and CSRF meta tags, elements whose class or
// id names a counter, a view count, a promo, an advert or today's date, and
// the texts "N views" and "Today is …".
func DefaultVolatile() Volatile {
	return Volatile{
		Selectors: []string{
			`input[type=hidden]`,
			`meta[name=csrf-token]`, `meta[name=csrf-param]`, `meta[name="_csrf"]`,
			`[class*=counter]`, `[id*=counter]`,
			`[class*=views]`, `[class*=view-count]`,
			`[class*=promo]`, `[id*=promo]`,
			`[class*=advert]`, `[class~=ad]`, `[class*=banner]`,
			`[class*=today]`, `[id*=today]`,
			`[class*=clock]`, `[class*=weather]`, `[class*=currency]`,
			`[data-volatile]`,
		},
		Patterns: []string{
			`(?i)\b\d[\d\s,.]*\s+(views?|reads?|просмотр\w*)\b`,
			`(?i)\btoday is [^<\n]{0,60}`,
			`(?i)\b(csrf|_token|nonce|sessionid|jsessionid)=[\w.-]+`,
		},
	}
}

// Normaliser strips the volatile parts of a page. It is safe for
// concurrent use.
type Normaliser struct {
	selectors []cascadia.Selector
	patterns  []*regexp.Regexp
}

// NewNormaliser compiles the selectors and patterns of v.
func NewNormaliser(v Volatile) (*Normaliser, error) {
	n := &Normaliser{}
	for _, s := range v.Selectors {
		sel, err := cascadia.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("volatile selector %q: %w", s, err)
		}
		n.selectors = append(n.selectors, sel)
	}
	for _, p := range v.Patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("volatile pattern %q: %w", p, err)
		}
		n.patterns = append(n.patterns, re)
	}
	return n, nil
}

// Text removes the volatile patterns from s and collapses its white space.
func (n *Normaliser) Text(s string) string {
	for _, re := range n.patterns {
		s = re.ReplaceAllString(s, "")
	}
	return strings.Join(strings.Fields(s), " ")
}

// Lines splits text into lines (paragraphs), each with the volatile
// patterns removed and its white space collapsed; empty lines are dropped.
func (n *Normaliser) Lines(text string) []string {
	var out []string
	for _, line := range strings.Split(text, "\n") {
		if t := n.Text(line); t != "" {
			out = append(out, t)
		}
	}
	return out
}

// Normalised is a page with its volatile parts stripped.
type Normalised struct {
	// HTML is the page re-serialised as UTF-8 after stripping, with a
	// leading byte order mark so that any reader takes it as UTF-8 whatever
	// the page's own declarations say.
	HTML []byte
	// Hash is the hex SHA-256 of the page's visible text and link targets
	// after stripping: two fetches with the same Hash show the same
	// content.
	Hash string
	// Title is the text of the <title> element, normalised.
	Title string
	// Doc is the parsed page after stripping, for further queries.
	Doc *html.Node
}

// utf8BOM makes every HTML reader decode the normalised page as UTF-8.
var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Normalise decodes body as the extractor does (BOM, the Content-Type
// header value contentType, a <meta> charset, each checked against the
// bytes, then sniffing), removes the volatile elements and hashes what is
// left.
func (n *Normaliser) Normalise(body []byte, contentType string) (Normalised, error) {
	// The extractor's decoder finds a <meta> charset anywhere in the head
	// and checks declarations against the bytes, so that one page decodes
	// the same way in every capture.
	dec := extract.Decode(body, contentType)
	doc, err := html.Parse(strings.NewReader(dec.Text))
	if err != nil {
		return Normalised{}, fmt.Errorf("parse html: %w", err)
	}
	for _, sel := range n.selectors {
		for _, node := range cascadia.QueryAll(doc, sel) {
			if node.Parent != nil {
				node.Parent.RemoveChild(node)
			}
		}
	}
	h := sha256.New()
	var title strings.Builder
	n.hashNode(doc, h, &title, false)
	var out bytes.Buffer
	out.Write(utf8BOM)
	if err := html.Render(&out, doc); err != nil {
		return Normalised{}, fmt.Errorf("render html: %w", err)
	}
	return Normalised{HTML: out.Bytes(), Hash: hex.EncodeToString(h.Sum(nil)), Title: n.Text(title.String()), Doc: doc}, nil
}

// hashed attributes: where links and images point, and image alt texts.
var hashedAttrs = map[string]bool{"href": true, "src": true, "alt": true}

// hashNode writes the visible text and link targets of node and its
// descendants to w, each piece normalised and followed by a separator.
func (n *Normaliser) hashNode(node *html.Node, w io.Writer, title *strings.Builder, inTitle bool) {
	switch node.Type {
	case html.TextNode:
		t := n.Text(node.Data)
		if t != "" {
			io.WriteString(w, t)
			w.Write([]byte{0})
		}
		if inTitle {
			title.WriteString(node.Data)
		}
		return
	case html.CommentNode, html.DoctypeNode:
		return
	case html.ElementNode:
		switch node.DataAtom {
		case atom.Script, atom.Style, atom.Noscript, atom.Template:
			return
		case atom.Title:
			inTitle = true
		}
		for _, a := range node.Attr {
			if hashedAttrs[a.Key] {
				v := n.Text(a.Val)
				if v != "" {
					io.WriteString(w, a.Key)
					w.Write([]byte{'='})
					io.WriteString(w, v)
					w.Write([]byte{0})
				}
			}
		}
	}
	for c := node.FirstChild; c != nil; c = c.NextSibling {
		n.hashNode(c, w, title, inTitle)
	}
}
