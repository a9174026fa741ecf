package extract

import (
	"bytes"
	"fmt"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/unicode"
)

// Decoded is the result of decoding a page's bytes to UTF-8.
type Decoded struct {
	Text    string // the page as UTF-8
	Charset string // the canonical name of the charset used
	From    string // bom, header, meta, sniff or default
	Note    string // a wrong or conflicting declaration, described; "" if none
	// Header and Meta are the charsets the Content-Type header and a
	// <meta> tag declare, by canonical name (a label no decoder knows is
	// kept lower case as written); "" where none is declared.
	Header, Meta string
}

// declaredName is the canonical name of a declared charset label, or the
// label itself, lower case, when no decoder knows it.
func declaredName(label string) string {
	if label == "" {
		return ""
	}
	if c := canonicalCharset(label); c != "" {
		return c
	}
	return strings.ToLower(strings.Trim(label, " \t\"'"))
}

// maxMetaScan bounds how far into the document the <meta> charset
// declaration is looked for when no </head> or <body> ends the head first.
const maxMetaScan = 512 << 10

// Decode converts raw page bytes to UTF-8. It honours, in order, a byte
// order mark, the charset of the Content-Type header and a <meta> charset
// declaration anywhere in the head; it checks every declaration against the
// bytes (a page declared windows-1251 whose bytes are valid multi-byte UTF-8
// is decoded as UTF-8, and the mismatch is recorded in Note), and it sniffs
// undeclared pages: valid UTF-8 first, then windows-1251, windows-1250 or
// windows-1252 by the shape of their high bytes.
func Decode(body []byte, contentType string) Decoded {
	out, raw := decodeBody(body, contentType)
	if raw != nil {
		out.Text = string(raw)
	}
	return out
}

// decodeBody is Decode, but for a text that is bytes of body as they are
// (valid UTF-8): it then leaves Text empty and returns those bytes as raw,
// so that the caller reads them without a copy. raw is nil otherwise.
func decodeBody(body []byte, contentType string) (out Decoded, raw []byte) {
	headerName, metaName := headerCharset(contentType), metaCharset(body)
	out, raw = decode(body, headerName, metaName)
	out.Header, out.Meta = declaredName(headerName), declaredName(metaName)
	return out, raw
}

// decode is decodeBody with the declared charset labels read.
func decode(body []byte, headerName, metaName string) (Decoded, []byte) {
	// 1. Byte order mark.
	switch {
	case bytes.HasPrefix(body, []byte{0xEF, 0xBB, 0xBF}):
		if rest := body[3:]; utf8.Valid(rest) {
			return Decoded{Charset: "utf-8", From: "bom"}, rest
		}
		return Decoded{Text: toValidUTF8(body[3:]), Charset: "utf-8", From: "bom"}, nil
	case bytes.HasPrefix(body, []byte{0xFF, 0xFE}), bytes.HasPrefix(body, []byte{0xFE, 0xFF}):
		name := "utf-16le"
		if body[0] == 0xFE {
			name = "utf-16be"
		}
		enc, _ := charset.Lookup(name)
		if s, err := decodeWith(enc, body); err == nil {
			return Decoded{Text: strings.TrimPrefix(s, "\uFEFF"), Charset: name, From: "bom"}, nil
		}
	}

	hasHigh := hasHighBytes(body)
	validUTF8 := utf8.Valid(body)

	var notes []string
	if headerName != "" && metaName != "" && canonicalCharset(headerName) != canonicalCharset(metaName) {
		notes = append(notes, fmt.Sprintf("HTTP header declares %s but <meta> declares %s", headerName, metaName))
	}

	// try decodes body as the declared charset name; raw is body when the
	// text is body as it is.
	try := func(name, from string) (out Decoded, raw []byte, ok bool) {
		canon := canonicalCharset(name)
		if canon == "" {
			notes = append(notes, fmt.Sprintf("unknown charset %q declared in %s", name, from))
			return Decoded{}, nil, false
		}
		if canon == "utf-8" {
			if validUTF8 {
				return Decoded{Charset: "utf-8", From: from}, body, true
			}
			notes = append(notes, fmt.Sprintf("%s declares utf-8 but the bytes are not valid UTF-8", from))
			return Decoded{}, nil, false
		}
		if isUTF16(canon) {
			// A declaration of UTF-16 without a BOM is almost always wrong
			// (the spec says to treat it as UTF-8).
			notes = append(notes, fmt.Sprintf("%s declares %s without a byte order mark", from, name))
			return Decoded{}, nil, false
		}
		if hasHigh && validUTF8 && hasMultiByteUTF8(body) {
			notes = append(notes, fmt.Sprintf("%s declares %s but the bytes are valid UTF-8", from, name))
			return Decoded{}, nil, false
		}
		enc, _ := charset.Lookup(canon)
		s, err := decodeWith(enc, body)
		if err != nil {
			notes = append(notes, fmt.Sprintf("%s declares %s, which cannot decode the bytes: %v", from, name, err))
			return Decoded{}, nil, false
		}
		return Decoded{Text: s, Charset: canon, From: from}, nil, true
	}

	// 2. HTTP header, 3. <meta>.
	for _, d := range []struct{ name, from string }{{headerName, "header"}, {metaName, "meta"}} {
		if d.name == "" {
			continue
		}
		if out, raw, ok := try(d.name, d.from); ok {
			out.Note = strings.Join(notes, "; ")
			return out, raw
		}
	}

	// 4. Sniff.
	out, raw := sniff(body, validUTF8, hasHigh)
	if headerName != "" || metaName != "" {
		notes = append(notes, "decoded as "+out.Charset+" by sniffing the bytes")
	}
	out.Note = strings.Join(notes, "; ")
	return out, raw
}

