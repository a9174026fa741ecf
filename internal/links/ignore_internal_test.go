package links

import (
	"regexp"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/portal"
)

// portalTrapPattern joins the trap families of the demo portal's manifest
// into one --ignore-url pattern over absolute URLs, as users and the
// bench-links comparison write it, and returns it with the portal's URLs
// (its pages, links and trap examples) made absolute.
func portalTrapPattern(t testing.TB) (string, []string) {
	p, err := portal.New(portal.Config{Seed: 1, Articles: 30})
	if err != nil {
		t.Fatal(err)
	}
	m := p.Manifest()
	var pats, urls []string
	for _, tr := range m.Traps {
		pats = append(pats, "(?:"+strings.Replace(tr.Pattern, "^/", `^https?://[^/]+/`, 1)+")")
		urls = append(urls, tr.Examples...)
	}
	for _, pg := range m.Pages {
		urls = append(urls, pg.URL)
	}
	for _, l := range m.Links {
		urls = append(urls, l.Href, l.Target)
	}
	var abs []string
	for _, u := range urls {
		if strings.HasPrefix(u, "/") {
			abs = append(abs, "http://127.0.0.1:8080"+u, "https://portal.example"+u, "https://portal.example"+u+";jsessionid=0A1B")
		} else if u != "" {
			abs = append(abs, u)
		}
	}
	return strings.Join(pats, "|"), abs
}

// TestIgnoreSet: the parts an --ignore-url pattern is split into match
// exactly the strings the pattern matches, whatever its flags, anchors and
// groups; the portal's trap list is split into its families.
func TestIgnoreSet(t *testing.T) {
	traps, urls := portalTrapPattern(t)
	tests := []struct {
		pattern string
		parts   int // how many regexps it is matched as
	}{
		{traps, strings.Count(traps, "|(?:") + 1},
		{`^/en/|;jsessionid=|\?utm_`, 3},
		{`a|b`, 2},
		{`ab|ac`, 2},
		{`[|]x|\|y|(?:ab|ac)|^c|\A(?:d)`, 5},
		{`^[]|]a|^b`, 2},
		{`^[^]|]a|^b`, 2},
		{`^(?:\w+://)?[^/]*example\.(?:org|net)(?::\d+)?/|\.pdf$`, 2},
		{`(a|b)c|d(e|f)|(?:^g)`, 1},         // (a|b)c: neither anchored nor literal-led
		{`\bru\b|\Bcalendar\B|`, 1},         // likewise
		{`(?i:EN)/|[^a-z]{40,}|x{2}`, 1},    // likewise
		{`(?i)^HTTPS://PORTAL|CALENDAR`, 1}, // (?i) applies to both sides
		{`x(?i)|y`, 1},
		{`(?m)^x$|^https?://[^/]+/$`, 1},
		{`(?s)news.html.*start|^$`, 1},
		{`(?U)page/\d+|(day=\d+&?)+$`, 1},
		{`\Qa|b\E|c`, 1},
		{`[[:alpha:]|]x|y`, 1},
		{`;jsessionid=[0-9A-F]+`, 1},
	}
	strs := append(urls, "", "x", "xx", "a\nx\nb", "ru calendar", "EN/", "https://PORTAL.example/", "ac", "dgf", "ab", "NEWS.html?\nstart",
		"|x", "]a", "|a", "a|b", "zzc", "d", "y", "b")
	matched := 0
	for _, tc := range tests {
		re := regexp.MustCompile(tc.pattern)
		set := newIgnoreSet([]*regexp.Regexp{re})
		if len(set) != tc.parts {
			t.Errorf("%q: matched as %d regexps, want %d", tc.pattern, len(set), tc.parts)
		}
		for _, s := range strs {
			if got, want := set.match(s), re.MatchString(s); got != want {
				t.Errorf("%q on %q: the parts match %v, the pattern %v", tc.pattern, s, got, want)
			} else if got {
				matched++
			}
		}
	}
	if matched == 0 || len(urls) < 1000 {
		t.Errorf("%d matches over %d portal URLs", matched, len(urls))
	}
	if newIgnoreSet(nil).match("anything") {
		t.Error("no pattern matches")
	}
}

// FuzzIgnoreSet: for any pattern and string, the parts match exactly
// when the pattern does.
func FuzzIgnoreSet(f *testing.F) {
	traps, urls := portalTrapPattern(f)
	for i, u := range urls[:50] {
		f.Add(traps, u)
		f.Add([]string{`(?i)^a|b$`, `(?m)^x|y$`, `\bx|(?U)y+z|`, `(a|b)|c*d`, `^[]|]a|^b`, `\Qa|b\E|c`, `[[:alpha:]|]x|y`, `x(?i)|y`, `[|]x|\|y|(?:ab|ac)|^c`}[i%9], u)
	}
	f.Fuzz(func(t *testing.T, pattern, s string) {
		re, err := regexp.Compile(pattern)
		if err != nil || len(pattern) > 200 {
			return
		}
		if got, want := newIgnoreSet([]*regexp.Regexp{re}).match(s), re.MatchString(s); got != want {
			t.Fatalf("%q on %q: the parts match %v, the pattern %v", pattern, s, got, want)
		}
	})
}
