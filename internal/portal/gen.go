package portal

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// Generation constants. The portal's day 0 is 3 April 2024, the date of the
// seed article on belarus.by.
const (
	slots         = 24 // the profile cycle: article i of a language has profile slot(i)
	slotMult      = 5  // coprime with slots, so every 24 consecutive articles cover every slot
	slotInv       = 5  // slotMult * slotInv ≡ 1 (mod slots)
	perDay        = 2  // new articles per language per day after day 0
	pageSize      = 10 // listing items per page
	minArticles   = slots
	defaultCount  = 60
	largeParas    = 6000 // paragraphs of the very large page (several megabytes)
	redirectHops  = 3
	rateLimitArea = "/press-center/speeches-and-interviews/"
)

// baseDate is day 0.
var baseDate = time.Date(2024, time.April, 3, 0, 0, 0, 0, time.UTC)

// minsk is the portal's time zone (UTC+3, no daylight saving).
var minsk = time.FixedZone("+03", 3*3600)

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// hash combines the seed with a list of numbers into a well-mixed value.
func (p *Portal) hash(vals ...uint64) uint64 {
	h := mix(uint64(p.cfg.Seed) + 0x9e3779b97f4a7c15)
	for _, v := range vals {
		h = mix(h ^ (v + 0x9e3779b97f4a7c15 + h<<6 + h>>2))
	}
	return h
}

// hashString hashes a string (FNV-1a) with the seed.
func (p *Portal) hashString(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return p.hash(h)
}

// Profile slots. Slots 0–7 are clean; the others each plant one kind of
// defect or link problem.
const (
	slotPersonPhotoBy = iota // clean: person byline, "Photo by X", hyphen dateline
	slotAgencyGallery        // clean: agency only, "Photos by X" over two images, en dash
	slotFIO                  // clean: div.person_fio, "Photo: X", dateline with a leading nbsp
	slotForeign              // clean: agency, "Фото: БЕЛТА", foreign city
	slotTASS                 // clean: person, "Фото М. Гучека. БЕЛТА" style credit, TASS dateline
	slotRelease              // clean: press release, issuing body as source, no dateline
	slotSoftHyphen           // clean: soft hyphens in the h1
	slotTimeInH1             // clean: <time> inside the h1
	slotMissingByline
	slotEmptyByline
	slotMissingCredit
	slotCreditNoImage
	slotCreditAltOnly
	slotDatelineMismatch
	slotMissingHeadline
	slotFutureDate
	slotDuplicateHeadline // shares its headline with article i-5 (slot slotFutureDate)
	slotLangMissing
	slotLangWrong
	slotPlaceholder
	slotBreadcrumb
	slotMultipleH1
	slotBrokenLinks  // body links: 404 cross-language, 410, wrong section, empty href, javascript:, malformed
	slotOddLinks     // body links: redirect, chain, loop, insecure, duplicate, fragment, onclick, trailing slash, PDF
	numCleanSlots    = slotMissingByline
	dupHeadlineShift = slotInv // article i-5 has the slot before
)

// Special pages: the first article of a given slot in a given language
// carries one extra planted quirk (exactly one page of each in the portal).
type special int

const (
	specNone          special = iota
	specLarge                 // en, slot 0: several megabytes
	specGzip                  // en, slot 1: always gzip-encoded
	specHostileScript         // en, slot 19: <script> in the body
	specHostileOnerr          // en, slot 20: <img onerror>
	specHostileTitle          // en, slot 21: </script> inside <title>
	specUTF8None              // en, slot 12: UTF-8, no declaration at all
	specCP1251None            // ru, slot 8: windows-1251, no declaration at all
	specWrongMeta             // ru, slot 9: meta says windows-1251, bytes are UTF-8
	specConflict              // ru, slot 10: header windows-1251, meta utf-8, bytes windows-1251
	specHeaderWrong           // be, slot 11: header says utf-8, bytes windows-1251 (the only wrong header)
)

