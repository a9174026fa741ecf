package links

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMailtoAndTel(t *testing.T) {
	tests := []struct {
		href string
		bad  bool
	}{
		{"mailto:press@gov.example", false},
		{"mailto:a@gov.example,b@gov.example?subject=Hi%20there", false},
		{"mailto:?to=press@gov.example", false},
		{"mailto:press(at)gov.example", true},
		{"mailto:", true},
		{"mailto:press@localhost", true},
		{"mailto:Press <press@gov.example>", true},
		{"mailto:press@gov.example?subject=%zz", true},
		{"tel:+375-17-123-45-67", false},
		{"tel:(017) 222 33 44", false},
		{"tel:+375171234567;ext=12", false},
		{"tel:call-us", true},
		{"tel:", true},
		{"tel:12", true},
		{"tel:+1234567890123456", true},
	}
	for _, tc := range tests {
		var got string
		if tc.href[:4] == "tel:" {
			got = telProblem(tc.href)
		} else {
			got = mailtoProblem(tc.href)
		}
		if (got != "") != tc.bad {
			t.Errorf("%q: problem %q, want bad=%v", tc.href, got, tc.bad)
		}
	}
}

func FuzzMailtoTel(f *testing.F) {
	for _, s := range []string{"a@b.c", "", "?to=x@y.z", "%", "a@b.c,", "+1 (2) 3-4.5", ";", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_ = mailtoProblem("mailto:" + s)
		_ = telProblem("tel:" + s)
	})
}

// TestHasLowerPrefix: hasLowerPrefix says what lowering the whole string
// and testing its prefix says, Unicode case mappings included.
func TestHasLowerPrefix(t *testing.T) {
	for _, s := range []string{"", "m", "mailto:", "MAILTO:x@y", "MaIlTo:", "MAİLTO:a", "mailto", "mailto;", "tel:+375", "TEL:1", "\u212Ael:", "te\xffl:", "mailto:\xff", " tel:"} {
		for _, prefix := range []string{"mailto:", "tel:"} {
			if got, want := hasLowerPrefix(s, prefix), strings.HasPrefix(strings.ToLower(s), prefix); got != want {
				t.Errorf("hasLowerPrefix(%q, %q) = %v, want %v", s, prefix, got, want)
			}
		}
	}
}

func FuzzHasLowerPrefix(f *testing.F) {
	f.Add("MAİLTO:a@b", "mailto:")
	f.Add("tel:+375", "tel:")
	f.Fuzz(func(t *testing.T, s, prefix string) {
		prefix = strings.ToLower(prefix)
		for i := 0; i < len(prefix); i++ {
			if prefix[i] >= utf8.RuneSelf {
				return // the prefixes are lowercase ASCII
			}
		}
		if got, want := hasLowerPrefix(s, prefix), strings.HasPrefix(strings.ToLower(s), prefix); got != want {
			t.Fatalf("hasLowerPrefix(%q, %q) = %v, want %v", s, prefix, got, want)
		}
	})
}