// sniff decides the charset of a page whose declarations are absent or
// wrong; raw is body when the text is body as it is.
func sniff(body []byte, validUTF8, hasHigh bool) (out Decoded, raw []byte) {
	if !hasHigh {
		return Decoded{Charset: "utf-8", From: "default"}, body
	}
	if validUTF8 {
		return Decoded{Charset: "utf-8", From: "sniff"}, body
	}
	name := guessLegacy(body)
	enc, _ := charset.Lookup(name)
	s, err := decodeWith(enc, body)
	if err != nil {
		return Decoded{Text: toValidUTF8(body), Charset: "utf-8", From: "sniff"}, nil
	}
	return Decoded{Text: s, Charset: name, From: "sniff"}, nil
}

// guessLegacy picks windows-1251, windows-1250 or windows-1252 for bytes that
// are not UTF-8. Cyrillic text in windows-1251 is made of runs of bytes in
// 0xC0–0xFF (whole words), while Western text in windows-1252 has isolated
// accented letters between ASCII ones; Central European text in windows-1250
// uses letters (ą ś ź ł ż š ž ť ľ) at code points that are rare punctuation
// or symbols in windows-1252.
func guessLegacy(body []byte) string {
	var high, runs, cee int
	prevHigh := false
	for _, b := range body {
		if b >= 0x80 {
			high++
			if b >= 0xC0 && prevHigh {
				runs++
			}
			prevHigh = b >= 0xC0
			switch b {
			case 0xB9, 0xA5, 0x9C, 0x8C, 0x9F, 0x8F, 0xB3, 0xA3, 0xBF, 0xAF, 0x9A, 0x8A, 0x9E, 0x8E, 0x9D, 0x8D, 0xBE, 0xBC:
				cee++
			}
			continue
		}
		prevHigh = false
	}
	if high == 0 {
		return "windows-1252"
	}
	if runs*3 > high {
		return "windows-1251"
	}
	if cee*5 > high {
		return "windows-1250"
	}
	return "windows-1252"
}

// headerCharset returns the charset parameter of a Content-Type value.
func headerCharset(contentType string) string {
	if contentType == "" {
		return ""
	}
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		// Be lenient: "text/html; charset=windows-1251;" or odd spacing.
		lower := strings.ToLower(contentType)
		if i := strings.Index(lower, "charset="); i >= 0 {
			v := strings.Trim(lower[i+len("charset="):], " \"';")
			if j := strings.IndexAny(v, " ;\"'"); j >= 0 {
				v = v[:j]
			}
			return v
		}
		return ""
	}
	return strings.TrimSpace(params["charset"])
}

