package extract

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// collapseReference is collapse as first written, rune by rune: the
// specification of the faster collapse.
func collapseReference(s string) string {
	var b strings.Builder
	space := false
	started := false
	for _, r := range s {
		switch r {
		case '\u00AD', '\u200B', '\u200C', '\u200D', '\u2060', '\uFEFF':
			continue
		}
		if unicode.IsSpace(r) || r == '\u00A0' || r == '\u202F' || r == '\u2007' {
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
	return b.String()
}

func TestCollapse(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a ", "a  b", "a b", "a\tb", "a\u00a0b", "\u00ad", "so\u00adft", "x\u200by", "\u2007a\u202f",
		"caf\xe9 \xff", "a\x85b", "a\u2028b", "\x00 \x01", "Minsk, 3 April (BelTA)", "  lead\n\n  trail  ", "МИНСК, 3 апреля", "\v\f\r",
		"Слово слово", "Слово  слово", " Слово", "Слово ", "x\u0085y", "x\u00ady", "\xd0", "я\xd0", "\xd0\xbd\xd0", "ӿ߿ ߿", "日本 語"} {
		if got, want := collapse(s), collapseReference(s); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
	}
}

func FuzzCollapse(f *testing.F) {
	for _, s := range []string{"a  b", " x\u00a0y ", "caf\xe9", "so\u00adft"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := collapse(s), collapseReference(s); got != want {
			t.Errorf("collapse(%q) = %q, want %q", s, got, want)
		}
	})
}

// checkShortText compares shortText with textOf on every node of a page
// for a few limits.
func checkShortText(t *testing.T, page string) {
	t.Helper()
	root, _ := parseBounded(page)
	if root == nil {
		return
	}
	walk(root, func(n *html.Node) bool {
		full := textOf(n)
		for _, limit := range []int{0, 1, 5, 40, 90} {
			got, short := shortText(n, limit)
			if wantShort := runeLen(full) <= limit; short != wantShort || (short && got != full) {
				t.Errorf("shortText(<%s>, %d) = %q, %v; textOf gives %q", n.Data, limit, got, short, full)
			}
		}
		return true
	})
}

func TestShortText(t *testing.T) {
	checkShortText(t, `<html><body><div class="byline"><p>Written by:</p> <span>\u00a0\u00ad</span></div>
<div>Author: <b>Jane   Doe</b><script>var x = "long long long long long long long long long long";</script></div>
<p>`+strings.Repeat("word ", 30)+`</p><ul><li>a</li><li>b\u200b</li></ul><!-- comment --><p hidden>hidden text</p></body></html>`)
}

// FuzzShortText compares shortText with textOf on arbitrary pages,
// invalid UTF-8 included: two invalid halves of a rune in two text nodes
// make one rune in textOf, which collapse may drop ("\xc2<b>\xad</b>" is
// a soft hyphen, no text).
func FuzzShortText(f *testing.F) {
	f.Add(`<div><p>Written by:</p><span> x </span></div>`)
	f.Add("<p>café\u00a0\u00ad  end</p><br><td>1</td>")
	f.Add("<p>\xc2<b>\xad</b>\xe2<i>\x80</i>\x8b</p>")
	f.Fuzz(func(t *testing.T, page string) {
		checkShortText(t, page)
	})
}

// TestASCIILatin checks the ASCII shortcut of detectLanguage: the ASCII
// letters, and only they, are Latin; no ASCII character is Cyrillic.
func TestASCIILatin(t *testing.T) {
	for r := rune(0); r < utf8.RuneSelf; r++ {
		letter := 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z'
		if unicode.Is(unicode.Latin, r) != letter || unicode.Is(unicode.Cyrillic, r) {
			t.Errorf("%q: Latin %v, Cyrillic %v", r, unicode.Is(unicode.Latin, r), unicode.Is(unicode.Cyrillic, r))
		}
	}
}

