package check

import (
	"cmp"
	"context"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/archive"
	"github.com/archiver-dev/archiver/internal/extract"
	"github.com/archiver-dev/archiver/internal/portal"
)

// checkPlaceholders runs the placeholder check with the default patterns
// on a page whose headline is text and reports whether it found one, with
// the answer of the bare regular expressions, which the literal
// prefilters must never contradict.
func checkPlaceholders(t *testing.T, pc PageCheck, res []*regexp.Regexp, text string) {
	t.Helper()
	found := false
	err := pc.CheckPage(context.Background(), &PageContext{Page: &archive.Page{Headline: text}}, func(archive.Finding) { found = true })
	if err != nil {
		t.Fatal(err)
	}
	want := false
	for _, re := range res {
		want = want || re.MatchString(text)
	}
	if found != want {
		t.Fatalf("placeholder check on %q: found %v, the regular expressions say %v", text, found, want)
	}
}

// placeholderCheck returns the placeholder check of patterns (nil: the
// default ones) and their regular expressions.
func placeholderCheck(t *testing.T, patterns []string) (PageCheck, []*regexp.Regexp) {
	t.Helper()
	params := Params{}
	if patterns != nil {
		var err error
		if params, err = ParamsFromYAML("patterns: ['" + strings.Join(patterns, "', '") + "']"); err != nil {
			t.Fatal(err)
		}
	} else {
		patterns = defaultPlaceholders
	}
	pc, err := newPlaceholder(nil, params)
	if err != nil {
		t.Fatal(err)
	}
	var res []*regexp.Regexp
	for _, p := range patterns {
		res = append(res, regexp.MustCompile(p))
	}
	return pc, res
}

// TestPlaceholderPrefilter compares the placeholder check, whose patterns
// run only on texts that hold their literal (searched for under case
// folding for a case-insensitive pattern), with the bare regular
// expressions, on texts of pieces of the default patterns in other cases,
// with the long s and the Kelvin sign (which (?i) matches to s and k, and
// which lower-casing does not turn into them), and with patterns whose
// literal is not ASCII.
func TestPlaceholderPrefilter(t *testing.T) {
	custom, customRes := placeholderCheck(t, []string{`(?i)xſample`, `(?i)σοφία`, `(?i)\bÅngström`})
	for _, text := range []string{"XSAMPLE", "xſample", "ΣΟΦΊΑ", "σοφία", "ςοφία", "ÅNGSTRÖM", "Ångström", "angstrom"} {
		checkPlaceholders(t, custom, customRes, text)
	}
	pc, res := placeholderCheck(t, nil)
	for _, text := range []string{"", "Lorem ipsum dolor sit amet.", "LOREM IPSUM", "lorem ipſum", "dolor ſit amet", "TODO", "todo", "[INSERT NAME]",
		"[in\u017Fert name]", "xlorem ipsum", "FIXME later", "TBD", "Caption GOES here", "[İNSERT NAME]", "\u212Aaption goes here", "text goes her"} {
		checkPlaceholders(t, pc, res, text)
	}
	pieces := []string{"lorem", "LOREM", "ipsum", "ipſum", "IPSUM", " ", "dolor", "sit", "ſit", "amet", "TODO", "todo", "FIXME", "TBD",
		"[insert", "[INSERT", "[inſert", "name", "]", "x", "\u212A", "k", "\xff", "é", "caption", "Text", " goes", " GOES", "here", "HERE", "hEre", "[add", "[ADD", "İ"}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(6); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkPlaceholders(t, pc, res, b.String())
	}
}

// FuzzPlaceholderPrefilter compares the placeholder check with its bare
// regular expressions on arbitrary texts.
func FuzzPlaceholderPrefilter(f *testing.F) {
	for _, s := range []string{"Lorem ipsum", "lorem ipſum", "[insert name]", "TODO", "XSAMPLE", "ςοφία"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		pc, res := placeholderCheck(t, nil)
		checkPlaceholders(t, pc, res, text)
		custom, customRes := placeholderCheck(t, []string{`(?i)xſample`, `(?i)σοφία`})
		checkPlaceholders(t, custom, customRes, text)
	})
}

// checkFoldASCII compares the search of foldASCII for lit with the
// regular expression (?i)lit on text, which agree unless text holds a
// rune of foldsToASCII.
func checkFoldASCII(t *testing.T, lit, text string) {
	t.Helper()
	want := regexp.MustCompile(`(?i)` + regexp.QuoteMeta(lit)).MatchString(text)
	if got := newFoldASCII(lit).in(text); got != want && !containsAnyRune(text, foldsToASCII) {
		t.Fatalf("foldASCII(%q).in(%q) = %v, (?i) says %v", lit, text, got, want)
	}
}

