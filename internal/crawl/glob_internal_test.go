package crawl

import (
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// globRegexp is what a glob means, as a regular expression: the matcher
// scope used before glob, kept as the reference glob must agree with.
func globRegexp(g string) *regexp.Regexp {
	var b strings.Builder
	b.WriteByte('^')
	for _, r := range g {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteByte('.')
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteByte('$')
	return regexp.MustCompile(b.String())
}

func TestGlob(t *testing.T) {
	tests := []struct {
		glob, s string
		want    bool
	}{
		{"/*/calendar/?*", "/en/calendar/?day=1", true},
		{"/*/calendar/?*", "/en/calendar/", false},
		{"/*/calendar/?*", "/en/calendar/x", true},
		{"/*/calendar/?*", "/calendar/x", false},
		{"/*/calendar/?*", "/a/b/calendar/x", true},
		{"/*/archive/?day=*", "/be/archive/?day=03&month=04", true},
		{"/*/archive/?day=*", "/be/archive/xday=03", true}, // "?" is any character
		{"/*/archive/?day=*", "/be/archive/day=03", false},
		{"/*/regions/news.html?*start=*start=*", "/ru/regions/news.html?start=1&start=2", true},
		{"/*/regions/news.html?*start=*start=*", "/ru/regions/news.html?start=1", false},
		{"*;jsessionid=*", "http://h.example/a;jsessionid=ABC?x=1", true},
		{"*;jsessionid=*", "http://h.example/a?jsessionid=ABC", false},
		{"*", "", true},
		{"**", "x", true},
		{"?", "", false},
		{"?", "ж", true},        // one character, two bytes
		{"??", "ж", false},      // not two
		{"a?c", "a\xffc", true}, // an invalid byte is one character
		{"a\uFFFDc", "a\xffc", true},
		{"*", "a\nb", false}, // no wildcard matches a newline
		{"a\nb", "a\nb", true},
		{"*\n*", "a\nb", true},
		{"*\n*", "ab", false},
		{"*\n*", "a\n\nb", false},
		{"a*b*c", "aXbYbZc", true},
		{"a*b*c", "aXbYbZ", false},
		{"a*a*a*a*b", strings.Repeat("a", 40), false},
		{"abc", "ABC", false},
		{"a.c", "abc", false}, // "." is itself
	}
	for _, tc := range tests {
		g, err := compileGlob(tc.glob)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.match(tc.s); got != tc.want {
			t.Errorf("glob %q match %q = %v, want %v", tc.glob, tc.s, got, tc.want)
		}
		if re := globRegexp(tc.glob).MatchString(tc.s); re != tc.want {
			t.Errorf("the reference: regexp of %q match %q = %v, want %v", tc.glob, tc.s, re, tc.want)
		}
	}
	if _, err := compileGlob(""); err == nil {
		t.Error("the empty pattern compiled")
	}
}

// FuzzGlob holds glob to the regular expression it replaces, on random
// patterns and inputs, and on inputs made from the pattern (so that the
// matches are not all trivial failures).
func FuzzGlob(f *testing.F) {
	for _, s := range [][2]string{
		{"/*/calendar/?*", "/en/calendar/?day=1"},
		{"*;jsessionid=*", "http://h.example/a;jsessionid=1"},
		{"/*/regions/news.html?*start=*start=*", "/ru/regions/news.html?start=1&start=2"},
		{"a\n*", "a\nb"},
		{"?ж*", "xж\xff"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		if pattern == "" {
			return
		}
		g, err := compileGlob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		re := globRegexp(pattern)
		// The input, and the pattern with its wildcards filled in from it.
		inputs := []string{s, pattern}
		if len(pattern)*(len(s)+1) <= 1<<14 { // the regexp's time grows with both
			inputs = append(inputs, strings.NewReplacer("*", s, "?", firstRune(s)).Replace(pattern))
		}
		for _, in := range inputs {
			if got, want := g.match(in), re.MatchString(in); got != want {
				t.Fatalf("glob %q match %q = %v, the regexp says %v", pattern, in, got, want)
			}
		}
	})
}

// firstRune returns the first character of s, or "x".
func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return "x"
}

func TestScopeGlobs(t *testing.T) {
	site, err := url.Parse("https://p.example/")
	if err != nil {
		t.Fatal(err)
	}
	canon := NewCanonicalizer(DefaultConfig().Canon, []*url.URL{site})
	s, err := newScope(canon, []string{"/en/*", "https://p.example/be/*.html"}, []string{"/*/calendar/?*", "*;jsessionid=*"})
	if err != nil {
		t.Fatal(err)
	}
	for raw, want := range map[string]string{
		"https://p.example/en/news.html":       "",
		"https://p.example/en/calendar/?day=1": SkipExcluded,
		"https://p.example/en/a;jsessionid=1":  SkipExcluded,
		"https://p.example/be/a.html":          "",
		"https://p.example/be/a.php":           SkipNotIncluded,
		"https://p.example/ru/en/x":            SkipNotIncluded, // "/en/*" is anchored at the path
		"https://other.example/en/news.html":   SkipExternal,
		"https://p.example/en/calendar/":       "",
	} {
		u, err := url.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		if got := s.check(u, raw); got != want {
			t.Errorf("check(%s) = %q, want %q", raw, got, want)
		}
	}
}

// BenchmarkGlob matches the benchmark's trap excludes against typical
// canonical URLs of the portal, with glob and with the regular expressions
// it replaced.
func BenchmarkGlob(b *testing.B) {
	patterns := []string{"/*/calendar/?*", "/*/archive/?day=*", "/*/all_news/page/*", "/*/regions/news.html?*start=*start=*", "*;jsessionid=*"}
	inputs := []string{
		"/ru/press-center/news/minsk-i-uzbekistan-dogovorilis-aktivizirovat-razvitie-promyshlennoy-kooperatsii_i__0000150349.html",
		"/en/calendar/?day=03&month=04&year=2024",
		"/be/regions/news.html?start=20",
		"/en/all_news/page/7/",
	}
	b.Run("glob", func(b *testing.B) {
		var gs []*glob
		for _, p := range patterns {
			g, err := compileGlob(p)
			if err != nil {
				b.Fatal(err)
			}
			gs = append(gs, g)
		}
		for b.Loop() {
			for _, in := range inputs {
				for _, g := range gs {
					g.match(in)
				}
			}
		}
	})
	b.Run("regexp", func(b *testing.B) {
		var res []*regexp.Regexp
		for _, p := range patterns {
			res = append(res, globRegexp(p))
		}
		for b.Loop() {
			for _, in := range inputs {
				for _, re := range res {
					re.MatchString(in)
				}
			}
		}
	})
}
