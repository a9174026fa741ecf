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

// scanHTML reads the links of a page, its <base href>, its rel=canonical,
// its meta refresh target and the dates of its content. It finds the start
// tags and their attributes exactly as the x/net/html Tokenizer does (see
// tagScanner) without making a token of anything else, and reads of each
// tag only the attributes that tag can yield something from. Attribute
// values with non-ASCII bytes are decoded with the page's charset (header,
// BOM, <meta>), so a windows-1251 href resolves as a browser would resolve
// it.
func scanHTML(body []byte, contentType string, requisites bool) scanned {
	var out scanned
	var decode func(string) string
	z := tagScanner{b: body}
	a := &z.attrs
	// text returns attribute i decoded from the page's charset.
	text := func(i int) string {
		if !a.has(i) {
			return ""
		}
		v, ascii := a.value(i)
		if ascii {
			return string(v)
		}
		if decode == nil {
			decode = pageDecoder(body, contentType)
		}
		return decode(string(v))
	}
	// lower returns attribute i lowercased, its bytes as they are.
	lower := func(i int) string {
		if !a.has(i) {
			return ""
		}
		v, _ := a.value(i)
		return strings.ToLower(string(v))
	}
	// datetime returns the datetime attribute, its bytes as they are.
	datetime := func() string {
		if !a.has(attrDatetime) {
			return ""
		}
		v, _ := a.value(attrDatetime)
		return string(v)
	}
	addDate := func(s string) {
		if d, ok := parseContentDate(s); ok {
			out.Dates = append(out.Dates, d)
		}
	}
	for z.next() {
		if a.have == 0 {
			continue
		}
		tag := z.tagName()
		if u := onclickURL(text(attrOnclick)); u != "" {
			out.Links = append(out.Links, foundLink{Href: u, Tag: tag + "[onclick]"})
		}
		itemprop := lower(attrItemprop)
		switch tag {
		case "a", "area":
			if href := text(attrHref); href != "" {
				out.Links = append(out.Links, foundLink{Href: href, Tag: tag})
			}
		case "base":
			if href := text(attrHref); out.Base == "" && href != "" {
				out.Base = href
			}
		case "link":
			if !a.has(attrRel) {
				break
			}
			switch rel := lower(attrRel); {
			case hasToken(rel, "canonical"):
				href := text(attrHref)
				if out.Canonical == "" {
					out.Canonical = href
				}
				out.Links = append(out.Links, foundLink{Href: href, Tag: "link"})
			case hasToken(rel, "alternate"), hasToken(rel, "next"), hasToken(rel, "prev"), hasToken(rel, "sitemap"):
				out.Links = append(out.Links, foundLink{Href: text(attrHref), Tag: "link"})
			case requisites && (hasToken(rel, "stylesheet") || hasToken(rel, "icon")):
				out.Links = append(out.Links, foundLink{Href: text(attrHref), Tag: "link"})
			}
		case "iframe", "frame":
			if src := text(attrSrc); src != "" {
				out.Links = append(out.Links, foundLink{Href: src, Tag: tag})
			}
		case "img", "script", "source", "video", "audio", "embed":
			if !requisites {
				break
			}
			if src := text(attrSrc); src != "" {
				out.Links = append(out.Links, foundLink{Href: src, Tag: tag})
			}
		case "meta":
			if !a.has(attrContent) {
				break
			}
			content := text(attrContent)
			if lower(attrHTTPEquiv) == "refresh" {
				if u := refreshURL(content); u != "" {
					out.Links = append(out.Links, foundLink{Href: u, Tag: "meta"})
				}
			}
			// The first of property and name, in the order written, that
			// is not empty.
			first, second := attrProperty, attrName
			if a.has(attrName) && (!a.has(attrProperty) || a.order[attrName] < a.order[attrProperty]) {
				first, second = attrName, attrProperty
			}
			property := lower(first)
			if property == "" {
				property = lower(second)
			}
			if property == "article:published_time" || property == "article:modified_time" || itemprop == "datepublished" {
				addDate(content)
			}
		case "time":
			addDate(datetime())
		}
		if itemprop == "datepublished" && tag != "time" {
			if dt := datetime(); dt != "" {
				addDate(dt)
			}
		}
	}
	return out
}

