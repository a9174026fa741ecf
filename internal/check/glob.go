package check

import (
	"fmt"
	"strings"
)

// Glob is a compiled URL glob. "**" matches any run of characters, "*" any
// run without "/", "?" one character other than "/"; every other character
// matches itself. A glob without a scheme ("/news/**", "**/press/**")
// is matched against the URL's path (with its query), a glob with one
// against the whole URL.
type Glob struct {
	pattern string
	whole   bool
	parts   []globPart
}

type globPart struct {
	lit  string
	kind byte // 0 literal, '*', '?', 'd' for "**"
}

// maxGlobLength bounds a glob, so that matching stays cheap.
const maxGlobLength = 512

// CompileGlob parses a URL glob.
func CompileGlob(pattern string) (Glob, error) {
	if pattern == "" {
		return Glob{}, fmt.Errorf("empty URL glob")
	}
	if len(pattern) > maxGlobLength {
		return Glob{}, fmt.Errorf("URL glob longer than %d bytes", maxGlobLength)
	}
	g := Glob{pattern: pattern, whole: strings.Contains(pattern, "://")}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			g.parts = append(g.parts, globPart{lit: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(pattern); i++ {
		switch c := pattern[i]; c {
		case '*':
			flush()
			if i+1 < len(pattern) && pattern[i+1] == '*' {
				for i+1 < len(pattern) && pattern[i+1] == '*' {
					i++
				}
				g.parts = append(g.parts, globPart{kind: 'd'})
			} else {
				g.parts = append(g.parts, globPart{kind: '*'})
			}
		case '?':
			flush()
			g.parts = append(g.parts, globPart{kind: '?'})
		default:
			lit.WriteByte(c)
		}
	}
	flush()
	return g, nil
}

// String returns the glob as written.
func (g Glob) String() string { return g.pattern }

// Match reports whether the URL matches the glob.
func (g Glob) Match(rawURL string) bool {
	s := rawURL
	if !g.whole {
		s = urlPath(rawURL)
	}
	return matchParts(g.parts, s)
}

// urlPath returns the path and query of an absolute URL ("/" if empty), or
// the string itself when it has no scheme.
func urlPath(u string) string {
	i := strings.Index(u, "://")
	if i < 0 {
		return u
	}
	rest := u[i+3:]
	j := strings.IndexAny(rest, "/?#")
	if j < 0 {
		return "/"
	}
	rest = rest[j:]
	if k := strings.IndexByte(rest, '#'); k >= 0 {
		rest = rest[:k]
	}
	if rest == "" || rest[0] != '/' {
		rest = "/" + rest
	}
	return rest
}

// matchParts matches with backtracking over the stars, remembering the
// (part, position) pairs that failed, so the work is bounded by
// len(parts)×len(s) and the recursion depth by the number of stars.
func matchParts(parts []globPart, s string) bool {
	// memo of (part, pos) pairs that failed, to bound the work with many
	// stars: len(parts)*len(s) at most.
	type key struct{ p, i int }
	failed := map[key]bool{}
	var match func(p, i int) bool
	match = func(p, i int) bool {
		for p < len(parts) {
			part := parts[p]
			switch part.kind {
			case 0:
				if !strings.HasPrefix(s[i:], part.lit) {
					return false
				}
				i += len(part.lit)
				p++
			case '?':
				if i >= len(s) || s[i] == '/' {
					return false
				}
				i++
				p++
			default:
				if p == len(parts)-1 {
					return part.kind == 'd' || !strings.Contains(s[i:], "/")
				}
				k := key{p, i}
				if failed[k] {
					return false
				}
				for j := i; j <= len(s); j++ {
					if match(p+1, j) {
						return true
					}
					if j < len(s) && part.kind == '*' && s[j] == '/' {
						break
					}
				}
				failed[k] = true
				return false
			}
		}
		return i == len(s)
	}
	return match(0, 0)
}
