package fold

import (
	"math/rand"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// phraseCases pairs each phrase set of the tests with the regular
// expression it stands for: signs of a missing page in English, Russian and
// Belarusian, with a bounded phrase, and a set with bounded phrases in the
// middle of the text and phrases that begin with a letter whose orbit
// holds a non-ASCII rune.
func phraseCases() []struct {
	set *Phrases
	re  *regexp.Regexp
} {
	return []struct {
		set *Phrases
		re  *regexp.Regexp
	}{
		{New(Phrase{"404", true}, Phrase{Text: "not found"}, Phrase{Text: "there is no news"}, Phrase{Text: "страница не найдена"}, Phrase{Text: "нет новостей"},
			Phrase{Text: "навін за гэты дзень няма"}), regexp.MustCompile(`(?i)\b404\b|not found|there is no news|страница не найдена|нет новостей|навін за гэты дзень няма`)},
		{New(Phrase{"k_9", true}, Phrase{"-s", true}, Phrase{Text: "straße"}, Phrase{Text: "ǅ"}), regexp.MustCompile(`(?i)\bk_9\b|\b-s\b|straße|ǅ`)},
	}
}

func checkPhrases(t *testing.T, text string) {
	t.Helper()
	for _, c := range phraseCases() {
		if got, want := c.set.MatchString(text), c.re.MatchString(text); got != want {
			t.Fatalf("%s: MatchString(%q) = %v, the regular expression says %v", c.re, text, got, want)
		}
	}
}

// TestPhrases compares the phrase sets with their regular expressions on
// texts built of the phrases' pieces, their case variants, runes that fold
// to ASCII or Cyrillic letters (ſ, K, ᲂ…), word characters beside 404, and
// invalid UTF-8.
func TestPhrases(t *testing.T) {
	for _, text := range []string{"", "404", "Error 404 - Page Not Found", "x404", "404x", "_404", "\u212A_9", "é404é", "\xff404\xff", "4040",
		"СТРАНИЦА НЕ НАЙДЕНА", "Страница не найдена", "There is no news", "there iſ no newſ", "thereſ iſ no newſ", "there is  no news",
		"нет ноᲀостей", "НЕТ НОВᲂСТЕЙ", "нет новост\xffей", "Навін за гэты дзень няма", "not foun", "STRASSE", "straẞe", "ǆ", "-ſ", "a-s"} {
		checkPhrases(t, text)
	}
	pieces := []string{"404", "4", "0", "x", "_", " ", "  ", "-", "not", "NOT", "found", "FOUND", "foun", "page", "does", "doesn't", "exist", "no",
		"longer", "available", "\u212A", "ſ", "s", "S", "k", "K", "news", "for", "on", "this", "day", "there", "is", "страница", "СТРАНИЦА", "не",
		"НЕ", "найдена", "найдено", "старонка", "знойдзена", "новостей", "за", "этот", "день", "нет", "навін", "гэты", "дзень", "няма", "ᲂ", "ᲀ",
		"ᲃ", "ᲄ", "ᲅ", "\xff", "\xd0", "\xbd", "é", "日本", "straße", "STRASSE", "ẞ", "ǅ", "ǆ", "Ǆ", "k_9", "K_9", "\u212A_9", "-s", "-ſ", "a-s", "-"}
	r := rand.New(rand.NewSource(1))
	for range 50000 {
		var b strings.Builder
		for k := r.Intn(8); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkPhrases(t, b.String())
	}
}

// TestPhrasesEveryRune puts every code point of the Basic Multilingual
// Plane, and those beyond it that fold or open a block of 256, in the place
// of the first and of the last rune of every phrase, and beside a bounded one:
// the lead table, the folding and the boundaries must agree with the
// regular expressions.
func TestPhrasesEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("a few million matches")
	}
	for _, c := range phraseCases() {
		for k, text := range c.set.src {
			_, w := utf8.DecodeRuneInString(text)
			_, lw := utf8.DecodeLastRuneInString(text)
			for r := rune(0); r <= unicode.MaxRune; r++ {
				if !utf8.ValidRune(r) || r > 0xFFFF && r&0xFF != 0 && !foldsBeyondPlane(r) {
					continue
				}
				s := string(r)
				texts := []string{s + text[w:], text[:len(text)-lw] + s}
				if c.set.bounded[k] {
					texts = append(texts, s+text, text+s)
				}
				for _, x := range texts {
					if got, want := c.set.MatchString(x), c.re.MatchString(x); got != want {
						t.Fatalf("%s: MatchString(%q) = %v, the regular expression says %v", c.re, x, got, want)
					}
				}
			}
		}
	}
}

