package crawl

import (
	"net/url"
	"strings"
)

// The reasons a URL is skipped for, as recorded in the frontier.
const (
	SkipExternal          = "external"
	SkipScheme            = "unsupported-scheme"
	SkipInvalid           = "invalid-url"
	SkipExcluded          = "excluded"
	SkipNotIncluded       = "not-included"
	SkipMaxDepth          = "max-depth"
	SkipRobots            = "robots"
	SkipRobotsUnavailable = "robots-unavailable"
	SkipURLLength         = "trap:url-length"
	SkipRepeatedSegment   = "trap:repeated-segment"
	SkipRepeatedParam     = "trap:repeated-param"
	SkipCalendarRange     = "trap:calendar-range"
	SkipCalendarInvalid   = "trap:calendar-invalid-date"
	SkipSameContent       = "trap:same-content"
	SkipRedirectTarget    = "redirect-target-captured"
	SkipDuplicate         = "duplicate"
)

// scope decides which URLs belong to the crawl.
type scope struct {
	canon   *Canonicalizer
	include []*glob
	exclude []*glob
}

func newScope(canon *Canonicalizer, include, exclude []string) (*scope, error) {
	s := &scope{canon: canon}
	for _, g := range include {
		re, err := compileGlob(g)
		if err != nil {
			return nil, err
		}
		s.include = append(s.include, re)
	}
	for _, g := range exclude {
		re, err := compileGlob(g)
		if err != nil {
			return nil, err
		}
		s.exclude = append(s.exclude, re)
	}
	return s, nil
}

// check returns "" if the canonical URL c (parsed as u) is in scope, or
// the reason it is not.
func (s *scope) check(u *url.URL, c string) string {
	if !s.canon.SameSite(u) {
		return SkipExternal
	}
	local := c
	if i := strings.Index(c, "://"); i >= 0 {
		if j := strings.IndexByte(c[i+3:], '/'); j >= 0 {
			local = c[i+3+j:]
		}
	}
	match := func(globs []*glob) bool {
		for _, g := range globs {
			if g.local {
				if g.match(local) {
					return true
				}
			} else if g.match(c) {
				return true
			}
		}
		return false
	}
	if len(s.exclude) > 0 && match(s.exclude) {
		return SkipExcluded
	}
	if len(s.include) > 0 && !match(s.include) {
		return SkipNotIncluded
	}
	return ""
}
