package links

import (
	"math/rand"
	"strings"
	"testing"
)

// TestFewerWords compares fewerWords with the count of strings.Fields it
// replaces, on a table and on random texts of words, ASCII and Unicode
// spaces (U+0085, U+00A0, U+2003) and invalid UTF-8, around the bound.
func TestFewerWords(t *testing.T) {
	for _, tc := range []struct {
		text string
		n    int
		want bool
	}{
		{"", 0, false},
		{"", 1, true},
		{"a", 1, false},
		{"a b", 3, true},
		{"a b c", 3, false},
		{"  a\u00a0b\u2003c\t", 3, false},
		{"a\u0085b", 2, false},
		{"a\xffb c", 2, false},
	} {
		if got := fewerWords(tc.text, tc.n); got != tc.want {
			t.Errorf("fewerWords(%q, %d) = %v, want %v", tc.text, tc.n, got, tc.want)
		}
	}
	pieces := []string{"a", "word", "слово", " ", "  ", "\n", "\t", "\u00a0", "\u0085", "\u2003", "\xff", "\xd0", ".", "日本"}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(30); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkFewerWords(t, b.String())
	}
}

func checkFewerWords(t *testing.T, text string) {
	t.Helper()
	words := len(strings.Fields(text))
	for _, n := range []int{-1, 0, 1, words - 1, words, words + 1} {
		if got, want := fewerWords(text, n), words < n; got != want {
			t.Fatalf("fewerWords(%q, %d) = %v; the text has %d words", text, n, got, words)
		}
	}
}

// FuzzFewerWords compares fewerWords with strings.Fields on arbitrary
// texts.
func FuzzFewerWords(f *testing.F) {
	for _, s := range []string{"", "a b", "a\u00a0b", "\xff \xd0"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		checkFewerWords(t, text)
	})
}
