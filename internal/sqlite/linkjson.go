package sqlite

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/archive"
)

// A page's links are stored in one column, pages.links (migration 0007), as
// compact JSON: an array with one array of strings per link, in page order,
// holding the fields in the order of the former page_links columns
//
//	href, url, text, place, attr, tag, rel, raw, issue
//
// for example [["/en/a.html","https://portal.example/en/a.html","A","body","href","a"]].
// Two things are left out, losslessly:
//
//   - trailing empty fields (most links have no rel, raw or issue): a
//     missing field is "";
//   - the url when it equals a non-empty href (absolute links): it is
//     written as null, which reads back as the href. An empty url (an
//     href that is not a valid URL) is "" or missing, never null.
//
// A page without links stores NULL. The view page_links (0007) unfolds the
// column with json_each into the rows and columns of the former table, so
// that SQL written against the archive keeps working.
//
// Strings are written byte for byte. Only what JSON requires is escaped,
// exactly as SQLite's json_quote escapes it (\" \\ \b \t \n \f \r and
// \u00XX with lower-case hex for the other bytes below 0x20), so that the
// rows migration 0007 built with json_array are the text appendLinks
// writes, and a URL can be found in the text by its escaped form (LinksTo).
// Everything else, U+2028 and bytes that are not UTF-8 included, is copied
// unchanged. JSON proper is UTF-8, so a link holding invalid UTF-8 (the
// extractor emits none: it decodes every page to valid UTF-8) makes the
// column text that strict JSON tools may refuse or alter; we chose this
// over replacing such bytes with U+FFFD because SQLite's JSON functions do
// not validate UTF-8 either and pass the bytes through as they are, so
// appendLinks, decodeLinks and json_each (hence the view) give back the
// very bytes that were stored, as the former TEXT columns did.

// linkFields is the number of fields of a stored link.
const linkFields = 9

// appendLinks appends links to dst as stored in pages.links.
func appendLinks(dst []byte, links []archive.Link) []byte {
	dst = append(dst, '[')
	for i := range links {
		if i > 0 {
			dst = append(dst, ',')
		}
		l := &links[i]
		f := [linkFields]string{l.Href, l.URL, l.Text, string(l.Place), l.Attr, l.Tag, l.Rel, l.Raw, l.Issue}
		sameURL := l.URL == l.Href && l.Href != ""
		n := linkFields
		for n > 0 && f[n-1] == "" {
			n--
		}
		dst = append(dst, '[')
		for k := range n {
			if k > 0 {
				dst = append(dst, ',')
			}
			if k == 1 && sameURL {
				dst = append(dst, "null"...)
				continue
			}
			dst = appendJSONString(dst, f[k])
		}
		dst = append(dst, ']')
	}
	return append(dst, ']')
}

// jsonEscape holds, for each byte below 0x20 and for '"' and '\\', the
// letter of its short escape, or 'u' for \u00XX; 0 means the byte is
// copied as it is.
var jsonEscape = [256]byte{
	0: 'u', 1: 'u', 2: 'u', 3: 'u', 4: 'u', 5: 'u', 6: 'u', 7: 'u',
	'\b': 'b', '\t': 't', '\n': 'n', 0x0b: 'u', '\f': 'f', '\r': 'r', 0x0e: 'u', 0x0f: 'u',
	0x10: 'u', 0x11: 'u', 0x12: 'u', 0x13: 'u', 0x14: 'u', 0x15: 'u', 0x16: 'u', 0x17: 'u',
	0x18: 'u', 0x19: 'u', 0x1a: 'u', 0x1b: 'u', 0x1c: 'u', 0x1d: 'u', 0x1e: 'u', 0x1f: 'u',
	'"': '"', '\\': '\\',
}

// appendJSONString appends s as a JSON string, escaped as SQLite's
// json_quote escapes it.
func appendJSONString(dst []byte, s string) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		e := jsonEscape[s[i]]
		if e == 0 {
			continue
		}
		dst = append(dst, s[start:i]...)
		if e == 'u' {
			const hex = "0123456789abcdef"
			dst = append(dst, '\\', 'u', '0', '0', hex[s[i]>>4], hex[s[i]&0xf])
		} else {
			dst = append(dst, '\\', e)
		}
		start = i + 1
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// errLinksSyntax is the error of decodeLinks for text that appendLinks
// does not write.
var errLinksSyntax = errors.New("stored links: malformed")

