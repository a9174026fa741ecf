package trafilatura

import (
	"strings"
	"testing"
)

// The one-pass trim and strWordCount must give what strings.Fields does.

func checkTrim(t *testing.T, s string) {
	t.Helper()
	if got, want := trim(s), strings.Join(strings.Fields(s), " "); got != want {
		t.Errorf("trim(%q) = %q, want %q", s, got, want)
	}
	if got, want := strWordCount(s), len(strings.Fields(s)); got != want {
		t.Errorf("strWordCount(%q) = %d, want %d", s, got, want)
	}
}

func TestTrim(t *testing.T) {
	for _, s := range []string{"", " ", "a", " a ", "a  b", "a\tb\n", "a\u00a0b", "a\u0085b", "caf\xe9 \xff ", "\u2003x\u3000y", "already trimmed", "\v\f\r"} {
		checkTrim(t, s)
	}
}

func FuzzTrim(f *testing.F) {
	for _, s := range []string{"a  b", " x\u00a0y ", "caf\xe9", "\u2003"} {
		f.Add(s)
	}
	f.Fuzz(checkTrim)
}
