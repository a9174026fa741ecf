package crawl

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// glob is a compiled include or exclude pattern: "*" matches any run of
// characters, "?" one character, any other character itself. Neither
// wildcard matches a newline, and invalid UTF-8 counts as one character
// per byte, so a glob means what the anchored regular expression
// ^…$ with "*" as ".*" and "?" as "." means (the fuzz test holds it to
// that), without running one for every link of every page.
type glob struct {
	local bool     // starts with "/": matched against the path and query
	lines [][]rune // the pattern split at its newlines
	need  string   // the longest literal run of the pattern: a match contains it
}

// compileGlob compiles a pattern; the empty pattern is an error.
func compileGlob(g string) (*glob, error) {
	if g == "" {
		return nil, errors.New("empty pattern")
	}
	gl := &glob{local: strings.HasPrefix(g, "/")}
	for _, line := range strings.Split(g, "\n") {
		p := []rune(line)
		gl.lines = append(gl.lines, p)
		for _, lit := range strings.FieldsFunc(string(p), func(r rune) bool { return r == '*' || r == '?' }) {
			// U+FFFD also matches an invalid byte: no literal prefilter.
			if len(lit) > len(gl.need) && !strings.ContainsRune(lit, utf8.RuneError) {
				gl.need = lit
			}
		}
	}
	return gl, nil
}

// match reports whether the whole of s matches the pattern.
func (g *glob) match(s string) bool {
	if !strings.Contains(s, g.need) {
		return false
	}
	if len(g.lines) == 1 {
		return strings.IndexByte(s, '\n') < 0 && matchLine(g.lines[0], s)
	}
	// A newline of s is matched by one of the pattern, never by a
	// wildcard: line i of s must match line i of the pattern.
	if strings.Count(s, "\n") != len(g.lines)-1 {
		return false
	}
	for _, p := range g.lines {
		line, rest, _ := strings.Cut(s, "\n")
		if !matchLine(p, line) {
			return false
		}
		s = rest
	}
	return true
}

// matchLine matches s, which holds no newline, against the pattern p, which
// holds none either. On a mismatch the last "*" takes one more character
// and the match goes on from there: a later "*" can absorb whatever an
// earlier one would have, so no other choice needs revisiting.
func matchLine(p []rune, s string) bool {
	pi, si := 0, 0
	star, mark := -1, 0 // the pattern after the last "*", and where in s it resumes
	for si < len(s) {
		r, w := rune(s[si]), 1
		if r >= utf8.RuneSelf {
			r, w = utf8.DecodeRuneInString(s[si:])
		}
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '*':
				star, mark = pi+1, si
				pi++
				continue
			case c == '?' || c == r:
				pi++
				si += w
				continue
			}
		}
		if star < 0 {
			return false
		}
		if s[mark] < utf8.RuneSelf {
			mark++
		} else {
			_, w := utf8.DecodeRuneInString(s[mark:])
			mark += w
		}
		pi, si = star, mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
