// Package fold finds fixed phrases in a text without allocating, the way
// a case-insensitive regular expression of literal alternatives does
// ((?i)not found|no longer available), or the way a search of the
// lower-cased text for lower-case phrases does, at a fraction of their
// cost: most runes of a text are dismissed by one table look-up.
//
//	title := fold.New(fold.Phrase{Text: "404", Bounded: true}, fold.Phrase{Text: "not found"})
//	title.MatchString("Error 404") // true, as (?i)\b404\b|not found says
//	fold.Of("нет новостей").MatchString("НЕТ НОВᲂСТЕЙ") // true: ᲂ folds to о
package fold

import (
	"slices"
	"unicode"
	"unicode/utf8"
)

// Phrases finds any of a few fixed phrases in a text. A rune of the text
// matches a rune of a phrase either under Unicode simple case folding (New
// and Of: what a case-insensitive regular expression of literal
// alternatives, such as (?i)no news|no results, matches) or after
// unicode.ToLower (Lower: what a search of strings.ToLower(text) for
// lower-case phrases finds). Either way the answer is exactly that of the
// regular expression or of the search of the lower-cased text. A phrase may
// also ask for ASCII word boundaries on both sides, as \b404\b does. It is
// safe for concurrent use.
type Phrases struct {
	fold    bool
	src     []string // the phrases as given
	bounded []bool   // the phrase of the same index stands between ASCII word boundaries
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

// Phrase is one phrase of New: its text and whether it must stand between
// ASCII word boundaries, as \b…\b around it asks.
type Phrase struct {
	Text    string
	Bounded bool
}

// New returns the Phrases that matches as the case-insensitive regular
// expression of ps does: (?i)p1|\bp2\b|… It panics on an empty phrase,
// which every text holds, as on a programming error.
func New(ps ...Phrase) *Phrases {
	texts, bounded := make([]string, len(ps)), make([]bool, len(ps))
	for i, p := range ps {
		texts[i], bounded[i] = p.Text, p.Bounded
	}
	return newPhrases(true, texts, bounded)
}

// Of is New of phrases without word boundaries: it matches as
// (?i)p1|p2|… does.
func Of(phrases ...string) *Phrases {
	return newPhrases(true, phrases, make([]bool, len(phrases)))
}

// Lower returns the Phrases that finds the lower-case phrases in
// strings.ToLower(text), without lower-casing it.
func Lower(phrases ...string) *Phrases {
	return newPhrases(false, phrases, make([]bool, len(phrases)))
}

func newPhrases(fold bool, phrases []string, bounded []bool) *Phrases {
	s := &Phrases{fold: fold, src: phrases, bounded: bounded}
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
			panic("fold: an empty phrase")
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
func (s *Phrases) eq(r rune, p *phraseRune) bool {
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
		return ToLower(r) == p.r // unicode.ToLower(r) == p.r
	}
	return slices.Contains(p.alts, r)
}

// leads reports whether r matches the first rune of some phrase.
func (s *Phrases) leads(r rune) bool {
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

// MatchString reports whether text holds one of the phrases. Invalid UTF-8
// reads as U+FFFD, one byte at a time, as the regular expressions read it.
func (s *Phrases) MatchString(text string) bool {
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
		if s.at(text, i, r, w) {
			return true
		}
		i += w
	}
	return false
}

// at reports whether a phrase begins at byte i of text, whose rune r is w
// bytes wide. It reads the rune after r once for the phrases that begin
// with r.
func (s *Phrases) at(text string, i int, r rune, w int) bool {
	next := text[i+w:]
	lower := r
	if !s.fold {
		lower = ToLower(r)
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
		for _, j := range s.byFirst[k] {
			p, end := s.phrases[j], i+w
			if len(p) > 1 {
				if w2 == 0 || !s.eq(r2, &p[1]) {
					continue
				}
				n, ok := s.rest(next[w2:], p[2:])
				if !ok {
					continue
				}
				end += w2 + n
			}
			// \b between two runes: one is a word character and the other
			// not. A byte beyond ASCII belongs to a rune that is none (or
			// to invalid UTF-8, read as U+FFFD), so bytes tell.
			if !s.bounded[j] || boundary(text, i) && boundary(text, end) {
				return true
			}
		}
	}
	return false
}

// rest reports whether text begins with the runes p, and how many bytes
// of it they take.
func (s *Phrases) rest(text string, p []phraseRune) (int, bool) {
	n := 0
	for k := range p {
		if n == len(text) {
			return 0, false
		}
		r, w := utf8.DecodeRuneInString(text[n:])
		if !s.eq(r, &p[k]) {
			return 0, false
		}
		n += w
	}
	return n, true
}

// boundary reports whether byte offset i of text, between two runes, is an
// ASCII word boundary (\b).
func boundary(text string, i int) bool {
	before := i > 0 && isWordByte(text[i-1])
	after := i < len(text) && isWordByte(text[i])
	return before != after
}

// isWordByte reports whether c is an ASCII word character, as \b reads
// them: a letter, a digit or an underscore.
func isWordByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_'
}

// ToLower is unicode.ToLower, without its table search for the letters of
// Russian, Belarusian and Ukrainian.
func ToLower(r rune) rune {
	switch {
	case 'А' <= r && r <= 'Я':
		return r + ('а' - 'А')
	case 'а' <= r && r <= 'џ':
		return r
	case 'Ѐ' <= r && r <= 'Џ':
		return r + ('ѐ' - 'Ѐ')
	}
	return unicode.ToLower(r)
}

// HasPrefixASCII reports whether s begins with lower, a string whose ASCII
// letters are lower-case, comparing the ASCII letters of s in either case
// and every other byte as it is: strings.HasPrefix(strings.ToLower(s),
// lower) for an ASCII s, without the lower-cased copy.
func HasPrefixASCII(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// HasPrefixLower reports whether strings.ToLower(s) begins with prefix, a
// lower-case ASCII string, without the lower-cased copy: s is read rune by
// rune and each rune lowered as ToLower lowers it, so "MAİLTO:" and
// "\u212Ael:" (KELVIN SIGN) begin with "mailto:" and "kel:" as their
// lowered forms do.
func HasPrefixLower(s, prefix string) bool {
	for i := 0; i < len(prefix); i++ {
		r, n := utf8.DecodeRuneInString(s)
		if n == 0 || unicode.ToLower(r) != rune(prefix[i]) {
			return false
		}
		s = s[n:]
	}
	return true
}
