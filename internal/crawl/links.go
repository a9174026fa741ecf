package crawl

import (
	"bytes"
	"mime"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
)

// foundLink is one URL reference found in a page, as written.
type foundLink struct {
	Href string
	Tag  string
}

// scanned is what one pass of the HTML tokenizer finds in a page: its
// links, its <base href>, its rel=canonical, its meta refresh target and
// the dates of its content.
type scanned struct {
	Links     []foundLink
	Base      string
	Canonical string
	Dates     []time.Time
}

// scanHTML reads links with the x/net/html tokenizer (no tree is built).
// Attribute values with non-ASCII bytes are decoded with the page's
// charset (header, BOM, <meta>), so a windows-1251 href resolves as a
// browser would resolve it.
func scanHTML(body []byte, contentType string, requisites bool) scanned {
	return scanHTMLTags(body, contentType, requisites, true)
}

// scanHTMLTags is scanHTML; with skip, the attributes of a start tag that
// cannot yield anything (see mayYield) are not read, which spares the
// tokenizer's copy of every name and value. Tests compare both ways.
func scanHTMLTags(body []byte, contentType string, requisites, skip bool) scanned {
	var out scanned
	z := html.NewTokenizer(bytes.NewReader(body))
	z.SetMaxBuf(0)
	var decode func(string) string
	dec := func(v []byte) string {
		s := string(v)
		if utf8.ValidString(s) && isASCII(s) {
			return s
		}
		if decode == nil {
			decode = pageDecoder(body, contentType)
		}
		return decode(s)
	}
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken:
		default:
			continue
		}
		if skip && !mayYield(z.Raw(), requisites) {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		tag := string(name)
		var href, src, rel, onclick, content, httpEquiv, property, datetime, itemprop string
		for {
			k, v, more := z.TagAttr()
			switch string(k) {
			case "href":
				href = dec(v)
			case "src":
				src = dec(v)
			case "rel":
				rel = strings.ToLower(string(v))
			case "onclick":
				onclick = dec(v)
			case "content":
				content = dec(v)
			case "http-equiv":
				httpEquiv = strings.ToLower(string(v))
			case "property", "name":
				if property == "" {
					property = strings.ToLower(string(v))
				}
			case "datetime":
				datetime = string(v)
			case "itemprop":
				itemprop = strings.ToLower(string(v))
			}
			if !more {
				break
			}
		}
		if u := onclickURL(onclick); u != "" {
			out.Links = append(out.Links, foundLink{Href: u, Tag: tag + "[onclick]"})
		}
		switch tag {
		case "a", "area":
			if href != "" {
				out.Links = append(out.Links, foundLink{Href: href, Tag: tag})
			}
		case "base":
			if out.Base == "" && href != "" {
				out.Base = href
			}
		case "link":
			switch {
			case hasToken(rel, "canonical"):
				if out.Canonical == "" {
					out.Canonical = href
				}
				out.Links = append(out.Links, foundLink{Href: href, Tag: "link"})
			case hasToken(rel, "alternate"), hasToken(rel, "next"), hasToken(rel, "prev"), hasToken(rel, "sitemap"):
				out.Links = append(out.Links, foundLink{Href: href, Tag: "link"})
			case requisites && (hasToken(rel, "stylesheet") || hasToken(rel, "icon")):
				out.Links = append(out.Links, foundLink{Href: href, Tag: "link"})
			}
		case "iframe", "frame":
			if src != "" {
				out.Links = append(out.Links, foundLink{Href: src, Tag: tag})
			}
		case "img", "script", "source", "video", "audio", "embed":
			if requisites && src != "" {
				out.Links = append(out.Links, foundLink{Href: src, Tag: tag})
			}
		case "meta":
			if httpEquiv == "refresh" {
				if u := refreshURL(content); u != "" {
					out.Links = append(out.Links, foundLink{Href: u, Tag: "meta"})
				}
			}
			if property == "article:published_time" || property == "article:modified_time" || itemprop == "datepublished" {
				if d, ok := parseContentDate(content); ok {
					out.Dates = append(out.Dates, d)
				}
			}
		case "time":
			if d, ok := parseContentDate(datetime); ok {
				out.Dates = append(out.Dates, d)
			}
		}
		if itemprop == "datepublished" && datetime != "" && tag != "time" {
			if d, ok := parseContentDate(datetime); ok {
				out.Dates = append(out.Dates, d)
			}
		}
	}
}

