package links

import (
	"regexp"
	"regexp/syntax"
	"strings"
)

// ignoreSet matches URLs against Options.Ignore. A pattern that is a list
// of alternatives each anchored at the start of the URL or beginning with
// a literal (trap families joined with "|") is matched alternative by
// alternative: the regexp package tries an anchored one at the start of
// the URL only and looks for a literal-led one with a substring search,
// where it tries the whole alternation at every position of the URL. A
// URL matches the alternatives of a pattern exactly when it matches the
// pattern.
type ignoreSet []*regexp.Regexp

// newIgnoreSet splits each pattern of res (compiled with regexp.Compile)
// into its top-level alternatives where that pays (see alternatives).
func newIgnoreSet(res []*regexp.Regexp) ignoreSet {
	var set ignoreSet
	for _, re := range res {
		set = append(set, alternatives(re)...)
	}
	return set
}

// match reports whether one of the patterns matches s.
func (set ignoreSet) match(s string) bool {
	for _, re := range set {
		if re.MatchString(s) {
			return true
		}
	}
	return false
}

// alternatives returns regexps that match, together, exactly the strings
// re matches: those of the top-level alternatives of its source, when
// there are several and each is anchored at the start or begins with a
// literal; else re itself.
func alternatives(re *regexp.Regexp) []*regexp.Regexp {
	whole := []*regexp.Regexp{re}
	srcs := splitAlternation(re.String())
	if len(srcs) < 2 {
		return whole
	}
	parts := make([]*regexp.Regexp, 0, len(srcs))
	for _, src := range srcs {
		p, err := regexp.Compile(src)
		if err != nil {
			return whole
		}
		if prefix, _ := p.LiteralPrefix(); prefix == "" && !anchoredAtStart(src) {
			return whole
		}
		parts = append(parts, p)
	}
	return parts
}

// anchoredAtStart reports whether the regexp src (valid) can match only at
// the start of the text.
func anchoredAtStart(src string) bool {
	re, err := syntax.Parse(src, syntax.Perl)
	for err == nil {
		switch re.Op {
		case syntax.OpBeginText:
			return true
		case syntax.OpConcat, syntax.OpCapture:
			if len(re.Sub) == 0 {
				return false
			}
			re = re.Sub[0]
		default:
			return false
		}
	}
	return false
}

// splitAlternation splits the source of a valid regexp at its top-level
// "|" (outside groups, character classes and escapes). It returns nil
// where the parts would not mean, each on its own, what they mean in the
// whole, or where telling so would take a fuller parser: a top-level flag
// group such as (?i), which applies across the "|" that follow it, \Q…\E
// quoting and [:name:] classes.
func splitAlternation(src string) []string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '\\':
			if i+1 < len(src) && src[i+1] == 'Q' {
				return nil
			}
			i++
		case '[':
			// A class: "]" right after "[" or "[^" is a member.
			i++
			if i < len(src) && src[i] == '^' {
				i++
			}
			if i < len(src) && src[i] == ']' {
				i++
			}
			for ; i < len(src) && src[i] != ']'; i++ {
				switch {
				case src[i] == '\\':
					i++
				case src[i] == '[' && i+1 < len(src) && src[i+1] == ':':
					return nil
				}
			}
		case '(':
			if depth == 0 && isFlagGroup(src[i+1:]) {
				return nil
			}
			depth++
		case ')':
			depth--
		case '|':
			if depth == 0 {
				parts = append(parts, src[start:i])
				start = i + 1
			}
		}
	}
	if depth != 0 {
		return nil
	}
	return append(parts, src[start:])
}

// isFlagGroup reports whether rest, the text after a "(", makes it a group
// that sets flags for what follows it, such as "(?i)" or "(?-s)".
func isFlagGroup(rest string) bool {
	if !strings.HasPrefix(rest, "?") {
		return false
	}
	i := 1 + strings.IndexFunc(rest[1:], func(r rune) bool { return !strings.ContainsRune("imsU-", r) })
	return i > 0 && i < len(rest) && rest[i] == ')'
}