// foldsBeyondPlane reports whether a rune above the Basic Multilingual
// Plane has a case folding orbit of its own (Deseret, Osage, …): those are
// tried one by one, the others a few in each block of 256.
func foldsBeyondPlane(r rune) bool { return unicode.SimpleFold(r) != r }

// FuzzPhrases compares the phrase sets with their regular expressions on
// arbitrary texts.
func FuzzPhrases(f *testing.F) {
	for _, s := range []string{"404", "Page not found", "x404", "нет новостей", "there iſ no newſ", "\xd0\xbd", "no news on this day"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkPhrases(t, text)
	})
}

// BenchmarkPhrases measures a phrase set against its regular expression,
// on a page title and on the text of a day archive that has news, in
// English and in Russian.
func BenchmarkPhrases(b *testing.B) {
	texts := map[string]string{
		"title-en": "Prime Minister meets the delegation of Kazakhstan - Belarus News Portal",
		"title-ru": "Премьер-министр встретился с делегацией Казахстана - Новости Беларуси",
		"text-en":  strings.Repeat("The government approved the plan for the development of the regions on Thursday. ", 30),
		"text-ru":  strings.Repeat("Правительство утвердило план развития регионов в четверг. ", 30),
	}
	for name, text := range texts {
		c := phraseCases()[0]
		set, re := c.set, c.re
		b.Run(name+"/phrases", func(b *testing.B) {
			for b.Loop() {
				set.MatchString(text)
			}
		})
		b.Run(name+"/regexp", func(b *testing.B) {
			for b.Loop() {
				re.MatchString(text)
			}
		})
	}
}

// phraseRef returns what a Phrases of unbounded phrases must answer for a
// text: the regular expression of its phrases (Of) or the search of the
// lower-cased text (Lower).
func phraseRef(s *Phrases) func(string) bool {
	if s.fold {
		quoted := make([]string, len(s.src))
		for i, p := range s.src {
			quoted[i] = regexp.QuoteMeta(p)
		}
		re := regexp.MustCompile(`(?i)` + strings.Join(quoted, "|"))
		return re.MatchString
	}
	return func(text string) bool {
		lower := strings.ToLower(text)
		return slices.ContainsFunc(s.src, func(p string) bool { return strings.Contains(lower, p) })
	}
}

// The unbounded phrase sets under test, as the extractor's "no news" tests
// use them, in both modes, and sets of odd runes.
var (
	noNewsWords = []string{"no news", "no articles", "nothing found", "no results", "нет новостей", "новостей нет", "няма навін", "навін няма", "ничего не найдено"}
	noNews      = Of(noNewsWords...)
	lowerNoNews = Lower(noNewsWords...)
)

// phraseCase is a phrase set under test with its reference.
type phraseCase struct {
	set *Phrases
	ref func(string) bool
}

func unboundedCases() []phraseCase {
	var out []phraseCase
	for _, s := range []*Phrases{noNews, lowerNoNews, Lower("süß", "k", "straße", "i"), Of("\ufffdx", "日本", "ab")} {
		out = append(out, phraseCase{s, phraseRef(s)})
	}
	return out
}

func checkUnbounded(t *testing.T, cases []phraseCase, text string) {
	t.Helper()
	for _, c := range cases {
		if got, want := c.set.MatchString(text), c.ref(text); got != want {
			t.Errorf("phrases %q (fold %v) in %q = %v, want %v", c.set.src, c.set.fold, text, got, want)
		}
	}
}

// TestUnbounded compares the phrase matchers with the regular expressions
// and the searches of lower-cased text they stand for, on texts built of
// the phrases' pieces, their case variants and the runes that fold or
// lower-case to ASCII or Cyrillic letters (ſ, K, İ, ᲂ…), and invalid UTF-8.
func TestUnbounded(t *testing.T) {
	cases := unboundedCases()
	for _, text := range []string{"", "n", "No News", "NO NEWS today", "no  news", "no\nnews", "ᲂ", "нет ноᲂостей", "НЕТ НОВОСТЕЙ", "NO RESULTſ",
		"no re\u212Asults", "Nothing found.", "ничего не найдено", "Новостей за этот день нет", "навін за гэты дзень няма", "НАВІН НЯМА",
		"no new\xffs", "no news\xff", "\xd0\xbdет новостей", "\xd0нет новостей", "no new", "süß", "SÜSS", "STRAẞE", "\u0130", "no nothing found"} {
		checkUnbounded(t, cases, text)
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
		checkUnbounded(t, cases, b.String())
	}
}