// metaCharset finds a <meta charset> or <meta http-equiv=Content-Type>
// declaration anywhere in the head (up to </head>, <body> or maxMetaScan
// bytes), not only in the first 1024 bytes as the HTML standard's prescan.
func metaCharset(body []byte) string {
	if len(body) > maxMetaScan {
		body = body[:maxMetaScan]
	}
	if !hasMetaTag(body) {
		return ""
	}
	if cs, ok := metaCharsetPlain(body); ok {
		return cs
	}
	return metaCharsetTokens(body)
}

// metaCharsetPlain is metaCharset of the plain heads most pages open
// with (<!DOCTYPE html> <html lang="en"> <head> <meta charset="utf-8">),
// read without a tokenizer: it reads white space, a doctype, <html>,
// <head> and <meta> start tags, </head> and <body> as the tokenizer does,
// and gives up (false) at anything else, or at what it would read
// otherwise: a tag whose attributes are not plain (plainTag), text other
// than white space, comments, other tags.
func metaCharsetPlain(b []byte) (string, bool) {
	for {
		i := 0
		for i < len(b) && isTagSpace(b[i]) {
			i++
		}
		b = b[i:]
		if len(b) == 0 || b[0] != '<' {
			return "", false
		}
		switch {
		case len(b) >= 9 && b[1] == '!' && asciiFoldPrefix(string(b[2:9]), "doctype"):
			end := bytes.IndexByte(b, '>')
			if end < 0 {
				return "", false
			}
			b = b[end+1:]
			continue
		case tagNamed(b[1:], "body"):
			return "", true
		case len(b) >= 7 && b[1] == '/' && asciiFoldPrefix(string(b[2:6]), "head") && b[6] == '>':
			return "", true
		case tagNamed(b[1:], "html"), tagNamed(b[1:], "head"):
			end, _, ok := plainTag(b[5:])
			if !ok {
				return "", false
			}
			b = b[5+end:]
		case tagNamed(b[1:], "meta"):
			end, attrs, ok := plainTag(b[5:])
			if !ok {
				return "", false
			}
			b = b[5+end:]
			if cs := strings.TrimSpace(attrs.charset); cs != "" {
				return cs, true
			}
			if strings.ToLower(attrs.equiv) == "content-type" && attrs.content != "" {
				if c := headerCharset(attrs.content); c != "" {
					return c, true
				}
			}
		default:
			return "", false
		}
	}
}

// metaAttrs are the attributes of a <meta> tag that metaCharset reads:
// the first value of each, as the tokenizer keeps only the first of
// attributes of the same name.
type metaAttrs struct {
	charset, content, equiv          string
	hasCharset, hasContent, hasEquiv bool
}

// isTagSpace is the white space of the tokenizer.
func isTagSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f'
}

// tagNamed reports whether b, after a tag's "<", opens a tag of the given
// lower-case name of four letters: the name in any case, then white space,
// "/" or ">".
func tagNamed(b []byte, name string) bool {
	return len(b) > 4 && asciiFoldPrefix(string(b[:4]), name) && (isTagSpace(b[4]) || b[4] == '/' || b[4] == '>')
}

