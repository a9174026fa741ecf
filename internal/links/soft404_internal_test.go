package links

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// The regular expressions that notFoundTitle and noNewsText stand for.
var (
	reNotFoundTitle = regexp.MustCompile(`(?i)(\b404\b|not found|page (does not|doesn't) exist|no longer available|страница не найдена|не найдено|старонка не знойдзена|не знойдзена)`)
	reNoNews        = regexp.MustCompile(`(?i)(no news (for|on) this day|there is no news|no news found|новостей за этот день нет|нет новостей|навін за гэты дзень няма|няма навін)`)
)

// checkSoft404Phrases holds notFoundTitle and noNewsText to their regular
// expressions on text.
func checkSoft404Phrases(t *testing.T, text string) {
	t.Helper()
	if got, want := notFoundTitle.MatchString(text), reNotFoundTitle.MatchString(text); got != want {
		t.Fatalf("notFoundTitle.MatchString(%q) = %v, the regular expression says %v", text, got, want)
	}
	if got, want := noNewsText.MatchString(text), reNoNews.MatchString(text); got != want {
		t.Fatalf("noNewsText.MatchString(%q) = %v, the regular expression says %v", text, got, want)
	}
}

// TestSoft404Phrases checks the soft-404 signs on titles and texts, then
// against their regular expressions on texts built of the phrases' pieces,
// their case variants, runes that fold to ASCII or Cyrillic letters (ſ, K,
// ᲂ…), word characters beside 404, and invalid UTF-8.
func TestSoft404Phrases(t *testing.T) {
	for _, tc := range []struct {
		text          string
		title, noNews bool
	}{
		{"", false, false},
		{"404", true, false},
		{"Error 404 - Page Not Found", true, false},
		{"x404", false, false},
		{"404x", false, false},
		{"_404", false, false},
		{"\u212A_9", false, false},
		{"é404é", true, false},
		{"\xff404\xff", true, false},
		{"4040", false, false},
		{"PAGE DOESN'T EXIST", true, false},
		{"page doesn’t exist", false, false},
		{"no longer availab\u212Ce", false, false},
		{"NO LONGER AVAILABLE", true, false},
		{"страница не найдена", true, false},
		{"СТРАНИЦА НЕ НАЙДЕНА", true, false},
		{"не найдено", true, false},
		{"Старонка не знойдзена", true, false},
		{"There is no news", false, true},
		{"there iſ no newſ", false, true}, {"thereſ iſ no newſ", false, false},
		{"no news  for this day", false, false},
		{"No news on this day.", false, true},
		{"нет ноᲀостей", false, true}, {"НЕТ НОВᲂСТЕЙ", false, true},
		{"Навін за гэты дзень няма", false, true},
		{"НЯМА НАВІН", false, true},
		{"нет новост\xffей", false, false},
		{"not foun", false, false},
	} {
		if got := notFoundTitle.MatchString(tc.text); got != tc.title {
			t.Errorf("notFoundTitle.MatchString(%q) = %v, want %v", tc.text, got, tc.title)
		}
		if got := noNewsText.MatchString(tc.text); got != tc.noNews {
			t.Errorf("noNewsText.MatchString(%q) = %v, want %v", tc.text, got, tc.noNews)
		}
		checkSoft404Phrases(t, tc.text)
	}
	pieces := []string{"404", "4", "0", "x", "_", " ", "  ", "-", "not", "NOT", "found", "FOUND", "foun", "page", "does", "doesn't", "exist", "no",
		"longer", "available", "\u212A", "ſ", "s", "S", "k", "K", "news", "for", "on", "this", "day", "there", "is", "страница", "СТРАНИЦА", "не",
		"НЕ", "найдена", "найдено", "старонка", "знойдзена", "новостей", "за", "этот", "день", "нет", "навін", "гэты", "дзень", "няма", "ᲂ", "ᲀ",
		"ᲃ", "ᲄ", "ᲅ", "\xff", "\xd0", "\xbd", "é", "日本"}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(8); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkSoft404Phrases(t, b.String())
	}
}

// FuzzSoft404Phrases holds the soft-404 signs to their regular expressions
// on arbitrary texts.
func FuzzSoft404Phrases(f *testing.F) {
	for _, s := range []string{"404", "Page not found", "x404", "нет новостей", "there iſ no newſ", "\xd0\xbd", "no news on this day"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkSoft404Phrases(t, text)
	})
}