// checkCollapser writes s to a collapser in three pieces, for every pair
// of places to cut it, with a mark between the pieces: the result must be
// collapse(s), and the marked text collapse(s[from:to]), unless the
// collapser says it read invalid UTF-8 (never when s is valid and cut
// between runes).
func checkCollapser(t *testing.T, s string) {
	t.Helper()
	whole := collapse(s)
	boundary := func(i int) bool { return i == len(s) || utf8.RuneStart(s[i]) }
	for from := 0; from <= len(s); from++ {
		for to := from; to <= len(s); to++ {
			var c collapser
			c.write(s[:from])
			m1 := c.b.Len()
			c.write(s[from:to])
			m2 := c.b.Len()
			c.write(s[to:])
			if c.invalid {
				if utf8.ValidString(s) && boundary(from) && boundary(to) {
					t.Fatalf("collapser on %q cut at %d and %d says invalid", s, from, to)
				}
				continue
			}
			out := c.b.String()
			if out != whole {
				t.Fatalf("collapser on %q cut at %d and %d = %q, collapse gives %q", s, from, to, out, whole)
			}
			if got, want := strings.TrimPrefix(out[m1:m2], " "), collapse(s[from:to]); got != want {
				t.Fatalf("collapser on %q marks %q between %d and %d, collapse(s[from:to]) = %q", s, got, from, to, want)
			}
		}
	}
}

func TestCollapser(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a ", "a b", "a  b c", "ab cd", " x \u00a0 y\u00ad z ", "МИНСК, 3 апреля  (БЕЛТА)", "a\u2028b \u3000c",
		"caf\xe9 \xff", "\xd0 \xbd\xd0\xbd", "日本 語", "so\u00adft\u200b", "\ufffd \ufffd"} {
		checkCollapser(t, s)
	}
}

func FuzzCollapser(f *testing.F) {
	for _, s := range []string{"a  b", " x\u00a0y ", "caf\xe9", "so\u00adft", "a b c", "\xd0\xbd \xd0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 64 {
			s = s[:64]
		}
		checkCollapser(t, s)
	})
}

// TestMainTextFromVisible compares mainText, read from the visible text,
// with the raw text collapsed, for every element of a page taken as the
// main element.
func TestMainTextFromVisible(t *testing.T) {
	for _, page := range []string{
		`<html><body><div>  lead <p>One  <b>two</b></p><p> three </p>tail</div><article><h1>T</h1> <p>x&nbsp;y</p><script>s</script></article> end</body></html>`,
		`<body><nav>a</nav><main>  <p>  </p> <span>so&shy;ft</span> </main><p hidden>h</p>МИНСК — <i>x</i></body>`,
		`<body>` + strings.Repeat(`<div><p>word word</p>  </div>`, 5) + `</body>`,
		"<body><p>caf\xe9</p><div>\xd0<b>\xbd</b> x</div></body>",
	} {
		root, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		body := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Body })
		walk(root, func(n *html.Node) bool {
			if n.Type != html.ElementNode {
				return true
			}
			d := &doc{body: body, main: n}
			d.visibleText()
			if got, want := d.mainText(), textOfReference(n); got != want {
				t.Errorf("mainText of <%s> in %q = %q, the raw text collapsed is %q", n.Data, page, got, want)
			}
			return true
		})
	}
}

// textOfReference is textOf as first written: the raw text, collapsed.
func textOfReference(n *html.Node) string {
	return collapse(rawTextOf(n, nil))
}

// checkPlainText compares textOf, with its shortcut for a lone text that
// is already collapsed, with textOfReference on every node of a page.
func checkPlainText(t *testing.T, page string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	walk(root, func(n *html.Node) bool {
		if got, want := textOf(n), textOfReference(n); got != want {
			t.Errorf("textOf(%v %q) in %q = %q, want %q", n.Type, n.Data, page, got, want)
		}
		return true
	})
}

func TestPlainText(t *testing.T) {
	for _, page := range []string{
		`<p>plain</p><a href=x> lead and tail </a><a>two  spaces</a><b hidden>h</b><script>s</script><div>a<br>b</div>`,
		"<p>\v\f\rx\t</p><p>a\u00a0b</p><p>so\u00adft</p><p>x\u0085y</p><p>МИНСК — тут</p><p>caf\xe9</p><p>\xd0</p><p>日本</p>",
		`<p><!-- c --></p><p></p><p> </p><title> t </title><template>x</template><li>x </li>`,
	} {
		checkPlainText(t, page)
	}
}

func FuzzPlainText(f *testing.F) {
	for _, s := range []string{"a  b", " x ", "caf\xe9", "so\u00adft", "\v a\f", "\xd0\xbd \xd0", "x\u00a0y"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 64 {
			s = s[:64]
		}
		checkPlainText(t, "<p>"+html.EscapeString(s)+"</p><a hidden>"+html.EscapeString(s)+"</a>"+html.EscapeString(s))
	})
}