// plainTag reads the rest of a start tag after its name, as the tokenizer
// does, when it is plain: attributes set apart by white space, each a name
// of ASCII letters, digits, "-", "_", ":" and ".", with an optional value,
// quoted or not, that holds no "&" (an entity), NUL or carriage return
// (which the tokenizer rewrites); then white space, and "/>" or ">". It
// returns the length read, up to the ">", and the attributes metaCharset
// reads; ok is false for a tag that is not plain, or not closed.
func plainTag(b []byte) (n int, attrs metaAttrs, ok bool) {
	i := 0
	for {
		start := i
		for i < len(b) && isTagSpace(b[i]) {
			i++
		}
		if i == len(b) {
			return 0, attrs, false
		}
		switch {
		case b[i] == '>':
			return i + 1, attrs, true
		case b[i] == '/' && i+1 < len(b) && b[i+1] == '>':
			return i + 2, attrs, true
		case i == start:
			return 0, attrs, false // no white space before an attribute
		}
		k := i
		for i < len(b) && attrNameByte(b[i]) {
			i++
		}
		if i == k || i == len(b) {
			return 0, attrs, false
		}
		key := strings.ToLower(string(b[k:i]))
		j := i
		for j < len(b) && isTagSpace(b[j]) {
			j++
		}
		val := ""
		if j < len(b) && b[j] == '=' {
			i = j + 1
			for i < len(b) && isTagSpace(b[i]) {
				i++
			}
			if i == len(b) {
				return 0, attrs, false
			}
			var v []byte
			switch q := b[i]; q {
			case '>':
				// An empty value, and the tag's end.
			case '"', '\'':
				end := bytes.IndexByte(b[i+1:], q)
				if end < 0 {
					return 0, attrs, false
				}
				v, i = b[i+1:i+1+end], i+2+end
			default:
				end := i
				for end < len(b) && !isTagSpace(b[end]) && b[end] != '>' {
					end++
				}
				v, i = b[i:end], end
			}
			if bytes.IndexByte(v, '&') >= 0 || bytes.IndexByte(v, 0) >= 0 || bytes.IndexByte(v, '\r') >= 0 {
				return 0, attrs, false
			}
			val = string(v)
		}
		switch {
		case key == "charset" && !attrs.hasCharset:
			attrs.charset, attrs.hasCharset = val, true
		case key == "content" && !attrs.hasContent:
			attrs.content, attrs.hasContent = val, true
		case key == "http-equiv" && !attrs.hasEquiv:
			attrs.equiv, attrs.hasEquiv = val, true
		}
	}
}

// attrNameByte reports whether c may stand in an attribute name that
// plainTag reads.
func attrNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == ':' || c == '.'
}

// metaCharsetTokens is metaCharset of body, at most maxMetaScan bytes,
// read by the tokenizer.
func metaCharsetTokens(body []byte) string {
	z := html.NewTokenizer(bytes.NewReader(body))
	z.SetMaxBuf(maxMetaScan)
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return ""
		case html.EndTagToken:
			name, _ := z.TagName()
			if string(name) == "head" {
				return ""
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return ""
			case "meta":
				var cs, content, equiv string
				for hasAttr {
					var k, v []byte
					k, v, hasAttr = z.TagAttr()
					switch string(k) {
					case "charset":
						cs = string(v)
					case "content":
						content = string(v)
					case "http-equiv":
						equiv = strings.ToLower(string(v))
					}
				}
				if cs = strings.TrimSpace(cs); cs != "" {
					return cs
				}
				if equiv == "content-type" && content != "" {
					if c := headerCharset(content); c != "" {
						return c
					}
				}
			}
		}
	}
}

// hasMetaTag reports whether b holds "<meta" in any case: the tokenizer
// reads a <meta> start tag only there (a tag's name is the bytes right
// after its "<", lower-cased), so that without it metaCharset finds
// nothing and need not tokenize.
func hasMetaTag(b []byte) bool {
	for {
		i := bytes.IndexByte(b, '<')
		if i < 0 || len(b)-i < 5 {
			return false
		}
		b = b[i+1:]
		// c|0x20 is the lower case of c for a letter, and no other byte
		// gives a lower-case letter so.
		if b[0]|0x20 == 'm' && b[1]|0x20 == 'e' && b[2]|0x20 == 't' && b[3]|0x20 == 'a' {
			return true
		}
	}
}

// canonicalCharset returns the WHATWG name of a charset label, "" if unknown.
func canonicalCharset(label string) string {
	label = strings.ToLower(strings.Trim(label, " \t\"'"))
	if label == "" {
		return ""
	}
	_, name := charset.Lookup(label)
	return name
}

func isUTF16(name string) bool { return strings.HasPrefix(name, "utf-16") }

func decodeWith(enc encoding.Encoding, b []byte) (string, error) {
	if enc == nil {
		return "", fmt.Errorf("no decoder")
	}
	if enc == unicode.UTF8 {
		return toValidUTF8(b), nil
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return "", fmt.Errorf("decode: %w", err)
	}
	return string(out), nil
}

func toValidUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

func hasHighBytes(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return true
		}
	}
	return false
}

// hasMultiByteUTF8 reports whether b contains at least one multi-byte UTF-8
// sequence (so that valid UTF-8 is evidence, not an accident of ASCII).
func hasMultiByteUTF8(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if size > 1 && r != utf8.RuneError {
			return true
		}
		i += size
	}
	return false
}