// mayYield reports whether the start tag whose text is raw ("<name …>")
// can add to what scanHTML finds: a tag whose attributes scanHTML reads by
// its name, or any tag with an onclick or itemprop attribute. Both tests
// look at the raw text as the tokenizer does: the name runs from after "<"
// to the first space, "/" or ">" and is lowercased in ASCII only, and an
// attribute name appears in the text as written, in any ASCII case.
func mayYield(raw []byte, requisites bool) bool {
	name := raw[min(1, len(raw)):]
	for i, c := range name {
		if c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '/' || c == '>' {
			name = name[:i]
			break
		}
	}
	var lower [6]byte // the longest name below
	if len(name) <= len(lower) {
		for i, c := range name {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			lower[i] = c
		}
		switch string(lower[:len(name)]) {
		case "a", "area", "base", "link", "iframe", "frame", "meta", "time":
			return true
		case "img", "script", "source", "video", "audio", "embed":
			if requisites {
				return true
			}
		}
	}
	// One pass for both attribute names.
	for i, c := range raw {
		switch c | 0x20 {
		case 'o':
			if hasPrefixFoldASCII(raw[i:], "onclick") {
				return true
			}
		case 'i':
			if hasPrefixFoldASCII(raw[i:], "itemprop") {
				return true
			}
		}
	}
	return false
}

// hasPrefixFoldASCII reports whether b begins with lower (lowercase ASCII
// letters) in any ASCII case.
func hasPrefixFoldASCII(b []byte, lower string) bool {
	if len(b) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		if b[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// pageDecoder returns a function decoding attribute text from the page's
// charset to UTF-8.
func pageDecoder(body []byte, contentType string) func(string) string {
	head := body
	if len(head) > 1024 {
		head = head[:1024]
	}
	enc, name, certain := charset.DetermineEncoding(head, contentType)
	if name == "utf-8" || (!certain && utf8.Valid(body)) {
		return func(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }
	}
	return func(s string) string {
		out, err := enc.NewDecoder().String(s)
		if err != nil {
			return strings.ToValidUTF8(s, "\uFFFD")
		}
		return out
	}
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if f == tok {
			return true
		}
	}
	return false
}

// onclickURL finds a URL in a script handler such as
// "return get_page('/all_news/page/7/','inner','1')": the first quoted
// string that starts with "/" or "http".
func onclickURL(js string) string {
	for len(js) > 0 {
		i := strings.IndexAny(js, `'"`)
		if i < 0 {
			return ""
		}
		q := js[i]
		rest := js[i+1:]
		j := strings.IndexByte(rest, q)
		if j < 0 {
			return ""
		}
		s := rest[:j]
		if (strings.HasPrefix(s, "/") && !strings.HasPrefix(s, "//")) || strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
			return s
		}
		js = rest[j+1:]
	}
	return ""
}

// refreshURL reads the target of <meta http-equiv=refresh content="5; url=…">.
func refreshURL(content string) string {
	_, after, ok := strings.Cut(content, ";")
	if !ok {
		return ""
	}
	after = strings.TrimSpace(after)
	if len(after) < 4 || !strings.EqualFold(after[:3], "url") {
		return ""
	}
	after = strings.TrimSpace(after[3:])
	after = strings.TrimPrefix(after, "=")
	return strings.Trim(strings.TrimSpace(after), `'"`)
}

// isHTML reports whether a response is an HTML page, from its Content-Type
// or, without one, from its first bytes.
func isHTML(header http.Header, body []byte) bool {
	ct := header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.Contains(strings.ToLower(ct), "html")
	}
	return mt == "text/html" || mt == "application/xhtml+xml"
}

// isSitemap reports whether a response looks like a sitemap: XML whose
// root element is urlset or sitemapindex (possibly gzipped).
func isSitemap(header http.Header, body []byte, path string) bool {
	ct := strings.ToLower(header.Get("Content-Type"))
	if !strings.Contains(ct, "xml") && !strings.HasSuffix(path, ".xml") && !strings.HasSuffix(path, ".xml.gz") && !strings.Contains(ct, "gzip") {
		return false
	}
	head := body
	if len(head) > 2048 {
		head = head[:2048]
	}
	return bytes.Contains(head, []byte("<urlset")) || bytes.Contains(head, []byte("<sitemapindex")) || (len(body) > 2 && body[0] == 0x1f && body[1] == 0x8b)
}
