package extract

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// reNoNewsKind is the regular expression that noNews replaces.
var reNoNewsKind = regexp.MustCompile(`(?i)no news|no articles|nothing found|no results|нет новостей|новостей нет|няма навін|навін няма|ничего не найдено`)

// phraseRefs returns what a phraseSet must answer for a text: the regular
// expression of its phrases (foldPhrases) or the search of the lower-cased
// text (lowerPhrases).
func phraseRef(s *phraseSet) func(string) bool {
	if s.fold {
		quoted := make([]string, len(s.src))
		for i, p := range s.src {
			quoted[i] = regexp.QuoteMeta(p)
		}
		re := regexp.MustCompile(`(?i)` + strings.Join(quoted, "|"))
		return re.MatchString
	}
	return func(text string) bool { return containsAny(strings.ToLower(text), s.src) }
}

// phraseCase is a phrase set under test with its reference.
type phraseCase struct {
	set *phraseSet
	ref func(string) bool
}

func phraseCases() []phraseCase {
	var out []phraseCase
	for _, s := range []*phraseSet{noNews, noNewsPhrases, foldPhrases(noNewsPhrases.src...), lowerPhrases("süß", "k", "straße", "i"), foldPhrases("\ufffdx", "日本", "ab")} {
		out = append(out, phraseCase{s, phraseRef(s)})
	}
	return out
}

func checkPhrases(t *testing.T, cases []phraseCase, text string) {
	t.Helper()
	if got, want := noNews.in(text), reNoNewsKind.MatchString(text); got != want {
		t.Errorf("noNews.in(%q) = %v, the regular expression says %v", text, got, want)
	}
	for _, c := range cases {
		if got, want := c.set.in(text), c.ref(text); got != want {
			t.Errorf("phrases %q (fold %v) in %q = %v, want %v", c.set.src, c.set.fold, text, got, want)
		}
	}
}

// TestPhraseSet compares the phrase matchers with the regular expressions
// and the searches of lower-cased text they stand for, on texts built of
// the phrases' pieces, their case variants and the runes that fold or
// lower-case to ASCII or Cyrillic letters (ſ, K, İ, ᲂ…), and invalid UTF-8.
func TestPhraseSet(t *testing.T) {
	cases := phraseCases()
	for _, text := range []string{"", "n", "No News", "NO NEWS today", "no  news", "no\nnews", "ᲂ", "нет ноᲂостей", "НЕТ НОВОСТЕЙ", "NO RESULTſ",
		"no re\u212Asults", "Nothing found.", "ничего не найдено", "Новостей за этот день нет", "навін за гэты дзень няма", "НАВІН НЯМА",
		"no new\xffs", "no news\xff", "\xd0\xbdет новостей", "\xd0нет новостей", "no new", "süß", "SÜSS", "STRAẞE", "\u0130", "no nothing found"} {
		checkPhrases(t, cases, text)
	}
	pieces := []string{"no", "No", "NO", "nO", " ", "  ", "\n", "news", "NEWS", "new", "ſ", "\u212A", "\u0130", "i", "results", "resulſ", "articles",
		"nothing", "found", "н", "Н", "ет", "ЕТ", "нет", "новостей", "НОВОСТЕЙ", "ᲂ", "ᲀ", "ᲃ", "ᲄ", "ᲅ", "няма", "навін", "НАВІН", "ничего не", "найдено",
		"новостей за этот день", "\xff", "\xd0", "\xbd", "é", "日本", "ß", "ẞ", "s", "ü", "k", "straße", "ea", "x", "a", "b", "\ufffd"}
	r := rand.New(rand.NewSource(1))
	for range 50000 {
		var b strings.Builder
		for k := r.Intn(6); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkPhrases(t, cases, b.String())
	}
}

// TestPhraseSetEveryRune puts every code point of the Basic Multilingual
// Plane in the place of the first and of the second rune of the phrases
// (one phrase per distinct first rune): the lead table and the rune
// comparison must agree with the references. Beyond the plane, the lead
// test is compared with the definition of a match.
func TestPhraseSetEveryRune(t *testing.T) {
	for _, s := range []*phraseSet{noNews, noNewsPhrases} {
		ref := phraseRef(s)
		seen := map[rune]bool{}
		for _, p := range s.src {
			r0, w := utf8.DecodeRuneInString(p)
			if seen[r0] {
				continue
			}
			seen[r0] = true
			_, w2 := utf8.DecodeRuneInString(p[w:])
			for c := rune(0); c <= 0xFFFF; c++ {
				if !utf8.ValidRune(c) {
					continue
				}
				for _, text := range []string{string(c) + p[w:], p[:w] + string(c) + p[w+w2:]} {
					if s.in(text) != ref(text) {
						t.Fatalf("phrases %q (fold %v) in %q = %v, the reference says %v", s.src, s.fold, text, s.in(text), ref(text))
					}
				}
			}
		}
		for c := rune(0x800); c <= unicode.MaxRune; c++ {
			want := false
			for r0 := range seen {
				want = want || c == r0 || !s.fold && unicode.ToLower(c) == r0 || s.fold && foldsTo(c, r0)
			}
			if s.leads(c) != want {
				t.Fatalf("phrases %q (fold %v): leads(%U) = %v, want %v", s.src, s.fold, c, s.leads(c), want)
			}
		}
	}
}

// foldsTo reports whether c is in the simple case folding orbit of r.
func foldsTo(c, r rune) bool {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f == c {
			return true
		}
	}
	return false
}

// FuzzPhraseSet compares the phrase matchers with their references on
// arbitrary texts.
func FuzzPhraseSet(f *testing.F) {
	for _, s := range []string{"No news", "нет новостей", "NO RESULTſ", "\xd0\xbd", "ничего не найдено"} {
		f.Add(s)
	}
	cases := phraseCases()
	f.Fuzz(func(t *testing.T, text string) {
		checkPhrases(t, cases, text)
	})
}