var specials = [...]struct {
	lang, slot int
	spec       special
}{
	{0, slotPersonPhotoBy, specLarge},
	{0, slotAgencyGallery, specGzip},
	{0, slotPlaceholder, specHostileScript},
	{0, slotBreadcrumb, specHostileOnerr},
	{0, slotMultipleH1, specHostileTitle},
	{0, slotCreditAltOnly, specUTF8None},
	{1, slotMissingByline, specCP1251None},
	{1, slotEmptyByline, specWrongMeta},
	{1, slotMissingCredit, specConflict},
	{2, slotCreditNoImage, specHeaderWrong},
}

// slotOf returns the profile slot of article i of a language.
func (p *Portal) slotOf(lang, i int) int {
	return (i*slotMult + p.slotOff[lang]) % slots
}

// specialOf returns the special role of article i, if any.
func (p *Portal) specialOf(lang, i int) special {
	if i >= slots {
		return specNone
	}
	s := p.slotOf(lang, i)
	for _, sp := range specials {
		if sp.lang == lang && sp.slot == s {
			return sp.spec
		}
	}
	return specNone
}

// total returns the number of article indices that exist on the portal's
// Day in each language.
func (p *Portal) total() int { return p.cfg.Articles + p.cfg.Day*perDay }

// articleID returns the _i_ number of article i in a language. Ids with a
// remainder of 3 modulo 4 belong to no language: some are "deleted" (410).
func (p *Portal) articleID(lang, i int) int { return p.idBase + i*4 + lang }

// fromID inverts articleID; ok is false for ids of no article.
func (p *Portal) fromID(id int) (lang, i int, ok bool) {
	if id < p.idBase {
		return 0, 0, false
	}
	d := id - p.idBase
	lang, i = d%4, d/4
	if lang == 3 || i >= p.total() {
		return 0, 0, false
	}
	return lang, i, true
}

// dayOffset returns how many days before day 0 article i (< Articles) is
// dated. The spacing 7/5 leaves about one day in four without news.
func (p *Portal) dayOffset(i int) int { return (p.cfg.Articles - 1 - i) * 7 / 5 }

// articleDate returns the publication date and time of article i (the same
// in every language).
func (p *Portal) articleDate(i int) time.Time {
	var d time.Time
	if i < p.cfg.Articles {
		d = baseDate.AddDate(0, 0, -p.dayOffset(i))
	} else {
		d = baseDate.AddDate(0, 0, 1+(i-p.cfg.Articles)/perDay)
	}
	h := p.hash(uint64(i), 7)
	return time.Date(d.Year(), d.Month(), d.Day(), 8+int(h%12), int(h>>8%60), 0, 0, minsk)
}

// articlesOn returns the indices of the articles dated on date (any time
// that day), ascending. It does not filter removed or orphaned ones.
func (p *Portal) articlesOn(date time.Time) []int {
	date = time.Date(date.Year(), date.Month(), date.Day(), 0, 0, 0, 0, time.UTC)
	days := int(date.Sub(baseDate).Hours() / 24)
	if days > 0 {
		if days > p.cfg.Day {
			return nil
		}
		var out []int
		for i := p.cfg.Articles + (days-1)*perDay; i < p.cfg.Articles+days*perDay; i++ {
			out = append(out, i)
		}
		return out
	}
	off := -days
	var out []int
	for j := off*5/7 + 1; j >= off*5/7-1 && j >= 0; j-- {
		if j*7/5 == off && p.cfg.Articles-1-j >= 0 {
			out = append(out, p.cfg.Articles-1-j)
		}
	}
	return out
}

// firstDate is the date of the oldest article.
func (p *Portal) firstDate() time.Time { return baseDate.AddDate(0, 0, -p.dayOffset(0)) }

// today is the portal's current date on its Day.
func (p *Portal) today() time.Time { return baseDate.AddDate(0, 0, p.cfg.Day) }

// driftDate is the first day of the new templates.
func (p *Portal) driftDate() time.Time {
	return baseDate.AddDate(0, 0, -p.dayOffset(0)/2)
}

