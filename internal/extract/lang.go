package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/fold"
)

// stopwords of the Latin-script languages the detector tells apart.
var stopwords = map[string][]string{
	"en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "on", "are", "as", "by", "this", "from", "have", "has"},
	"de": {"der", "die", "und", "das", "ist", "nicht", "mit", "den", "von", "auf", "für", "ein", "eine", "sich", "auch", "dem", "wird"},
	"fr": {"le", "la", "les", "et", "des", "du", "est", "une", "dans", "pour", "qui", "que", "sur", "pas", "avec", "au", "sont"},
	"es": {"el", "la", "los", "las", "y", "del", "que", "en", "por", "para", "con", "una", "es", "se", "como", "más"},
	"it": {"il", "di", "che", "la", "per", "non", "una", "sono", "della", "del", "con", "gli", "nel", "anche", "questo"},
	"pl": {"i", "w", "na", "się", "nie", "z", "do", "to", "że", "jest", "jak", "od", "po", "przez", "dla", "oraz"},
	"nl": {"de", "het", "een", "en", "van", "is", "niet", "op", "dat", "met", "voor", "zijn", "ook", "aan", "worden"},
	"pt": {"o", "os", "as", "e", "do", "da", "em", "que", "não", "para", "com", "uma", "dos", "das", "mais"},
}

// stopwordLangs maps each stop word to the languages that use it (built
// once from stopwords; read only).
var stopwordLangs = func() map[string][]string {
	index := map[string][]string{}
	for lang, ws := range stopwords {
		for _, w := range ws {
			index[w] = append(index[w], lang)
		}
	}
	return index
}()

// detectLanguage guesses the language of text: Cyrillic texts are told
// apart by letters only one language uses (ў for Belarusian, ї є ґ for
// Ukrainian, ы э ъ for Russian), Latin ones by their commonest words. It
// returns "" when the text is too short or unclear.
func detectLanguage(text string) string {
	if len(text) > 20000 {
		text = truncateRunes(text, 20000)
	}
	t := letterCounts(text)
	latin, cyr, be, uk, ru, i := t.latin, t.cyr, t.be, t.uk, t.ru, t.i
	if cyr+latin < 40 {
		return ""
	}
	if cyr > latin {
		// Belarusian has no и, щ or ъ; Ukrainian has no ы or э.
		switch {
		case be > ru && be >= uk:
			return "be"
		case uk > ru && uk > be:
			return "uk"
		case i > 0 && ru < i && be+i > ru:
			return "be"
		}
		return "ru"
	}
	counts := stopwordCounts(text)
	best, bestN, second := "", 0, 0
	for _, lang := range []string{"en", "de", "fr", "es", "it", "pl", "nl", "pt"} {
		if n := counts[lang]; n > bestN {
			best, bestN, second = lang, n, bestN
		} else if n > second {
			second = n
		}
	}
	if bestN < 3 || bestN < second*5/4 {
		return ""
	}
	return best
}

// letterCounts counts the Latin and the Cyrillic letters of text and the
// scores of the letters that tell Belarusian, Ukrainian and Russian apart
// (see detectLanguage). ASCII and two-byte runes are read without decoding
// them as runes, and classed by a table below U+0800.
func letterCounts(text string) letterTally {
	var t letterTally
	for k := 0; k < len(text); {
		var r rune
		switch c := text[k]; {
		case c < utf8.RuneSelf:
			// ASCII: only its letters are Latin (and none Cyrillic).
			if 'a' <= c|0x20 && c|0x20 <= 'z' {
				t.latin++
			}
			k++
			continue
		case c >= 0xC2 && c <= 0xDF && k+1 < len(text) && text[k+1]&0xC0 == 0x80:
			r = rune(c&0x1F)<<6 | rune(text[k+1]&0x3F)
			k += 2
			switch lowScripts[r] {
			case scriptLatin:
				t.latin++
				continue
			case scriptNone:
				continue
			}
		default:
			var size int
			r, size = utf8.DecodeRuneInString(text[k:])
			k += size
			switch {
			case unicode.Is(unicode.Cyrillic, r):
			case unicode.Is(unicode.Latin, r):
				t.latin++
				continue
			default:
				continue
			}
		}
		t.addCyrillic(r)
	}
	return t
}

// letterTally is what letterCounts counts.
type letterTally struct{ latin, cyr, be, uk, ru, i int }

// addCyrillic counts the Cyrillic letter r.
func (t *letterTally) addCyrillic(r rune) {
	t.cyr++
	switch fold.ToLower(r) {
	case 'ў':
		t.be += 3
	case 'ї', 'є', 'ґ':
		t.uk += 3
	case 'і':
		t.i++
	case 'ъ', 'щ':
		t.ru += 2
	case 'и':
		t.ru++
		t.uk++
	case 'ы', 'э':
		t.ru++
		t.be++
	}
}

// The scripts of lowScripts.
const (
	scriptNone = iota
	scriptLatin
	scriptCyrillic
)

// lowScripts tells, for the runes below U+0800, whether unicode.Cyrillic
// or unicode.Latin holds them (built once; read only).
var lowScripts = func() (t [0x800]uint8) {
	for r := range rune(len(t)) {
		switch {
		case unicode.Is(unicode.Cyrillic, r):
			t[r] = scriptCyrillic
		case unicode.Is(unicode.Latin, r):
			t[r] = scriptLatin
		}
	}
	return t
}()

// stopwordCounts counts, per language, the stop words among the first
// 3,000 words of text: the fields of strings.FieldsFunc(strings.ToLower(text),
// not a letter), read without a slice of every word.
func stopwordCounts(text string) map[string]int {
	counts := map[string]int{}
	words := 0
	for w := range letterRuns(strings.ToLower(text)) {
		for _, lang := range stopwordLangs[w] {
			counts[lang]++
		}
		if words++; words == 3000 {
			break
		}
	}
	return counts
}

// extractLanguage sets DetectedLang from the text of the main content
// element (or, when it is short, from the title and the visible text). It
// reads the DOM, not the extracted body, so that a links-level extraction
// detects the same language as a full one.
func (d *doc) extractLanguage() {
	t := ""
	if d.main != nil {
		t = d.mainText()
	}
	// Shorter than 200 runes (800 bytes or more hold at least 200).
	if len(t) < 4*200 && runeLen(t) < 200 {
		t = d.page.Title + " " + t + " " + truncateRunes(d.visibleText(), 5000)
	}
	d.page.DetectedLang = detectLanguage(t)
}