// TestUnboundedEveryRune puts every code point of the Basic Multilingual
// Plane in the place of the first and of the second rune of the phrases
// (one phrase per distinct first rune): the lead table and the rune
// comparison must agree with the references. Beyond the plane, the lead
// test is compared with the definition of a match.
func TestUnboundedEveryRune(t *testing.T) {
	if testing.Short() {
		t.Skip("a few million matches")
	}
	for _, s := range []*Phrases{noNews, lowerNoNews} {
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
					if s.MatchString(text) != ref(text) {
						t.Fatalf("phrases %q (fold %v) in %q = %v, the reference says %v", s.src, s.fold, text, s.MatchString(text), ref(text))
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

// FuzzUnbounded compares the phrase matchers with their references on
// arbitrary texts.
func FuzzUnbounded(f *testing.F) {
	for _, s := range []string{"No news", "нет новостей", "NO RESULTſ", "\xd0\xbd", "ничего не найдено"} {
		f.Add(s)
	}
	cases := unboundedCases()
	f.Fuzz(func(t *testing.T, text string) {
		checkUnbounded(t, cases, text)
	})
}

// TestToLower compares ToLower with unicode.ToLower on every code point.
func TestToLower(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := ToLower(r), unicode.ToLower(r); got != want {
			t.Fatalf("ToLower(%U) = %U, unicode.ToLower says %U", r, got, want)
		}
	}
}

// TestHasPrefixASCII compares HasPrefixASCII with strings.HasPrefix of the
// lower-cased text on ASCII texts, and checks that other bytes are
// compared as they are.
func TestHasPrefixASCII(t *testing.T) {
	tests := []struct {
		s, lower string
		want     bool
	}{
		{"JavaScript:void(0)", "javascript:", true},
		{"FILE:///c:/x", "file:", true},
		{"java", "javascript:", false},
		{"", "", true},
		{"x", "", true},
		{"javascrIpt", "javascript", true},
		{"javascrİpt", "javascript", false}, // İ is not ASCII
		{"ſcript", "script", false},         // nor is ſ
	}
	for _, tc := range tests {
		if got := HasPrefixASCII(tc.s, tc.lower); got != tc.want {
			t.Errorf("HasPrefixASCII(%q, %q) = %v, want %v", tc.s, tc.lower, got, tc.want)
		}
	}
	r := rand.New(rand.NewSource(1))
	const letters = "aAbBjJ:-/"
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = letters[r.Intn(len(letters))]
		}
		return string(b)
	}
	for range 20000 {
		s, p := word(r.Intn(6)), strings.ToLower(word(r.Intn(4)))
		if got, want := HasPrefixASCII(s, p), strings.HasPrefix(strings.ToLower(s), p); got != want {
			t.Fatalf("HasPrefixASCII(%q, %q) = %v, strings.HasPrefix of the lower-cased text %v", s, p, got, want)
		}
	}
}

// TestHasPrefixLower: HasPrefixLower says what lowering the whole string
// and testing its prefix says, Unicode case mappings included.
func TestHasPrefixLower(t *testing.T) {
	for _, s := range []string{"", "m", "mailto:", "MAILTO:x@y", "MaIlTo:", "MAİLTO:a", "mailto", "mailto;", "tel:+375", "TEL:1", "\u212Ael:", "te\xffl:", "mailto:\xff", " tel:"} {
		for _, prefix := range []string{"mailto:", "tel:"} {
			if got, want := HasPrefixLower(s, prefix), strings.HasPrefix(strings.ToLower(s), prefix); got != want {
				t.Errorf("HasPrefixLower(%q, %q) = %v, want %v", s, prefix, got, want)
			}
		}
	}
}

func FuzzHasPrefixLower(f *testing.F) {
	f.Add("MAİLTO:a@b", "mailto:")
	f.Add("tel:+375", "tel:")
	f.Fuzz(func(t *testing.T, s, prefix string) {
		prefix = strings.ToLower(prefix)
		for i := 0; i < len(prefix); i++ {
			if prefix[i] >= utf8.RuneSelf {
				return // the prefixes are lowercase ASCII
			}
		}
		if got, want := HasPrefixLower(s, prefix), strings.HasPrefix(strings.ToLower(s), prefix); got != want {
			t.Fatalf("HasPrefixLower(%q, %q) = %v, want %v", s, prefix, got, want)
		}
	})
}
