package check

import (
	"context"
	"math/rand"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/archive"
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
		"[in\u017Fert name]", "xlorem ipsum", "FIXME later", "TBD"} {
		checkPlaceholders(t, pc, res, text)
	}
	pieces := []string{"lorem", "LOREM", "ipsum", "ipſum", "IPSUM", " ", "dolor", "sit", "ſit", "amet", "TODO", "todo", "FIXME", "TBD",
		"[insert", "[INSERT", "[inſert", "name", "]", "x", "\u212A", "k", "\xff", "é"}
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
