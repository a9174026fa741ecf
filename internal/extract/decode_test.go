package extract

import (
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
// without "<meta" (hasMetaTag), to the tokenizer's answer, and decodeBody,
// which hands back UTF-8 bytes as they are, to Decode.
func checkMetaCharset(t *testing.T, body []byte, ct string) {
	t.Helper()
	if got, want := metaCharset(body), metaCharsetTokens(body); got != want {
		t.Errorf("metaCharset(%q) = %q, the tokenizer reads %q", body, got, want)
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
}

func TestMetaCharsetPrefilter(t *testing.T) {
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
	} {
		checkMetaCharset(t, []byte(tc.body), tc.ct)
	}
}

func FuzzMetaCharsetPrefilter(f *testing.F) {
	for _, s := range []string{"<meta charset=utf-8>", "<MeTa charset=x>", "<!-- <meta charset=y> -->", "<me\x00ta>", "\xef\xbb\xbfx", "caf\xe9"} {
		f.Add([]byte(s), "text/html")
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		checkMetaCharset(t, body, ct)
	})
}
