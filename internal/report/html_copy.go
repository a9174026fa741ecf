package report

import (
	"bytes"
	"fmt"
	"html"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html/charset"
)

// copyPolicy is the whitelist an archived page passes before the report
// shows it: text and structure only. Scripts, styles, event handlers, forms,
// frames, objects and every attribute that loads or navigates (src, href,
// srcset, action, style) are removed, so the copy neither runs code nor
// makes a request. It is built per report: a Policy is safe for concurrent
// use once built, but the package keeps no mutable state.
func copyPolicy() *bluemonday.Policy {
	p := bluemonday.NewPolicy()
	p.AllowElements(
		"a", "abbr", "address", "article", "aside", "b", "bdi", "bdo", "blockquote", "br",
		"caption", "cite", "code", "col", "colgroup", "dd", "del", "details", "dfn", "div",
		"dl", "dt", "em", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
		"header", "hgroup", "hr", "i", "ins", "kbd", "li", "main", "mark", "nav", "ol", "p",
		"pre", "q", "rp", "rt", "ruby", "s", "samp", "section", "small", "span", "strong",
		"sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr",
		"u", "ul", "var", "wbr",
	)
	// Images stay as their alt text's placeholder: no src, so nothing loads.
	p.AllowAttrs("alt", "width", "height").OnElements("img")
	p.AllowAttrs("datetime").OnElements("time", "del", "ins")
	p.AllowAttrs("colspan", "rowspan", "scope").OnElements("td", "th")
	p.AllowAttrs("class", "id", "lang", "dir", "title").Globally()
	p.AddSpaceWhenStrippingTag(true)
	return p
}

// copyStyle is the style sheet of a rendered copy. Its hash goes into the
// report's Content-Security-Policy, which the copy's frame inherits.
const copyStyle = `body{font:15px/1.5 system-ui,sans-serif;color:#1b1f24;margin:0;padding:0 1rem 1rem;max-width:60rem}` +
	`.archiver-banner{position:sticky;top:0;background:#fff8c5;border-bottom:1px solid #d4a72c;margin:0 -1rem 1rem;padding:.5rem 1rem;font-size:13px}` +
	`img{display:inline-block;min-width:3rem;min-height:2rem;outline:1px dashed #8c959f}` +
	`nav,header,footer{border:1px dotted #d0d7de;margin:.25rem 0;padding:.25rem}` +
	`table{border-collapse:collapse}td,th{border:1px solid #d0d7de;padding:2px 4px}`

// copyCSP is the policy the rendered copy declares for itself, on top of the
// one it inherits from the report: nothing may load, nothing may run.
const copyCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'"

// renderCopy turns the stored bytes of a capture into a self-contained, inert
// HTML document for a sandboxed frame. The body is decoded to UTF-8 with the
// charset the server or the page declared (or one sniffed), then sanitised.
// Non-HTML bodies are shown as text; binary bodies are described, not shown.
func renderCopy(p *bluemonday.Policy, c *Copy) string {
	var b strings.Builder
	b.WriteString(`<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="`)
	b.WriteString(copyCSP)
	b.WriteString(`"><style>`)
	b.WriteString(copyStyle)
	b.WriteString(`</style></head><body><p class="archiver-banner">`)
	fmt.Fprintf(&b, "Archived copy of <b>%s</b>, captured %s, SHA-256 %s. Scripts, styles, links, forms and external resources were removed for safe viewing.",
		html.EscapeString(c.URL), c.FetchedAt.UTC().Format("2006-01-02 15:04:05Z"), html.EscapeString(c.SHA256))
	b.WriteString(`</p>`)
	text, isHTML, err := decodeBody(c.Body, c.ContentType)
	switch {
	case err != nil:
		fmt.Fprintf(&b, "<p>The body could not be decoded: %s.</p>", html.EscapeString(err.Error()))
	case isHTML:
		b.WriteString(p.Sanitize(text))
	default:
		b.WriteString("<pre>")
		b.WriteString(html.EscapeString(text))
		b.WriteString("</pre>")
	}
	if c.Truncated {
		b.WriteString("<p><i>The archived body was cut at the size limit of the crawl.</i></p>")
	}
	b.WriteString(`</body></html>`)
	return b.String()
}

// decodeBody decodes a body to UTF-8 text and says whether it is HTML.
func decodeBody(body []byte, contentType string) (text string, isHTML bool, err error) {
	mediaType, _, _ := mime.ParseMediaType(contentType)
	switch {
	case mediaType == "" || mediaType == "text/html" || mediaType == "application/xhtml+xml":
		isHTML = true
	case strings.HasPrefix(mediaType, "text/") || strings.HasSuffix(mediaType, "+xml") ||
		strings.HasSuffix(mediaType, "/xml") || strings.HasSuffix(mediaType, "/json"):
	default:
		return fmt.Sprintf("%s body of %d bytes, not shown.", mediaType, len(body)), false, nil
	}
	if !isHTML && !utf8.Valid(body) && bytes.IndexByte(body, 0) >= 0 {
		return fmt.Sprintf("binary body of %d bytes, not shown.", len(body)), false, nil
	}
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		return "", false, fmt.Errorf("decode charset: %w", err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return "", false, fmt.Errorf("decode charset: %w", err)
	}
	return strings.ToValidUTF8(string(out), "\uFFFD"), isHTML, nil
}
