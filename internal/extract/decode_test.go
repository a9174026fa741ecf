package extract

import (
	"math/rand"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
)

func mustEncode(t *testing.T, cm *charmap.Charmap, s string) []byte {
	t.Helper()
	b, err := cm.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecode(t *testing.T) {
	ru := "<html><head><title>Новости</title></head><body><p>Минск, 3 апреля — Президент провёл совещание с правительством.</p></body></html>"
	pl := "<html><head></head><body><p>Zażółć gęślą jaźń. Świętość, źdźbło, łąka i żółw są ważne.</p></body></html>"
	fr := "<html><head></head><body><p>Le café est très apprécié à Paris, où l'été est chaud.</p></body></html>"
	late := "<html><head>" + strings.Repeat("<!-- padding -->", 100) + `<meta charset="windows-1251"></head><body>Привет, мир</body></html>`
	tests := []struct {
		name        string
		body        []byte
		contentType string
		charset     string
		from        string
		wantText    string
		note        bool
	}{
		{"utf-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, "<p>café</p>"...), "", "utf-8", "bom", "café", false},
		{"utf-16le BOM", []byte{0xFF, 0xFE, '<', 0, 'p', 0, '>', 0, 0xE9, 0, '<', 0}, "", "utf-16le", "bom", "<p>é<", false},
		{"header windows-1251", mustEncode(t, charmap.Windows1251, ru), "text/html; charset=windows-1251", "windows-1251", "header", "Президент провёл", false},
		{"meta beyond 1024 bytes", mustEncode(t, charmap.Windows1251, late), "text/html", "windows-1251", "meta", "Привет, мир", false},
		{"undeclared utf-8 after ASCII kilobyte", []byte("<html><head>" + strings.Repeat(" ", 2000) + "</head><body>café</body></html>"), "", "utf-8", "sniff", "café", false},
		{"undeclared windows-1251", mustEncode(t, charmap.Windows1251, ru), "", "windows-1251", "sniff", "совещание", false},
		{"undeclared windows-1250", mustEncode(t, charmap.Windows1250, pl), "", "windows-1250", "sniff", "gęślą jaźń", false},
		{"undeclared windows-1252", mustEncode(t, charmap.Windows1252, fr), "", "windows-1252", "sniff", "café est très", false},
		{"meta says windows-1251 but bytes are UTF-8", []byte(`<html><head><meta charset="windows-1251"></head><body>Привет</body></html>`), "", "utf-8", "sniff", "Привет", true},
		{"header utf-8 but bytes are windows-1251", mustEncode(t, charmap.Windows1251, ru), "text/html; charset=utf-8", "windows-1251", "sniff", "Минск", true},
		{"header and meta disagree", mustEncode(t, charmap.Windows1251, strings.Replace(ru, "<head>", `<head><meta charset="koi8-r">`, 1)), "text/html; charset=windows-1251", "windows-1251", "header", "Минск", true},
		{"ASCII only", []byte("<p>hello</p>"), "", "utf-8", "default", "hello", false},
		{"unknown label falls back", []byte("<p>hello</p>"), "text/html; charset=x-nonsense", "utf-8", "default", "hello", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := Decode(tt.body, tt.contentType)
			if d.Charset != tt.charset || d.From != tt.from {
				t.Errorf("charset %q from %q, want %q from %q (note %q)", d.Charset, d.From, tt.charset, tt.from, d.Note)
			}
			if !strings.Contains(d.Text, tt.wantText) {
				t.Errorf("text %q does not contain %q", d.Text, tt.wantText)
			}
			if (d.Note != "") != tt.note {
				t.Errorf("note %q, want a note: %v", d.Note, tt.note)
			}
		})
	}
}

func utf8ValidString(s string) bool { return utf8.ValidString(s) }

// checkMetaCharset holds metaCharset, which skips the tokenizer for bytes
// without "<meta" (hasMetaTag) and for plain heads (metaCharsetPlain), to
// the tokenizer's answer, and decodeBody, which hands back UTF-8 bytes as
// they are, to Decode. It reports whether metaCharsetPlain read the head.
func checkMetaCharset(t *testing.T, body []byte, ct string) (plain bool) {
	t.Helper()
	want := metaCharsetTokens(body)
	if got := metaCharset(body); got != want {
		t.Errorf("metaCharset(%q) = %q, the tokenizer reads %q", body, got, want)
	}
	if got, ok := metaCharsetPlain(body); ok && got != want {
		t.Errorf("metaCharsetPlain(%q) = %q, the tokenizer reads %q", body, got, want)
	} else if ok {
		plain = true
	}
	dec := Decode(body, ct)
	out, raw := decodeBody(body, ct)
	if raw != nil {
		if out.Text != "" || string(raw) != dec.Text {
			t.Errorf("decodeBody(%q, %q): text %q and raw %q, Decode's text %q", body, ct, out.Text, raw, dec.Text)
		}
		out.Text = string(raw)
	}
	if out != dec {
		t.Errorf("decodeBody(%q, %q) = %+v, Decode = %+v", body, ct, out, dec)
	}
	return plain
}

func TestMetaCharsetPrefilter(t *testing.T) {
	plain := 0
	for _, tc := range []struct{ body, ct string }{
		{"", ""},
		{"<meta charset=utf-8>", ""},
		{"<META CHARSET=windows-1251>\xcf\xf0\xe8", "text/html"},
		{"<MeTa\tcharset='koi8-r'>", "text/html; charset=utf-8"},
		{"<meta", ""},
		{"<met", ""},
		{"<me\x00ta charset=x>", ""},
		{"<!-- <meta charset=windows-1252> --><p>x", ""},
		{"<script><meta charset=windows-1252></script>", ""},
		{"<html><head></head><meta charset=windows-1252>", ""},
		{"<html><body><meta charset=windows-1252>", ""},
		{"<meta http-equiv=Content-Type content='text/html; charset=windows-1250'>", ""},
		{"<metadata charset=x>", ""},
		{"<<meta charset=iso-8859-5>", ""},
		{"\xef\xbb\xbf<p>bom</p>", ""},
		{"\xef\xbb\xbf<p>bom \xff</p>", ""},
		{"caf\xe9", "text/html; charset=utf-8"},
		{"plain ascii", "text/html; charset=windows-1251"},
		{"Кириллица", "text/html; charset=windows-1251"},
		{"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>t</title>", ""},
		{"<!doctype html><html><head><meta name=viewport content=\"width=device-width\"><meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">", ""},
		{"<html><head><meta charset=\"\" charset=\"koi8-r\"><meta charset='cp1251'>", ""},
		{"<html><head><meta CHARSET = utf-8/>", ""},
		{"<html><head><meta charset=utf-8 />", ""},
		{"<html><head><meta charset=\"utf&#45;8\">", ""},
		{"<html><head><meta charset=\"windows\r-1251\">", ""},
		{"<html><head><meta/charset=utf-8>", ""},
		{"<html><head><meta charset=\"utf-8\"charset=x>", ""},
		{"<html><head><meta content=\"text/html; charset=koi8-r\" http-equiv=CONTENT-TYPE>", ""},
		{"<html><head></head><body><meta charset=koi8-r>", ""},
		{"<html><head></HEAD\x1e<meta charset=koi8-r>", ""},
		{"<html><head></head\x1e<meta charset=koi8-r>", ""},
		{"<html><head><title>x</title><meta charset=koi8-r>", ""},
		{"<html data-x=\"<meta charset=koi8-r>\"><meta charset=utf-8>", ""},
		{"<html><head><meta charset=", ""},
		{"<html><head><meta charset=\"utf-8", ""},
		{"<!DOCTYPE html", ""},
		{"<!DOCTYPEhtml><meta charset=\" koi8-r \">", ""},
		{"<html>text<meta charset=koi8-r>", ""},
		{"<html><head><meta name=x><meta http-equiv=content-type content=text/html;charset=koi8-r>", ""},
		{"<html><head><meta =x charset=koi8-r>", ""},
	} {
		if checkMetaCharset(t, []byte(tc.body), tc.ct) {
			plain++
		}
	}
	if plain < 10 {
		t.Errorf("metaCharsetPlain read only %d of the heads", plain)
	}
}

func FuzzMetaCharsetPrefilter(f *testing.F) {
	for _, s := range []string{"<meta charset=utf-8>", "<MeTa charset=x>", "<!-- <meta charset=y> -->", "<me\x00ta>", "\xef\xbb\xbfx", "caf\xe9",
		"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">", "<html><head><meta http-equiv='content-type' content=\"text/html; charset=koi8-r\"/>",
		"<head><meta charset=\"\" charset=x></head><body>"} {
		f.Add([]byte(s), "text/html")
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		checkMetaCharset(t, body, ct)
	})
}

// TestMetaCharsetPlainRandom builds random heads out of the pieces that
// metaCharsetPlain reads and those it gives up at, and holds metaCharset
// to the tokenizer on each.
func TestMetaCharsetPlainRandom(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	pick := func(xs ...string) string { return xs[rng.Intn(len(xs))] }
	value := func() string {
		v := pick("utf-8", " koi8-r ", "", "text/html; charset=windows-1251", "Content-Type", "x&amp;y", "a\x00b", "a\rb", "a>b", "a/", "<meta charset=x>")
		return pick(`"`+v+`"`, `'`+v+`'`, v, `"`+v, "")
	}
	attr := func() string {
		return pick("charset", "CHARSET", "content", "http-equiv", "name", "lang", "data-x", "=x", "a'b") + pick("", "=", " = ", "=") + value()
	}
	tag := func() string {
		var b strings.Builder
		b.WriteString(pick("<meta", "<META", "<html", "<head", "<body", "</head>", "<title>x</title>", "<!-- c -->", "<!DOCTYPE html>", "<!doctype", "<metadata", "text", "\x1e"))
		for n := rng.Intn(4); n > 0; n-- {
			b.WriteString(pick(" ", "\n", "", "/", "\t\r"))
			b.WriteString(attr())
		}
		b.WriteString(pick(">", "/>", " >", "", " / >"))
		return b.String()
	}
	plain := 0
	for range 20000 {
		var b strings.Builder
		for n := 1 + rng.Intn(6); n > 0; n-- {
			b.WriteString(pick("", " ", "\n"))
			b.WriteString(tag())
		}
		if checkMetaCharset(t, []byte(b.String()), "") {
			plain++
		}
	}
	if plain < 2000 {
		t.Errorf("metaCharsetPlain read only %d of the 20,000 heads", plain)
	}
}
