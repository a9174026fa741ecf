package extract

import (
	"maps"
	"math/rand"
	"strings"
	"testing"
	"unicode"
)

// TestCyrillicRange checks the detector's fast test for Cyrillic letters
// with unicode.Is, on every code point.
func TestCyrillicRange(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if 'А' <= r && r <= 'я' && !unicode.Is(unicode.Cyrillic, r) {
			t.Fatalf("%U is in А-я but not Cyrillic", r)
		}
	}
}

// stopwordCountsReference is detectLanguage's count of stop words as first
// written: a slice of every word of the lower-cased text.
func stopwordCountsReference(text string) map[string]int {
	counts := map[string]int{}
	words := strings.FieldsFunc(strings.ToLower(text), func(r rune) bool { return !unicode.IsLetter(r) })
	if len(words) > 3000 {
		words = words[:3000]
	}
	for _, w := range words {
		for _, lang := range stopwordLangs[w] {
			counts[lang]++
		}
	}
	return counts
}

// TestStopwordCounts compares stopwordCounts with the slice of every word
// it replaces, on texts of fewer and more than 3,000 words.
func TestStopwordCounts(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	pieces := []string{"the", "The", "and", "der", "DIE", "la", " ", "  ", ",", "x", "für", "FÜR", "\xff", "não", "się", "—", "1", "и", "\u0130"}
	for _, n := range []int{0, 1, 5, 100, 2999, 3000, 3001, 6000, 9000} {
		for range 20 {
			var b strings.Builder
			for range n {
				b.WriteString(pieces[r.Intn(len(pieces))])
			}
			text := b.String()
			if got, want := stopwordCounts(text), stopwordCountsReference(text); !maps.Equal(got, want) {
				t.Fatalf("stopwordCounts of a text of %d pieces = %v, want %v", n, got, want)
			}
		}
	}
}

// letterCountsReference is the counting loop of detectLanguage as first
// written, rune by rune.
func letterCountsReference(text string) letterTally {
	var t letterTally
	for _, r := range text {
		switch {
		case r < 0x80:
			if 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' {
				t.latin++
			}
		case unicode.Is(unicode.Cyrillic, r):
			t.addCyrillic(r)
		case unicode.Is(unicode.Latin, r):
			t.latin++
		}
	}
	return t
}

func checkLetterCounts(t *testing.T, s string) {
	t.Helper()
	if got, want := letterCounts(s), letterCountsReference(s); got != want {
		t.Fatalf("letterCounts(%q) = %+v, want %+v", s, got, want)
	}
}

// TestLetterCounts compares letterCounts with its reference on every rune
// and on random texts of Latin, Cyrillic, other letters and invalid UTF-8.
func TestLetterCounts(t *testing.T) {
	for c := rune(0); c <= unicode.MaxRune; c++ {
		checkLetterCounts(t, "a"+string(c)+"я")
	}
	pieces := []string{"a", "Z", "@", "[", "9", " ", "é", "ß", "ǅ", "Слово", "ЎўЇїЄєҐґІіЪъЩщИиЫыЭэ", "Ѐ", "ԯ", "ᲀ", "Ꙁ", "日本", "\xff", "\xd0", "\xe2\x80", "ﬀ", "Ａ"}
	r := rand.New(rand.NewSource(3))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(10); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkLetterCounts(t, b.String())
	}
}

// FuzzLetterCounts compares letterCounts with its reference on arbitrary
// texts.
func FuzzLetterCounts(f *testing.F) {
	f.Add("Мінск ўсё, Київ їжак, Москва съезд; Paris été \xff")
	f.Fuzz(checkLetterCounts)
}
