package extract

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// phraseSet finds any of a few fixed phrases in a text without allocating.
// A rune of the text matches a rune of a phrase either under Unicode
// simple case folding (foldPhrases: what a case-insensitive regular
// expression of literal alternatives, such as (?i)no news|no results,
// matches) or after unicode.ToLower (lowerPhrases: what a search of
// strings.ToLower(text) for lower-case phrases finds). Either way the
// answer is exactly that of the regular expression or of the search of
// the lower-cased text, at a fraction of the cost: most runes of a text
// are dismissed by one table look-up.
type phraseSet struct {
	fold    bool
	src     []string // the phrases as given
	phrases [][]phraseRune
	firsts  []phraseRune // the distinct first runes of the phrases
	byFirst [][]int      // for each of firsts, the phrases that begin with it
	// lead[r] says, for a rune r below 0x800, whether r matches the first
	// rune of some phrase.
	lead [0x800]bool
	// leadByte[b] is false for a byte b that cannot begin a rune matching
	// a first rune: an ASCII byte that is not one, the first byte of a
	// two-byte sequence none of whose runes is one, and, unless U+FFFD
	// (as which a stray byte reads) is one, a continuation byte. A byte
	// that leadByte turns away is passed over alone: the bytes of a
	// passed-over rune are all turned away too, and an ASCII or leading
	// byte always begins a rune.
	leadByte [256]bool
	// second[k][r] says, for a rune r below 0x800, whether r matches the
	// second rune of some phrase of byFirst[k]; it is nil when one of
	// them is a single rune (which needs no second).
	second []*[0x800]bool
}

// phraseRune is one rune of a phrase with, under case folding, the other
// runes of its folding orbit.
type phraseRune struct {
	r    rune
	alts []rune
}

// foldPhrases returns the phraseSet that matches as (?i)p1|p2|… does.
func foldPhrases(phrases ...string) *phraseSet { return newPhraseSet(true, phrases) }

// lowerPhrases returns the phraseSet that finds the lower-case phrases in
// strings.ToLower(text).
func lowerPhrases(phrases ...string) *phraseSet { return newPhraseSet(false, phrases) }

func newPhraseSet(fold bool, phrases []string) *phraseSet {
	s := &phraseSet{fold: fold, src: phrases}
	for _, p := range phrases {
		var rs []phraseRune
		for _, r := range p {
			pr := phraseRune{r: r}
			if fold {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					pr.alts = append(pr.alts, f)
				}
			}
			rs = append(rs, pr)
		}
		if len(rs) == 0 {
			panic("extract: empty phrase")
		}
		s.phrases = append(s.phrases, rs)
		k := slices.IndexFunc(s.firsts, func(f phraseRune) bool { return f.r == rs[0].r })
		if k < 0 {
			k = len(s.firsts)
			s.firsts = append(s.firsts, rs[0])
			s.byFirst = append(s.byFirst, nil)
		}
		s.byFirst[k] = append(s.byFirst[k], len(s.phrases)-1)
	}
	for r := range rune(len(s.lead)) {
		s.lead[r] = s.leads(r)
	}
	stray := s.leads(utf8.RuneError)
	for b := range len(s.leadByte) {
		switch {
		case b < utf8.RuneSelf:
			s.leadByte[b] = s.lead[b]
		case b >= 0xC2 && b <= 0xDF:
			s.leadByte[b] = stray || slices.Contains(s.lead[(b&0x1F)<<6:(b&0x1F)<<6+0x40], true)
		case b >= 0xE0 && b <= 0xF4:
			s.leadByte[b] = true
		default:
			s.leadByte[b] = stray
		}
	}
	for _, ps := range s.byFirst {
		var second *[0x800]bool
		if !slices.ContainsFunc(ps, func(i int) bool { return len(s.phrases[i]) == 1 }) {
			second = new([0x800]bool)
			for r := range rune(len(second)) {
				second[r] = slices.ContainsFunc(ps, func(i int) bool { return s.eq(r, &s.phrases[i][1]) })
			}
		}
		s.second = append(s.second, second)
	}
	return s
}

// eq reports whether the text's rune r matches the phrase's rune p.
func (s *phraseSet) eq(r rune, p *phraseRune) bool {
	if r == p.r {
		return true
	}
	if r < utf8.RuneSelf && p.r < utf8.RuneSelf {
		// Between ASCII runes, both folding and lower-casing only pair
		// the two cases of a letter.
		lr, lp := r|0x20, p.r|0x20
		return lr == lp && 'a' <= lp && lp <= 'z' && (s.fold || r < lr)
	}
	if !s.fold {
		return cyrillicLower(r) == p.r // unicode.ToLower(r) == p.r
	}
	return slices.Contains(p.alts, r)
}

// leads reports whether r matches the first rune of some phrase.
func (s *phraseSet) leads(r rune) bool {
	lower := r
	if !s.fold {
		lower = unicode.ToLower(r)
	}
	for i := range s.firsts {
		f := &s.firsts[i]
		if f.r == r || f.r == lower || s.fold && slices.Contains(f.alts, r) {
			return true
		}
	}
	return false
}

// in reports whether text holds one of the phrases. Invalid UTF-8 reads
// as U+FFFD, one byte at a time, as the regular expressions read it.
func (s *phraseSet) in(text string) bool {
	for i := 0; i < len(text); {
		c := text[i]
		if !s.leadByte[c] {
			i++
			continue
		}
		var r rune
		w := 1
		switch {
		case c < utf8.RuneSelf:
			if !s.lead[c] {
				i++
				continue
			}
			r = rune(c)
		case c >= 0xC2 && c <= 0xDF && i+1 < len(text) && text[i+1]&0xC0 == 0x80:
			r, w = rune(c&0x1F)<<6|rune(text[i+1]&0x3F), 2
			if !s.lead[r] {
				i += 2
				continue
			}
		default:
			r, w = utf8.DecodeRuneInString(text[i:])
			if r < rune(len(s.lead)) && !s.lead[r] || r >= rune(len(s.lead)) && !s.leads(r) {
				i += w
				continue
			}
		}
		if s.at(r, text[i+w:]) {
			return true
		}
		i += w
	}
	return false
}

// at reports whether a phrase begins with the text's rune r followed by
// next. It reads the rune after r once for the phrases that begin with r.
func (s *phraseSet) at(r rune, next string) bool {
	lower := r
	if !s.fold {
		lower = cyrillicLower(r)
	}
	r2, w2 := utf8.RuneError, 0
	if next != "" {
		r2, w2 = utf8.DecodeRuneInString(next)
	}
	for k := range s.firsts {
		if f := &s.firsts[k]; f.r != r && f.r != lower && !(s.fold && slices.Contains(f.alts, r)) {
			continue
		}
		if second := s.second[k]; second != nil && (w2 == 0 || r2 < rune(len(second)) && !second[r2]) {
			continue // no phrase of k goes on with r2
		}
		for _, i := range s.byFirst[k] {
			p := s.phrases[i]
			if len(p) == 1 || w2 > 0 && s.eq(r2, &p[1]) && s.rest(next[w2:], p[2:]) {
				return true
			}
		}
	}
	return false
}

// rest reports whether text begins with the runes p.
func (s *phraseSet) rest(text string, p []phraseRune) bool {
	for k := range p {
		if text == "" {
			return false
		}
		r, w := utf8.DecodeRuneInString(text)
		if !s.eq(r, &p[k]) {
			return false
		}
		text = text[w:]
	}
	return true
}
