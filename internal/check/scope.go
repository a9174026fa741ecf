package check

import (
	"fmt"
	"strings"

	"github.com/archiver-dev/archiver/internal/archive"
)

// compiledScope is a Scope ready for matching.
type compiledScope struct {
	include, exclude []Glob
	kinds            map[archive.PageKind]bool
	langs            map[string]bool
}

// knownKinds are the page kinds a scope may name.
var knownKinds = []archive.PageKind{
	archive.KindArticle, archive.KindListing, archive.KindDayArchive,
	archive.KindCalendar, archive.KindHome, archive.KindOther,
}

func compileScope(s Scope) (compiledScope, error) {
	var cs compiledScope
	for _, p := range s.Include {
		g, err := CompileGlob(p)
		if err != nil {
			return cs, fmt.Errorf("include %q: %w", p, err)
		}
		cs.include = append(cs.include, g)
	}
	for _, p := range s.Exclude {
		g, err := CompileGlob(p)
		if err != nil {
			return cs, fmt.Errorf("exclude %q: %w", p, err)
		}
		cs.exclude = append(cs.exclude, g)
	}
	if len(s.Kinds) > 0 {
		cs.kinds = map[archive.PageKind]bool{}
		for _, k := range s.Kinds {
			known := false
			for _, kk := range knownKinds {
				known = known || kk == k
			}
			if !known {
				return cs, fmt.Errorf("unknown page kind %q (known: article, listing, day-archive, calendar, home, other)", k)
			}
			cs.kinds[k] = true
		}
	}
	if len(s.Languages) > 0 {
		cs.langs = map[string]bool{}
		for _, l := range s.Languages {
			l = primaryLang(l)
			if l == "" {
				return cs, fmt.Errorf("empty language")
			}
			cs.langs[l] = true
		}
	}
	return cs, nil
}

// matchURL reports whether a URL is inside the include and exclude globs.
func (cs *compiledScope) matchURL(u string) bool {
	if len(cs.include) > 0 {
		in := false
		for _, g := range cs.include {
			if g.Match(u) {
				in = true
				break
			}
		}
		if !in {
			return false
		}
	}
	for _, g := range cs.exclude {
		if g.Match(u) {
			return false
		}
	}
	return true
}

// matchPage reports whether a page is in scope: URL, kind and language.
func (cs *compiledScope) matchPage(p *PageContext) bool {
	if cs.kinds != nil && !cs.kinds[p.Page.Kind] {
		return false
	}
	if cs.langs != nil && !cs.langs[pageLang(p.Page)] {
		return false
	}
	return cs.matchURL(p.URL())
}

// pageLang is the language a page is in, for scoping: its declared
// language, else the detected one, as a lowercase primary subtag.
func pageLang(p *archive.Page) string {
	if l := primaryLang(p.Lang); l != "" {
		return l
	}
	return primaryLang(p.DetectedLang)
}

// primaryLang returns the lowercase primary subtag of a language tag
// ("en-GB" → "en").
func primaryLang(tag string) string {
	tag = strings.TrimSpace(tag)
	if i := strings.IndexAny(tag, "-_"); i >= 0 {
		tag = tag[:i]
	}
	return strings.ToLower(tag)
}
