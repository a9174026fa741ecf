package extract

import (
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// TestFoldOnlyRunes checks foldOnlyRunes against strings.EqualFold (simple
// case folding, as noNews matches) over every rune: a rune that folds to a
// rune of a noNews phrase but does not lower-case to it is one of them,
// and every one of them is such a rune; and every noNews phrase is one of
// noNewsList's.
func TestFoldOnlyRunes(t *testing.T) {
	for _, p := range noNewsOf {
		if !slices.Contains(noNewsList, p) {
			t.Errorf("noNews phrase %q is not in noNewsList", p)
		}
	}
	var phraseRunes []rune
	for _, p := range noNewsOf {
		for _, r := range p {
			if !slices.Contains(phraseRunes, r) {
				phraseRunes = append(phraseRunes, r)
			}
		}
	}
	var want []string
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if !utf8.ValidRune(r) {
			continue
		}
		for _, p := range phraseRunes {
			if r != p && strings.EqualFold(string(r), string(p)) && unicode.ToLower(r) != p {
				want = append(want, string(r))
				break
			}
		}
	}
	got := slices.Clone(foldOnlyRunes)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("foldOnlyRunes = %q, want %q", got, want)
	}
	if len(want) == 0 {
		t.Error("no rune folds to a phrase's rune without lower-casing to it: the test tests nothing")
	}
}

// checkNoNewsImplied checks what bodySaysNoNews relies on: a text without
// foldOnlyRunes in which noNewsPhrases finds nothing holds no noNews
// phrase.
func checkNoNewsImplied(t *testing.T, text string) {
	t.Helper()
	if noNews.MatchString(text) && !hasFoldOnlyRune(text) && !noNewsPhrases.MatchString(text) {
		t.Errorf("%q: noNews finds a phrase, noNewsPhrases none, and there is no fold-only rune", text)
	}
}

func TestNoNewsImplied(t *testing.T) {
	for _, s := range []string{"NO NEWS", "No Articles here", "nothing\u00a0found", "no newſ", "НЕТ НОВОСТЕЙ", "нет нᲂвостей", "НЯМА НАВІН", "Ничего не найдено",
		"no  news", "knows no news", "NOTHING FOUND", "no result", "новостей нет.", "\xffno news\xff"} {
		checkNoNewsImplied(t, s)
	}
}

func FuzzNoNewsImplied(f *testing.F) {
	for _, s := range []string{"no news", "no newſ", "нет нᲂвостей", "NOTHING FOUND", "няма навін", "İ"} {
		f.Add(s)
	}
	f.Fuzz(checkNoNewsImplied)
}