// The attributes scanHTML reads, as indexes into tagAttrs.
const (
	attrHref = iota
	attrSrc
	attrRel
	attrOnclick
	attrContent
	attrHTTPEquiv
	attrProperty
	attrName
	attrDatetime
	attrItemprop
	numAttrs
)

// attrNames are the names of the attributes scanHTML reads, by index.
var attrNames = [numAttrs]string{"href", "src", "rel", "onclick", "content", "http-equiv", "property", "name", "datetime", "itemprop"}

// knownTags are the tag names scanHTML compares against, so that tagName
// returns them without allocating.
var knownTags = [...]string{"a", "area", "base", "link", "iframe", "frame", "img", "script", "source", "video", "audio", "embed", "meta", "time"}

// tagAttrs are the attributes of one start tag that scanHTML reads: for
// each name, the first attribute of that name (in any ASCII case), as the
// Tokenizer keeps only the first of a name.
type tagAttrs struct {
	have  uint16           // bit i: attribute i is present
	raw   [numAttrs][]byte // the value as written, without its quotes
	quote [numAttrs]byte   // its quote, 0 if unquoted
	order [numAttrs]int    // its position among the tag's attributes
}

func (a *tagAttrs) has(i int) bool { return a.have&(1<<i) != 0 }

// keep records attribute number n of a tag when its name is one scanHTML
// reads and it is the first of that name.
func (a *tagAttrs) keep(n int, key, val []byte, quote byte) {
	for i, name := range attrNames {
		if len(key) == len(name) && equalLowerASCII(key, name) {
			if !a.has(i) {
				a.have |= 1 << i
				a.raw[i], a.quote[i], a.order[i] = val, quote, n
			}
			return
		}
	}
}