// decodeLinks decodes the links stored in pages.links: what appendLinks
// writes, with JSON whitespace allowed between tokens. Fields without
// escapes are substrings of s, not copies. It returns nil for a page
// without links ("" or "[]") and errLinksSyntax for anything else than an
// array of arrays of at most linkFields strings (null only as the url).
// Escapes decode as in SQLite: \uXXXX pairs of surrogates to their
// character, a lone surrogate to its three-byte (WTF-8) form.
func decodeLinks(s string) ([]archive.Link, error) {
	if s == "" {
		return nil, nil
	}
	d := linkDecoder{s: s}
	d.space()
	if !d.eat('[') {
		return nil, errLinksSyntax
	}
	d.space()
	var links []archive.Link
	if !d.eat(']') {
		// Each link takes at least "[]," or "[]]": a bound on their number.
		links = make([]archive.Link, 0, min(strings.Count(s, "["), len(s)/3))
		for {
			l, ok := d.link()
			if !ok {
				return nil, errLinksSyntax
			}
			links = append(links, l)
			d.space()
			if d.eat(']') {
				break
			}
			if !d.eat(',') {
				return nil, errLinksSyntax
			}
			d.space()
		}
	}
	d.space()
	if d.i != len(s) {
		return nil, errLinksSyntax
	}
	return links, nil
}

// linkDecoder reads s from i.
type linkDecoder struct {
	s string
	i int
}

// space skips JSON whitespace.
func (d *linkDecoder) space() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

// eat consumes c if it is next.
func (d *linkDecoder) eat(c byte) bool {
	if d.i < len(d.s) && d.s[d.i] == c {
		d.i++
		return true
	}
	return false
}

// link reads one link's array.
func (d *linkDecoder) link() (archive.Link, bool) {
	var f [linkFields]string
	var l archive.Link
	if !d.eat('[') {
		return l, false
	}
	d.space()
	n, sameURL := 0, false
	if !d.eat(']') {
		for {
			if n == linkFields {
				return l, false
			}
			if n == 1 && strings.HasPrefix(d.s[d.i:], "null") {
				d.i += len("null")
				sameURL = true
			} else {
				v, ok := d.str()
				if !ok {
					return l, false
				}
				f[n] = v
			}
			n++
			d.space()
			if d.eat(']') {
				break
			}
			if !d.eat(',') {
				return l, false
			}
			d.space()
		}
	}
	if sameURL {
		f[1] = f[0]
	}
	l = archive.Link{Href: f[0], URL: f[1], Text: f[2], Place: archive.LinkPlace(f[3]), Attr: f[4], Tag: f[5], Rel: f[6], Raw: f[7], Issue: f[8]}
	return l, true
}

// str reads a JSON string: a substring of s when it has no escapes.
func (d *linkDecoder) str() (string, bool) {
	if !d.eat('"') {
		return "", false
	}
	start := d.i
	for i := start; i < len(d.s); i++ {
		switch c := d.s[i]; {
		case c == '"':
			d.i = i + 1
			return d.s[start:i], true
		case c == '\\':
			return d.unescape(start, i)
		case c < 0x20:
			return "", false // JSON has no raw control characters
		}
	}
	return "", false
}

// unescape reads the rest of a string that has an escape at i and began at
// start.
func (d *linkDecoder) unescape(start, i int) (string, bool) {
	b := make([]byte, 0, len(d.s)-start)
	b = append(b, d.s[start:i]...)
	s := d.s
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			d.i = i + 1
			return string(b), true
		case c < 0x20:
			return "", false
		case c != '\\':
			b = append(b, c)
			i++
			continue
		}
		if i+1 >= len(s) {
			return "", false
		}
		switch e := s[i+1]; e {
		case '"', '\\', '/':
			b = append(b, e)
		case 'b':
			b = append(b, '\b')
		case 'f':
			b = append(b, '\f')
		case 'n':
			b = append(b, '\n')
		case 'r':
			b = append(b, '\r')
		case 't':
			b = append(b, '\t')
		case 'u':
			r, ok := hex4(s, i+2)
			if !ok {
				return "", false
			}
			i += 6
			if r >= 0xd800 && r < 0xdc00 && i+1 < len(s) && s[i] == '\\' && s[i+1] == 'u' {
				if lo, ok := hex4(s, i+2); ok && lo >= 0xdc00 && lo < 0xe000 {
					r = 0x10000 + (r-0xd800)<<10 + (lo - 0xdc00)
					i += 6
				}
			}
			b = appendCodePoint(b, r)
			continue
		default:
			return "", false
		}
		i += 2
	}
	return "", false
}

// hex4 parses the four hex digits of s at i.
func hex4(s string, i int) (rune, bool) {
	if i+4 > len(s) {
		return 0, false
	}
	var r rune
	for _, c := range []byte(s[i : i+4]) {
		switch {
		case c >= '0' && c <= '9':
			c -= '0'
		case c >= 'a' && c <= 'f':
			c -= 'a' - 10
		case c >= 'A' && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// appendCodePoint appends r in UTF-8, and a surrogate, which UTF-8 cannot
// hold, in the three bytes SQLite gives it.
func appendCodePoint(b []byte, r rune) []byte {
	if r >= 0xd800 && r < 0xe000 {
		return append(b, 0xe0|byte(r>>12), 0x80|byte(r>>6)&0x3f, 0x80|byte(r)&0x3f)
	}
	return utf8.AppendRune(b, r)
}
