package extract

import (
	"math/rand"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// checkTextCounts parses src and compares, for every node, textOf with
// the raw text collapsed, textLen and textWords with the rune and word
// counts of textOf, and numberText with smallNumber and strconv.Atoi of
// textOf.
func checkTextCounts(t *testing.T, src string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return
	}
	walk(root, func(n *html.Node) bool {
		text := textOf(n)
		if want := textOfReference(n); text != want {
			t.Fatalf("textOf a %q node in %q = %q, the raw text collapsed is %q", n.Data, src, text, want)
		}
		if got, want := textLen(n), runeLen(text); got != want {
			t.Fatalf("textLen of a %q node in %q = %d, runeLen(textOf) = %d", n.Data, src, got, want)
		}
		if got, want := textWords(n), wordCount(text); got != want {
			t.Fatalf("textWords of a %q node in %q = %d, wordCount(textOf) = %d", n.Data, src, got, want)
		}
		wantN, wantOK := 0, smallNumber(text)
		if wantOK {
			wantN, _ = strconv.Atoi(text)
		}
		if gotN, gotOK := numberText(n); gotN != wantN && wantOK || gotOK != wantOK {
			t.Fatalf("numberText of a %q node in %q = %d, %v; textOf gives %q", n.Data, src, gotN, gotOK, text)
		}
		for _, limit := range []int{1, 2, 3, 5, 8, 13} {
			if got, want := textLenAtMost(n, limit), runeLen(text) <= limit; got != want {
				t.Fatalf("textLenAtMost(a %q node in %q, %d) = %v, want %v", n.Data, src, limit, got, want)
			}
		}
		return true
	})
}

// checkParagraphText parses src and compares, for every node,
// paragraphTextUpTo with paragraphText: the same total below the limit,
// and at least the limit exactly when paragraphText reaches it.
func checkParagraphText(t *testing.T, src string) {
	t.Helper()
	root, err := html.Parse(strings.NewReader(src))
	if err != nil {
		return
	}
	walk(root, func(n *html.Node) bool {
		all := paragraphText(n)
		for _, limit := range []int{1, 2, 3, 5, 8, 13, 200} {
			if got := paragraphTextUpTo(n, limit); got >= limit != (all >= limit) || got < limit && got != all {
				t.Fatalf("paragraphTextUpTo(a %q node in %q, %d) = %d, paragraphText = %d", n.Data, src, limit, got, all)
			}
		}
		return true
	})
}

// FuzzParagraphText compares paragraphTextUpTo with paragraphText on
// arbitrary documents.
func FuzzParagraphText(f *testing.F) {
	for _, s := range []string{"<p>a b</p><p>c</p>", "<div><p>wo\u00adrd</p><script>x</script><p> x </p></div>", "<p>1<p>23<b>4</b>", "<article><p>\u00a0</p></article>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkParagraphText(t, src)
	})
}

// TestTextCounts compares the counts with textOf on documents built of
// blocks, inline elements, hidden content, white space, the characters
// collapse drops, letters, digits and invalid UTF-8.
func TestTextCounts(t *testing.T) {
	pieces := []string{"<p>", "</p>", "<div>", "</div>", "<span>", "</span>", "<b>", "</b>", "<br>", "<script>x y</script>", "<style>a{}</style>",
		"<div hidden>", "<li>", "<td>", "word", "Слово", "12", "3.5", " ", "  ", "\n", "\t", "\u00a0", "\u202f", "\u2007", "\u00ad", "\u200b", "\ufeff",
		"\u2028", "\u0085", "\xff", "é", "日本", "-", ",", "&nbsp;", "&shy;", "<!-- c -->", "x", "7", "31", "0", "9", "<td>", "</td>"}
	r := rand.New(rand.NewSource(1))
	for range 5000 {
		var b strings.Builder
		for k := r.Intn(20); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkTextCounts(t, b.String())
		checkParagraphText(t, b.String())
	}
}

