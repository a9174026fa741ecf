package regexp_test

import (
	stdregex "regexp"
	"sync"
	"testing"

	"github.com/archiver-dev/archiver/internal/extract/internal/dateparser/internal/regexp"
)

// TestMustCompileIsLazy: making an expression compiles nothing (one
// allocation, the wrapper), so the locale data's ~4,000 expressions cost
// nothing at init; an invalid one panics at its first use, as the standard
// MustCompile would have at init.
func TestMustCompileIsLazy(t *testing.T) {
	if n := testing.AllocsPerRun(100, func() { _ = regexp.MustCompile(`(?i)\b(\d{1,2})\s+(january|february)\s+(\d{4})\b`) }); n > 1 {
		t.Errorf("MustCompile made %v allocations, want 1 (no compilation)", n)
	}
	bad := regexp.MustCompile(`(unclosed`)
	defer func() {
		if recover() == nil {
			t.Error("an invalid expression did not panic at its first use")
		}
	}()
	bad.MatchString("x")
}

// TestSameResultsAsTheStandardLibrary runs the wrapper and the standard
// library side by side, the wrapper's first use racing on goroutines.
func TestSameResultsAsTheStandardLibrary(t *testing.T) {
	exprs := []string{`(\d+)-(\d+)`, `(?i)мая|may`, `^\s*$`, `(?:a|b)+c`}
	inputs := []string{"2024-03", "3 мая 2024", "  ", "abac", "", "x 12-7 y"}
	for _, e := range exprs {
		lazy, std := regexp.MustCompile(e), stdregex.MustCompile(e)
		var wg sync.WaitGroup
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, in := range inputs {
					if got, want := lazy.FindAllStringSubmatchIndex(in, -1), std.FindAllStringSubmatchIndex(in, -1); !equal(got, want) {
						t.Errorf("%s on %q: %v, want %v", e, in, got, want)
					}
					if got, want := lazy.ReplaceAllString(in, "<$0>"), std.ReplaceAllString(in, "<$0>"); got != want {
						t.Errorf("%s replace on %q: %q, want %q", e, in, got, want)
					}
				}
			}()
		}
		wg.Wait()
		if lazy.String() != std.String() {
			t.Errorf("String() = %q, want %q", lazy.String(), std.String())
		}
	}
	c, err := regexp.Compile(`[`)
	if err == nil || c != nil {
		t.Errorf("Compile of an invalid expression: %v, %v; want an error", c, err)
	}
}

func equal(a, b [][]int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}