// TestFoldASCII compares the ASCII case-insensitive search with the
// regular expression: literals whose anchor is a letter, punctuation or
// a space; matches at either end, in mixed case, overlapping and across
// bytes beyond ASCII; no match on letters that only lower-case to ASCII
// (İ) or one byte short.
func TestFoldASCII(t *testing.T) {
	for _, tc := range []struct{ lit, text string }{
		{"lorem ipsum", "Lorem Ipsum dolor"},
		{"lorem ipsum", "LOREM IPSUM"},
		{"lorem ipsum", "xx lOrEm iPsUm"},
		{"lorem ipsum", "lorem ipsu"},
		{"lorem ipsum", "lorem  ipsum"},
		{"lorem ipsum", "Текст lorem\u00a0ipsum"},
		{"[insert ", "see [INSERT name]"},
		{"[insert ", "[insert"},
		{"[insert ", "[[[insert x"},
		{"[insert ", "[İnsert x"},
		{" goes here", "Caption GOES HERE"},
		{" goes here", "goes here"},
		{"dolor sit amet", "dolor sit amet"},
		{"dolor sit amet", "Долор sit amet"},
		{"aaa", "aAaa"},
		{"pp", "P"},
		{"xyz", ""},
		{"a1b", "A1B"},
		{"a1b", "a2b"},
	} {
		checkFoldASCII(t, tc.lit, tc.text)
	}
}

// FuzzFoldASCII compares the ASCII case-insensitive search with the
// regular expression on arbitrary literals and texts.
func FuzzFoldASCII(f *testing.F) {
	f.Add("lorem ipsum", "LoReM iPsUm")
	f.Add("[insert ", "x [INSERT y")
	f.Add("pp", "pPp\xff")
	f.Fuzz(func(t *testing.T, lit, text string) {
		if lit == "" || !isASCII(lit) {
			return
		}
		checkFoldASCII(t, lit, text)
	})
}

// TestFoldsToASCII checks foldsToASCII against the Unicode tables: every
// rune beyond ASCII whose case folding orbit holds an ASCII letter is in
// it, so that the placeholder check may trust the lower-cased search of an
// ASCII literal in a text without them.
func TestFoldsToASCII(t *testing.T) {
	var want []rune
	for r := rune(utf8.RuneSelf); r <= unicode.MaxRune; r++ {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < utf8.RuneSelf {
				want = append(want, r)
				break
			}
		}
	}
	if got := []rune(foldsToASCII); string(got) != string(want) {
		t.Fatalf("foldsToASCII = %q, the runes beyond ASCII that fold to ASCII are %q", foldsToASCII, string(want))
	}
}

// portalArticles extracts the articles of the demo portal in lang (its
// canonical pages that answer 200) but for the very large one and those
// with a planted placeholder, longest body first.
func portalArticles(tb testing.TB, lang string) []*archive.Page {
	tb.Helper()
	p, err := portal.New(portal.Config{Seed: 1})
	if err != nil {
		tb.Fatal(err)
	}
	var pages []*archive.Page
	for _, pg := range p.Manifest().Pages {
		if pg.Kind != portal.KindArticle || pg.Lang != lang || pg.Status != http.StatusOK || pg.Article == nil || pg.DuplicateOf != "" ||
			slices.Contains(pg.Quirks, portal.QuirkLarge) || slices.Contains(pg.Defects, portal.DefectPlaceholderText) {
			continue
		}
		rec := httptest.NewRecorder()
		p.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, pg.URL, nil))
		page, err := extract.Page(&archive.Capture{URL: "http://portal.example" + pg.URL, Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()})
		if err != nil {
			tb.Fatalf("extract %s: %v", pg.URL, err)
		}
		pages = append(pages, page)
	}
	if len(pages) == 0 {
		tb.Fatalf("no %s articles in the demo portal", lang)
	}
	slices.SortStableFunc(pages, func(a, b *archive.Page) int { return cmp.Compare(len(b.Body), len(a.Body)) })
	return pages
}

// BenchmarkPlaceholder runs the placeholder check with the default
// patterns on articles of the demo portal, which hold no placeholder: the
// longest Russian and English articles as extracted (headline, title,
// body, captions, authors), and long articles whose body is the bodies of
// the articles of the language joined up to 8 KB.
func BenchmarkPlaceholder(b *testing.B) {
	pc, err := newPlaceholder(nil, Params{})
	if err != nil {
		b.Fatal(err)
	}
	for _, lang := range []string{"ru", "en"} {
		pages := portalArticles(b, lang)
		long := *pages[0]
		var body strings.Builder
		for _, pg := range pages {
			if body.Len() >= 8<<10 {
				break
			}
			body.WriteString(pg.Body)
			body.WriteString("\n\n")
		}
		long.Body = body.String()
		for _, bc := range []struct {
			name string
			page *archive.Page
		}{{lang + "-article", pages[0]}, {lang + "-long", &long}} {
			pctx := &PageContext{Page: bc.page}
			b.Run(bc.name, func(b *testing.B) {
				b.SetBytes(int64(len(bc.page.Headline) + len(bc.page.Title) + len(bc.page.Body)))
				b.ReportAllocs()
				for b.Loop() {
					if err := pc.CheckPage(context.Background(), pctx, func(f archive.Finding) { b.Fatalf("finding on a clean article: %s", f.Message) }); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