// TestTextCountsSplitRune checks the counts of texts whose runes have
// their bytes in two or more text nodes: textOf collapses the raw text of
// the nodes, in which the bytes make one rune again (or U+FFFD for each
// byte that no rune takes), and the counts read it the same way.
func TestTextCountsSplitRune(t *testing.T) {
	for _, tc := range []struct {
		name, page, text string
		words            int
		number           int // -1: not a small number
	}{
		{"two halves", "\xcd<A>\xb1", "\u0371", 1, -1},
		{"Cyrillic word", "<p>\xd0<b>\xb4\xd0</b>\xb0</p>", "да", 1, -1},
		{"no-break space between digits", "<td>1\xc2<b>\xa0</b>2</td>", "1 2", 2, -1},
		{"zero-width space before a digit", "<td>\xe2\x80<b>\x8b</b>7</td>", "7", 1, 7},
		{"across a comment and a script", "<td>4<i>\xe2</i><!-- c -->\x80<script>x</script>\x8b2</td>", "42", 1, 42},
		{"soft hyphen in a word", "<p>wo\xc2<b>\xad</b>rd</p>", "word", 1, -1},
		{"block edges keep bytes apart", "<div>\xcd</div><div>\xb1</div>", "\ufffd \ufffd", 0, -1},
		{"incomplete at the end", "<p>a\xe2<b>\x80</b></p>", "a\ufffd\ufffd", 1, -1},
		{"incomplete before a digit", "<td>\xe2<b>\x80</b>5</td>", "\ufffd\ufffd5", 1, -1},
		{"ASCII in between", "<p>\xe2<b>x\x80</b></p>", "\ufffdx\ufffd", 1, -1},
		{"three nodes, one rune", "<p>\xe6<b>\x97</b><i>\xa5</i>本</p>", "日本", 1, -1},
		{"an invalid byte among the held ones", "<p>\xe2\x80<b>\xe2\x80\x94</b></p>", "\ufffd\ufffd—", 0, -1},
		{"empty node in between", "<p>\xf0\x9f<b></b><i>\x98</i>\x80</p>", "\U0001F600", 0, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			root, err := html.Parse(strings.NewReader(tc.page))
			if err != nil {
				t.Fatal(err)
			}
			body := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Body })
			if got := textOf(body); got != tc.text {
				t.Fatalf("textOf = %q, want %q", got, tc.text)
			}
			if got, want := textLen(body), runeLen(tc.text); got != want {
				t.Errorf("textLen = %d, want %d", got, want)
			}
			if got := textWords(body); got != tc.words {
				t.Errorf("textWords = %d, want %d", got, tc.words)
			}
			if got, ok := numberText(body); ok != (tc.number >= 0) || ok && got != tc.number {
				t.Errorf("numberText = %d, %v, want %d", got, ok, tc.number)
			}
			checkTextCounts(t, tc.page)
			checkParagraphText(t, tc.page)
			checkShortText(t, tc.page)
		})
	}
}

// FuzzTextCounts compares the counts with textOf on arbitrary documents.
func FuzzTextCounts(f *testing.F) {
	for _, s := range []string{"<p>a b</p>", "<div>wo\u00adrd</div><p> x </p>", "<b>12</b>3", "\xff<p>\u00a0</p>", "<td> 1<b>2</b>\u00ad3 </td>", "<td>12<p>3</p></td>",
		"\xcd<A>\xb1", "<td>\xe2\x80<b>\x8b</b>7</td>", "<p>\xe2\x80<b>\xe2\x80\x94</b></p>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		checkTextCounts(t, src)
	})
}

// TestIsWordRune compares isWordRune with unicode.IsLetter || unicode.IsDigit
// on every code point.
func TestIsWordRune(t *testing.T) {
	for r := rune(-1); r <= unicode.MaxRune+1; r++ {
		if got, want := isWordRune(r), unicode.IsLetter(r) || unicode.IsDigit(r); got != want {
			t.Fatalf("isWordRune(%U) = %v, want %v", r, got, want)
		}
	}
}

var reLetterRuns = regexp.MustCompile(`\p{L}+`)

func checkLetterRuns(t *testing.T, s string) {
	t.Helper()
	got := slices.Collect(letterRuns(s))
	if want := reLetterRuns.FindAllString(s, -1); !slices.Equal(got, want) {
		t.Fatalf("letterRuns(%q) = %q, the regular expression finds %q", s, got, want)
	}
}