// isNewTemplate reports whether a page dated t uses the new templates.
func (p *Portal) isNewTemplate(t time.Time) bool {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
	return !d.Before(p.driftDate())
}

// sectionOf returns the section index of article i in a language.
func (p *Portal) sectionOf(lang, i int) int {
	s := p.slotOf(lang, i)
	switch s {
	case slotRelease:
		return secRelease
	case slotCreditNoImage, slotMissingCredit, slotCreditAltOnly:
		return secNews
	case slotAgencyGallery:
		return secPhoto
	}
	sec := int(p.hash(uint64(i), 11) % uint64(len(sections)))
	if sec == secRelease {
		sec = secEvents // press releases are only slotRelease articles and every 7th story
		if p.hash(uint64(i), 12)%7 == 0 {
			sec = secRelease
		}
	}
	if sec == secPhoto && s >= numCleanSlots {
		sec = secNews // photo reports are clean galleries
	}
	return sec
}

// storyParts picks the template, country, topic and qualifier of story i.
func (p *Portal) storyParts(i int) (tmpl, ctry, topic, qual, rep int) {
	space := len(headlineTemplates) * len(countries) * len(topics)
	// 373 is coprime with the space (960), so the first 960 stories are
	// all different, and it moves country and template on every step.
	j := (i*373 + int(p.hash(3)%uint64(space))) % space
	if i >= space {
		q := i / space
		qual = q % (len(qualifiers) + 1)
		rep = q / (len(qualifiers) + 1)
	}
	ctry = j % len(countries)
	j /= len(countries)
	tmpl = j % len(headlineTemplates)
	topic = j / len(headlineTemplates)
	return
}

// storyHeadline returns the headline of story i in a language.
func (p *Portal) storyHeadline(lang, i int) string {
	tmpl, ctry, topic, qual, rep := p.storyParts(i)
	c := countries[ctry]
	nom, gen := c.EN, c.EN
	switch lang {
	case 1:
		nom, gen = c.RUNom, c.RUGen
	case 2:
		nom, gen = c.BENom, c.BEGen
	}
	h := fill(headlineTemplates[tmpl][lang], nom, gen, topics[topic][lang], 0)
	if qual > 0 {
		h += qualifiers[qual-1][lang]
	}
	if rep > 0 {
		h += fmt.Sprintf(" (%d)", rep+1)
	}
	return h
}

// slugify turns a headline into a URL slug: Cyrillic transliterated,
// letters and digits lower-cased, every other rune a dash. With squeeze,
// runs of dashes collapse (the normal slug); without, punctuation leaves
// runs of dashes (the photo-report quirk).
func slugify(s string, squeeze bool) string {
	b := make([]byte, 0, len(s))
	for _, r := range s {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b = append(b, byte(r))
		case r >= 'A' && r <= 'Z':
			b = append(b, byte(r)+'a'-'A')
		case r >= 'А' && r <= 'я', r >= 'Ѐ' && r <= 'џ':
			b = append(b, translitOf(r)...)
		case r == '\'' || r == '’':
		default:
			if !squeeze || len(b) == 0 || b[len(b)-1] != '-' {
				b = append(b, '-')
			}
		}
	}
	return strings.Trim(string(b), "-")
}

// translitOf transliterates one Cyrillic letter (either case).
func translitOf(r rune) string {
	lower := unicode.ToLower(r)
	return translit[lower]
}

// monthGen returns the genitive month name of a language.
func monthGen(lang int, m time.Month) string {
	switch lang {
	case 1:
		return monthRUGen[m-1]
	case 2:
		return monthBEGen[m-1]
	}
	return monthEN[m-1]
}

// monthNom returns the nominative month name (calendar headings).
func monthNom(lang int, m time.Month) string {
	switch lang {
	case 1:
		return monthRUNom[m-1]
	case 2:
		return monthBENom[m-1]
	}
	return monthEN[m-1]
}

// isoDate formats t as YYYY-MM-DD.
func isoDate(t time.Time) string { return t.Format("2006-01-02") }
