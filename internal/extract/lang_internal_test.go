package extract

import (
	"maps"
	"math/rand"
	"strings"
	"testing"
	"unicode"
)

// TestCyrillicLower compares cyrillicLower with unicode.ToLower, and the
// detector's fast test for Cyrillic letters with unicode.Is, on every code
// point.
func TestCyrillicLower(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if got, want := cyrillicLower(r), unicode.ToLower(r); got != want {
			t.Fatalf("cyrillicLower(%U) = %U, unicode.ToLower says %U", r, got, want)
		}
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