// TestLetterRuns compares letterRuns with the regular expression \p{L}+.
func TestLetterRuns(t *testing.T) {
	for _, s := range []string{"", "a", " a ", "April 2024", "сакавік 2024 г.", "a\xffb", "é\u0301x", "日本語", "x1y", "« Mai »"} {
		checkLetterRuns(t, s)
	}
}

// FuzzLetterRuns compares letterRuns with the regular expression on
// arbitrary strings.
func FuzzLetterRuns(f *testing.F) {
	f.Add("März 2024 « »")
	f.Fuzz(checkLetterRuns)
}

// TestIsSpace compares isSpace with unicode.IsSpace on every code point
// and beyond.
func TestIsSpace(t *testing.T) {
	for r := rune(-1); r <= unicode.MaxRune+1; r++ {
		if got, want := isSpace(r), unicode.IsSpace(r); got != want {
			t.Fatalf("isSpace(%U) = %v, unicode.IsSpace says %v", r, got, want)
		}
	}
}

// FuzzIsSpace compares isSpace with unicode.IsSpace on the runes of
// arbitrary strings (invalid UTF-8 reads as U+FFFD) and on arbitrary
// integers.
func FuzzIsSpace(f *testing.F) {
	f.Add("a b\u00a0\u2028\u3000\x85\xff", int32(0x1680))
	f.Fuzz(func(t *testing.T, s string, n int32) {
		for _, r := range s + string(rune(n)) {
			if isSpace(r) != unicode.IsSpace(r) {
				t.Fatalf("isSpace(%U) = %v, unicode.IsSpace says %v", r, isSpace(r), unicode.IsSpace(r))
			}
		}
		if r := rune(n); isSpace(r) != unicode.IsSpace(r) {
			t.Fatalf("isSpace(%d) = %v, unicode.IsSpace says %v", n, isSpace(r), unicode.IsSpace(r))
		}
	})
}

// wordCountReference is wordCount as first written, rune by rune.
func wordCountReference(s string) int {
	n := 0
	in := false
	for _, r := range s {
		w := unicode.IsLetter(r) || unicode.IsDigit(r)
		if w && !in {
			n++
		}
		in = w
	}
	return n
}

// TestWordCount compares wordCount with its reference on strings of
// letters, digits, spaces, punctuation and invalid UTF-8, and on every
// rune between two letters.
func TestWordCount(t *testing.T) {
	pieces := []string{"a", "Z", "9", " ", "-", "é", "ß", "Слово", "ў", "і", "日本", "\u00a0", "\u0301", "\xff", "\xd0", "\xbd", "\xe2\x80", "’", "ӿ", "߿", "\U0001F600", "x1"}
	r := rand.New(rand.NewSource(2))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(10); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		if s := b.String(); wordCount(s) != wordCountReference(s) {
			t.Fatalf("wordCount(%q) = %d, want %d", s, wordCount(s), wordCountReference(s))
		}
	}
	for c := rune(0); c <= unicode.MaxRune; c++ {
		if s := "a" + string(c) + "b"; wordCount(s) != wordCountReference(s) {
			t.Fatalf("wordCount(%q) = %d, want %d", s, wordCount(s), wordCountReference(s))
		}
	}
}

// FuzzWordCount compares wordCount with its reference on arbitrary
// strings.
func FuzzWordCount(f *testing.F) {
	f.Add("Minsk, 3 April — Мінск, 3 красавіка \xff\xd0")
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := wordCount(s), wordCountReference(s); got != want {
			t.Fatalf("wordCount(%q) = %d, want %d", s, got, want)
		}
	})
}

func TestTrimmedLen(t *testing.T) {
	for _, s := range []string{"", " ", "\t\n\v\f\r ", "a", " a ", "\n  word  word \r\n", "\u00a0x\u00a0", "x\x00", " \x85 "} {
		if got, want := trimmedLen(s), len(strings.Trim(s, asciiSpace)); got != want {
			t.Errorf("trimmedLen(%q) = %d, want %d", s, got, want)
		}
	}
}