// value returns the value of attribute i as the Tokenizer's TagAttr does
// (NUL bytes replaced, newlines normalized, character references
// unescaped), and whether it is all ASCII.
func (a *tagAttrs) value(i int) (v []byte, ascii bool) {
	v, ascii = a.raw[i], true
	amp := false
	for _, c := range v {
		switch {
		case c == 0 || c == '\r':
			return tokenizerAttr(v, a.quote[i])
		case c == '&':
			amp = true
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	if !amp {
		return v, ascii
	}
	// "&amp;" is by far the commonest reference in an attribute (a
	// query string's separator) and always stands for "&".
	for rest := v; ; {
		j := bytes.IndexByte(rest, '&')
		if j < 0 {
			break
		}
		if !bytes.HasPrefix(rest[j:], []byte("&amp;")) {
			return tokenizerAttr(v, a.quote[i])
		}
		rest = rest[j+len("&amp;"):]
	}
	return bytes.ReplaceAll(v, []byte("&amp;"), []byte("&")), ascii
}

// tokenizerAttr returns what the Tokenizer's TagAttr gives for an
// attribute value written as raw between quote (0: unquoted), and whether
// it is all ASCII.
func tokenizerAttr(raw []byte, quote byte) ([]byte, bool) {
	tag := make([]byte, 0, len(raw)+8)
	tag = append(tag, "<a v="...)
	if quote != 0 {
		tag = append(tag, quote)
	}
	tag = append(tag, raw...)
	if quote != 0 {
		tag = append(tag, quote)
	}
	tag = append(tag, '>')
	z := html.NewTokenizer(bytes.NewReader(tag))
	z.Next()
	_, v, _ := z.TagAttr()
	return v, isASCII(string(v))
}

// equalLowerASCII reports whether b is lower (lowercase ASCII) in any
// ASCII case; len(b) == len(lower).
func equalLowerASCII(b []byte, lower string) bool {
	for i := 0; i < len(lower); i++ {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// tagScanner finds the start tags of an HTML document and the attributes
// of each that scanHTML reads, as the x/net/html Tokenizer tokenizes the
// document (its methods follow the Tokenizer's of the same names): text,
// comments, doctypes, end tags and the raw text of script, style, title,
// textarea and the like are passed over, a tag cut off by the end of the
// document is no tag, and nothing follows <plaintext>. Only the bytes that
// can end a state are looked at one by one.
type tagScanner struct {
	b      []byte
	pos    int    // the next byte to read
	rawTag string // the element whose raw text comes next (lowercase), "" if none
	name   []byte // the name of the current start tag, as written
	attrs  tagAttrs
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

func isASCIILetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// next moves to the next start tag; false at the end of the document.
func (z *tagScanner) next() bool {
	b := z.b
	for {
		if z.rawTag != "" && !z.readRawOrRCDATA() {
			return false
		}
		i := bytes.IndexByte(b[z.pos:], '<')
		if i < 0 {
			z.pos = len(b)
			return false
		}
		p := z.pos + i + 1
		if p >= len(b) {
			return false
		}
		switch c := b[p]; {
		case isASCIILetter(c):
			return z.readStartTag(p)
		case c == '/':
			p++
			if p >= len(b) {
				return false
			}
			switch c := b[p]; {
			case c == '>': // "</>" is no token
				z.pos = p + 1
			case isASCIILetter(c):
				if !z.readTag(p, false) {
					return false
				}
			default:
				if !z.readUntilCloseAngle(p) {
					return false
				}
			}
		case c == '!':
			if !z.readMarkupDeclaration(p + 1) {
				return false
			}
		case c == '?':
			if !z.readUntilCloseAngle(p) {
				return false
			}
		default: // text: c is read again
			z.pos = p
		}
	}
}

// readUntilCloseAngle passes over a bogus comment from p to the next ">".
func (z *tagScanner) readUntilCloseAngle(p int) bool {
	j := bytes.IndexByte(z.b[p:], '>')
	if j < 0 {
		z.pos = len(z.b)
		return false
	}
	z.pos = p + j + 1
	return true
}

// readMarkupDeclaration passes over a comment, a doctype or a bogus
// comment; p is after its "<!".
func (z *tagScanner) readMarkupDeclaration(p int) bool {
	b := z.b
	if len(b)-p < 2 {
		return false
	}
	if b[p] != '-' || b[p+1] != '-' {
		// A doctype or a bogus comment: both end at the first ">".
		return z.readUntilCloseAngle(p)
	}
	dashes, beginning := 0, true
	for q := p + 2; q < len(b); {
		c := b[q]
		q++
		switch c {
		case '-':
			dashes++
			continue
		case '>':
			if dashes >= 2 || beginning {
				z.pos = q
				return true
			}
		case '!':
			if dashes >= 2 {
				if q >= len(b) {
					return false
				}
				c = b[q]
				q++
				if c == '>' {
					z.pos = q
					return true
				}
				if c == '-' {
					dashes, beginning = 1, false
					continue
				}
			}
		}
		dashes, beginning = 0, false
	}
	return false
}

// readStartTag reads the start tag whose name begins at p.
func (z *tagScanner) readStartTag(p int) bool {
	if !z.readTag(p, true) {
		return false
	}
	for _, raw := range [...]string{"iframe", "noembed", "noframes", "noscript", "plaintext", "script", "style", "textarea", "title", "xmp"} {
		if len(z.name) == len(raw) && equalLowerASCII(z.name, raw) {
			z.rawTag = raw
			break
		}
	}
	return true
}

// readTag reads a tag whose name begins at p, up to its ">"; with save,
// it records the tag's name and the attributes scanHTML reads. It reports
// false when the document ends first.
func (z *tagScanner) readTag(p int, save bool) bool {
	b, n := z.b, len(z.b)
	if save {
		z.attrs.have = 0
	}
	q := p + 1
	for ; q < n; q++ {
		if c := b[q]; isHTMLSpace(c) || c == '/' || c == '>' {
			break
		}
	}
	if q >= n {
		return false
	}
	if save {
		z.name = b[p:q]
	}
	if isHTMLSpace(b[q]) {
		q++
	}
	for nattr := 0; ; nattr++ {
		for q < n && isHTMLSpace(b[q]) {
			q++
		}
		if q >= n {
			return false
		}
		if b[q] == '>' {
			z.pos = q + 1
			return true
		}
		// The name: a first "=" belongs to it.
		ks := q
		for {
			if q >= n {
				return false
			}
			c := b[q]
			q++
			if c == '=' && q == ks+1 {
				continue
			}
			if c == '=' || isHTMLSpace(c) || c == '/' || c == '>' {
				q--
				break
			}
		}
		ke := q
		// The value.
		vs, ve, quote := q, q, byte(0)
		for q < n && isHTMLSpace(b[q]) {
			q++
		}
		if q >= n {
			return false
		}
		c := b[q]
		q++
		switch c {
		case '/':
		case '=':
			for q < n && isHTMLSpace(b[q]) {
				q++
			}
			if q >= n {
				return false
			}
			c = b[q]
			q++
			switch c {
			case '>':
				q--
			case '\'', '"':
				j := bytes.IndexByte(b[q:], c)
				if j < 0 {
					return false
				}
				vs, ve, quote = q, q+j, c
				q += j + 1
			default:
				vs = q - 1
				for {
					if q >= n {
						return false
					}
					c := b[q]
					q++
					if isHTMLSpace(c) {
						ve = q - 1
						break
					}
					if c == '>' {
						q--
						ve = q
						break
					}
				}
			}
		default:
			q--
		}
		if save && ke > ks {
			z.attrs.keep(nattr, b[ks:ke], b[vs:ve], quote)
		}
	}
}

// tagName returns the current start tag's name as the Tokenizer's TagName
// does: lowercased, NUL bytes replaced.
func (z *tagScanner) tagName() string {
	var buf [8]byte
	if n := z.name; len(n) <= len(buf) {
		for i, c := range n {
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			buf[i] = c
		}
		for _, t := range knownTags {
			if string(buf[:len(n)]) == t {
				return t
			}
		}
	}
	s := bytes.ReplaceAll(z.name, []byte{0}, []byte("\uFFFD"))
	for i, c := range s {
		if 'A' <= c && c <= 'Z' {
			s[i] = c + 'a' - 'A'
		}
	}
	return string(s)
}

// readRawOrRCDATA passes over the text of the element named by z.rawTag
// up to its end tag, and clears z.rawTag.
func (z *tagScanner) readRawOrRCDATA() bool {
	tag := z.rawTag
	z.rawTag = ""
	switch tag {
	case "plaintext":
		z.pos = len(z.b)
		return false
	case "script":
		return z.readScript()
	}
	b, p := z.b, z.pos
	for {
		i := bytes.IndexByte(b[p:], '<')
		if i < 0 {
			return false
		}
		p += i + 1
		if p >= len(b) {
			return false
		}
		if b[p] != '/' {
			continue
		}
		q, ok, end := z.readRawEndTag(p+1, tag)
		switch {
		case ok:
			z.pos = q
			return true
		case end:
			return false
		}
		p = q
	}
}

// readRawEndTag reads name (lowercase) and a byte that ends a tag name
// from p, after a "</". It returns the position of the "<" and ok if they
// are there; the position to read on from if not; end if the document
// ends first.
func (z *tagScanner) readRawEndTag(p int, name string) (q int, ok, end bool) {
	b := z.b
	for i := 0; i < len(name); i++ {
		if p+i >= len(b) {
			return 0, false, true
		}
		if c := b[p+i]; c != name[i] && c != name[i]-('a'-'A') {
			return p + i, false, false
		}
	}
	q = p + len(name)
	if q >= len(b) {
		return 0, false, true
	}
	switch b[q] {
	case ' ', '\n', '\r', '\t', '\f', '/', '>':
		return p - 2, true, false
	}
	return q, false, false
}

// readScript passes over a script's text up to its </script>, following
// the rules for escaping and hiding the end tag, as the Tokenizer's
// readScript does (the states are named after the specification's).
func (z *tagScanner) readScript() bool {
	b, q := z.b, z.pos
	var c byte
	read := func() bool {
		if q >= len(b) {
			return false
		}
		c = b[q]
		q++
		return true
	}
	const name = "script"

scriptData:
	if i := bytes.IndexByte(b[q:], '<'); i < 0 {
		return false
	} else {
		q += i + 1
	}
	// scriptDataLessThanSign
	if !read() {
		return false
	}
	switch c {
	case '/':
		goto scriptDataEndTagOpen
	case '!':
		goto scriptDataEscapeStart
	}
	q--
	goto scriptData

scriptDataEndTagOpen:
	if p, ok, end := z.readRawEndTag(q, name); ok {
		z.pos = p
		return true
	} else if end {
		return false
	} else {
		q = p
	}
	goto scriptData

scriptDataEscapeStart:
	if !read() {
		return false
	}
	if c == '-' {
		goto scriptDataEscapeStartDash
	}
	q--
	goto scriptData

scriptDataEscapeStartDash:
	if !read() {
		return false
	}
	if c == '-' {
		goto scriptDataEscapedDashDash
	}
	q--
	goto scriptData

scriptDataEscaped:
	if !read() {
		return false
	}
	switch c {
	case '-':
		goto scriptDataEscapedDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDash:
	if !read() {
		return false
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	}
	goto scriptDataEscaped

scriptDataEscapedDashDash:
	if !read() {
		return false
	}
	switch c {
	case '-':
		goto scriptDataEscapedDashDash
	case '<':
		goto scriptDataEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataEscaped

scriptDataEscapedLessThanSign:
	if !read() {
		return false
	}
	if c == '/' {
		goto scriptDataEscapedEndTagOpen
	}
	if isASCIILetter(c) {
		goto scriptDataDoubleEscapeStart
	}
	q--
	goto scriptData

scriptDataEscapedEndTagOpen:
	if p, ok, end := z.readRawEndTag(q, name); ok {
		z.pos = p
		return true
	} else if end {
		return false
	} else {
		q = p
	}
	goto scriptDataEscaped

scriptDataDoubleEscapeStart:
	q--
	for i := 0; i < len(name); i++ {
		if !read() {
			return false
		}
		if c != name[i] && c != name[i]-('a'-'A') {
			q--
			goto scriptDataEscaped
		}
	}
	if !read() {
		return false
	}
	if isHTMLSpace(c) || c == '/' || c == '>' {
		goto scriptDataDoubleEscaped
	}
	q--
	goto scriptDataEscaped

scriptDataDoubleEscaped:
	if !read() {
		return false
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDash:
	if !read() {
		return false
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedDashDash:
	if !read() {
		return false
	}
	switch c {
	case '-':
		goto scriptDataDoubleEscapedDashDash
	case '<':
		goto scriptDataDoubleEscapedLessThanSign
	case '>':
		goto scriptData
	}
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapedLessThanSign:
	if !read() {
		return false
	}
	if c == '/' {
		goto scriptDataDoubleEscapeEnd
	}
	q--
	goto scriptDataDoubleEscaped

scriptDataDoubleEscapeEnd:
	if p, ok, end := z.readRawEndTag(q, name); ok {
		q = p + len("</script>")
		goto scriptDataEscaped
	} else if end {
		return false
	} else {
		q = p
	}
	goto scriptDataDoubleEscaped
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
	for f := range strings.FieldsSeq(list) {
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
