package fold

import (
	"math/rand"
	"regexp"
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
		for k, p := range c.set.list {
			text := string(p)
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
