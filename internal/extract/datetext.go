package extract

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// monthNames maps lower-case month names and abbreviations, in English,
// Russian, Belarusian, Ukrainian, German, French, Spanish, Italian, Polish
// and Dutch (nominative and genitive forms), to month numbers.
var monthNames = func() map[string]int {
	m := map[string]int{}
	add := func(month int, names ...string) {
		for _, n := range names {
			m[n] = month
		}
	}
	add(1, "january", "jan", "января", "январь", "янв", "студзеня", "студзень", "студз", "січня", "січень", "januar", "jänner", "janvier", "janv", "enero", "ene", "gennaio", "gen", "stycznia", "styczeń", "sty", "januari")
	add(2, "february", "feb", "febr", "февраля", "февраль", "фев", "февр", "лютага", "люты", "лют", "лютого", "лютий", "februar", "feber", "février", "fevrier", "févr", "fevr", "febrero", "febbraio", "lutego", "luty", "februari")
	add(3, "march", "mar", "марта", "март", "мар", "сакавіка", "сакавік", "сак", "березня", "березень", "märz", "maerz", "mär", "mars", "marzo", "marca", "marzec", "maart")
	add(4, "april", "apr", "апреля", "апрель", "апр", "красавіка", "красавік", "крас", "квітня", "квітень", "avril", "avr", "abril", "abr", "aprile", "kwietnia", "kwiecień", "kwi")
	add(5, "may", "мая", "май", "мая.", "траўня", "травень", "травня", "трав", "mai", "mayo", "maggio", "mag", "maja", "maj", "mei")
	add(6, "june", "jun", "июня", "июнь", "июн", "чэрвеня", "чэрвень", "чэрв", "червня", "червень", "juni", "juin", "junio", "giugno", "giu", "czerwca", "czerwiec", "cze")
	add(7, "july", "jul", "июля", "июль", "июл", "ліпеня", "ліпень", "ліп", "липня", "липень", "juli", "juillet", "juil", "julio", "luglio", "lug", "lipca", "lipiec", "lip")
	add(8, "august", "aug", "августа", "август", "авг", "жніўня", "жнівень", "жнів", "серпня", "серпень", "août", "aout", "agosto", "ago", "sierpnia", "sierpień", "sie", "augustus")
	add(9, "september", "sep", "sept", "сентября", "сентябрь", "сен", "сент", "верасня", "верасень", "вер", "вересня", "вересень", "septembre", "septiembre", "settembre", "set", "września", "wrzesień", "wrz")
	add(10, "october", "oct", "октября", "октябрь", "окт", "кастрычніка", "кастрычнік", "каст", "жовтня", "жовтень", "oktober", "okt", "octobre", "octubre", "ottobre", "ott", "października", "październik", "paź", "paz")
	add(11, "november", "nov", "ноября", "ноябрь", "ноя", "нояб", "лістапада", "лістапад", "ліст", "листопада", "листопад", "novembre", "noviembre", "listopada", "listopad", "lis")
	add(12, "december", "dec", "декабря", "декабрь", "дек", "снежня", "снежань", "снеж", "грудня", "грудень", "dezember", "dez", "décembre", "decembre", "déc", "diciembre", "dic", "dicembre", "grudnia", "grudzień", "gru")
	return m
}()

// monthAlt is the regexp alternation of every month name, longest first.
var monthAlt = func() string {
	names := make([]string, 0, len(monthNames))
	for n := range monthNames {
		names = append(names, regexp.QuoteMeta(n))
	}
	sort.Slice(names, func(i, j int) bool {
		if len(names[i]) != len(names[j]) {
			return len(names[i]) > len(names[j])
		}
		return names[i] < names[j]
	})
	return strings.Join(names, "|")
}()

// The date patterns, tried in order on lower-cased text. \b does not work
// with Cyrillic in Go's regexp, so word edges are spelled out.
var (
	reISO      = regexp.MustCompile(`(?:^|[^\d])(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?`)
	reYMDSlash = regexp.MustCompile(`(?:^|[^\d])(\d{4})(?:[/.]|\.\s)(\d{1,2})(?:[/.]|\.\s)(\d{1,2})(?:[^\d]|$)`)
	reDMY      = regexp.MustCompile(`(?:^|[^\d.])(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})(?:[^\d:]|$)`)
	reMDYSlash = regexp.MustCompile(`(?:^|[^\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?:[^\d]|$)`)
	reDayMonth = regexp.MustCompile(`(?:^|[^\p{L}\d])(\d{1,2})(?:st|nd|rd|th|-?го|-?е)?\.?\s*(?:de\s+)?(` + monthAlt + `)\.?(?:[^\p{L}]|$)(?:\s*(?:de\s+)?,?\s*(\d{4}))?`)
	reMonthDay = regexp.MustCompile(`(?:^|[^\p{L}])(` + monthAlt + `)\.?\s+(\d{1,2})(?:st|nd|rd|th)?(?:[^\d]|$)(?:\s*,?\s*(\d{4}))?`)
	reYearWord = regexp.MustCompile(`^\s*(?:года|гада|г\.|року|р\.|roku|r\.|jahres)`)
	reTime     = regexp.MustCompile(`(?:^|[^\d])(\d{1,2})[:.](\d{2})(?:[^\d]|$)`)
)

var spaceReplacer = strings.NewReplacer("\u00a0", "  ", "\u202f", "   ", "\u2009", "   ", "\u2007", "   ")

// parsedDate is a calendar date read from text; Year is 0 when the text
// gives only a day and a month.
type parsedDate struct {
	Year, Month, Day int
	Hour, Minute     int
	HasTime          bool
	Match            string // the matched text, as printed
}

// Value returns the date as YYYY-MM-DD ("" without a year).
func (p parsedDate) Value() string {
	if p.Year == 0 {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", p.Year, p.Month, p.Day)
}

// TimeText returns HH:MM, or "" without a time.
func (p parsedDate) TimeText() string {
	if !p.HasTime {
		return ""
	}
	return fmt.Sprintf("%02d:%02d", p.Hour, p.Minute)
}

func validYMD(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 || d > 31 {
		return false
	}
	if y == 0 {
		return d <= [...]int{31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m-1]
	}
	if y < 1900 || y > 2200 {
		return false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	return t.Day() == d
}

func fixYear(y int, raw string) int {
	if len(raw) == 2 {
		if y < 70 {
			return 2000 + y
		}
		return 1900 + y
	}
	return y
}

// parseDateText finds the first date in s, in any of the supported formats:
// ISO 8601, "3 Apr 2024", "April 3, 2024", "08 января 2026, 19:51",
// "12 августа 2026 года", "03.04.2024", "2024/04/03". With allowNoYear, a
// day and month alone ("3 April", "June 26") are accepted with Year 0.
func parseDateText(s string, allowNoYear bool) (parsedDate, bool) {
	return parseDate(s, allowNoYear, false)
}

// parseDate is parseDateText; with dayFirst, an ambiguous slashed date
// ("10/12/20") is read day first, as everywhere but in the United States.
func parseDate(s string, allowNoYear, dayFirst bool) (parsedDate, bool) {
	if len(s) > 400 {
		s = truncateRunes(s, 400)
	}
	// No-break and thin spaces become as many ASCII spaces as they have
	// bytes, so that positions in low are positions in s and the match keeps
	// the text as printed ("12\u00a0студзеня 2024").
	// Every pattern needs an ASCII digit (lower-casing makes none).
	if !hasASCIIDigit(s) {
		return parsedDate{}, false
	}
	low := s
	if strings.IndexByte(s, 0xC2) >= 0 || strings.IndexByte(s, 0xE2) >= 0 {
		// Only then may s hold a space that spaceReplacer replaces.
		low = spaceReplacer.Replace(s)
	}
	low = strings.ToLower(low)
	if len(low) != len(s) {
		s = low // a case mapping changed the length: report the lower-case text
	}
	type hit struct {
		p   parsedDate
		pos int
	}
	var best *hit
	consider := func(p parsedDate, pos int) {
		if best == nil || pos < best.pos {
			best = &hit{p, pos}
		}
	}
	atoi := func(x string) int { n, _ := strconv.Atoi(x); return n }

	// Each slashed or dotted pattern needs its separator: the expression
	// runs only when low has it.
	hyphen, slash, dot := strings.IndexByte(low, '-') >= 0, strings.IndexByte(low, '/') >= 0, strings.IndexByte(low, '.') >= 0
	if m := matchIf(hyphen, reISO, low); m != nil {
		y, mo, d := atoi(low[m[2]:m[3]]), atoi(low[m[4]:m[5]]), atoi(low[m[6]:m[7]])
		if validYMD(y, mo, d) {
			p := parsedDate{Year: y, Month: mo, Day: d, Match: s[m[2]:m[1]]}
			if m[8] >= 0 {
				p.Hour, p.Minute, p.HasTime = atoi(low[m[8]:m[9]]), atoi(low[m[10]:m[11]]), true
			}
			consider(p, m[2])
		}
	}
	if m := matchIf(slash || dot, reYMDSlash, low); m != nil {
		y, mo, d := atoi(low[m[2]:m[3]]), atoi(low[m[4]:m[5]]), atoi(low[m[6]:m[7]])
		if validYMD(y, mo, d) {
			consider(parsedDate{Year: y, Month: mo, Day: d, Match: s[m[2]:m[7]]}, m[2])
		}
	}
	if m := matchIf(dot, reDMY, low); m != nil {
		d, mo, yraw := atoi(low[m[2]:m[3]]), atoi(low[m[4]:m[5]]), low[m[6]:m[7]]
		y := fixYear(atoi(yraw), yraw)
		if validYMD(y, mo, d) {
			consider(parsedDate{Year: y, Month: mo, Day: d, Match: s[m[2]:m[7]]}, m[2])
		}
	}
	if m := matchIf(slash, reMDYSlash, low); m != nil {
		a, b, yraw := atoi(low[m[2]:m[3]]), atoi(low[m[4]:m[5]]), low[m[6]:m[7]]
		y := fixYear(atoi(yraw), yraw)
		mo, d := a, b
		if a > 12 || (dayFirst && b <= 12) {
			mo, d = b, a
		}
		if validYMD(y, mo, d) {
			consider(parsedDate{Year: y, Month: mo, Day: d, Match: s[m[2]:m[7]]}, m[2])
		}
	}
	// Both expressions with month names need one: a run of letters that
	// is a month name, or one after an ordinal suffix.
	month := monthWordIn(low)
	if m := matchIf(month, reDayMonth, low); m != nil {
		d, mo := atoi(low[m[2]:m[3]]), monthNames[low[m[4]:m[5]]]
		y, end := 0, m[5]
		if m[6] >= 0 {
			y, end = atoi(low[m[6]:m[7]]), m[7]
		}
		if (y != 0 || allowNoYear) && validYMD(y, mo, d) {
			consider(parsedDate{Year: y, Month: mo, Day: d, Match: s[m[2]:end]}, m[2])
		}
	}
	if m := matchIf(month, reMonthDay, low); m != nil {
		mo, d := monthNames[low[m[2]:m[3]]], atoi(low[m[4]:m[5]])
		y, end := 0, m[5]
		if m[6] >= 0 {
			y, end = atoi(low[m[6]:m[7]]), m[7]
		}
		if (y != 0 || allowNoYear) && validYMD(y, mo, d) {
			consider(parsedDate{Year: y, Month: mo, Day: d, Match: s[m[2]:end]}, m[2])
		}
	}
	if best == nil {
		return parsedDate{}, false
	}
	p := best.p
	end := best.pos + len(p.Match)
	// "12 августа 2026 года", "3 April 2024 r."
	if m := reYearWord.FindStringIndex(low[end:]); m != nil && p.Year != 0 {
		end += m[1]
		p.Match = s[best.pos:end]
	}
	// A time printed right after the date ("08 января 2026, 19:51").
	if !p.HasTime {
		if end <= len(low) {
			rest := low[end:]
			if len(rest) > 24 {
				rest = rest[:24]
			}
			if tm := reTime.FindStringSubmatchIndex(rest); tm != nil && tm[2] <= 8 {
				h, mi := atoi(rest[tm[2]:tm[3]]), atoi(rest[tm[4]:tm[5]])
				if h < 24 && mi < 60 {
					p.Hour, p.Minute, p.HasTime = h, mi, true
					p.Match = s[best.pos : end+tm[5]]
				}
			}
		}
	}
	p.Match = strings.TrimSpace(strings.TrimRight(p.Match, " ,"))
	return p, true
}

// matchIf is re.FindStringSubmatchIndex(s) when may holds, else nil: may
// is a condition without which re cannot match s.
func matchIf(may bool, re *regexp.Regexp, s string) []int {
	if !may {
		return nil
	}
	return re.FindStringSubmatchIndex(s)
}

// monthSuffixes are the ordinal suffixes reDayMonth allows between a day
// and its month name without a space ("3rdapril", "3-гоапреля").
var monthSuffixes = []string{"st", "nd", "rd", "th", "го", "е"}

// monthWordIn reports whether a run of letters of the lower-cased text
// low is a month name, or a month name after one of monthSuffixes: what
// reDayMonth and reMonthDay need (their month names stand between
// non-letters, or after such a suffix). Each expression's alternation of
// every month name costs a hundred times this test.
func monthWordIn(low string) bool {
	for w := range letterRuns(low) {
		if _, ok := monthNames[w]; ok {
			return true
		}
		for _, suf := range monthSuffixes {
			if rest, ok := strings.CutPrefix(w, suf); ok {
				if _, ok := monthNames[rest]; ok {
					return true
				}
			}
		}
	}
	return false
}

// hasASCIIDigit reports whether s holds one of 0 to 9 (\d of a regular
// expression).
func hasASCIIDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if '0' <= s[i] && s[i] <= '9' {
			return true
		}
	}
	return false
}

// isoDatePart reads the calendar date of an ISO 8601 or RFC 3339 value as
// written (2020-06-29T00:16+03:00 is 2020-06-29, whatever the UTC date is).
func isoDatePart(s string) (parsedDate, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return parsedDate{}, false
	}
	// Unix timestamps (seconds or milliseconds) in meta values.
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && len(s) >= 9 {
		if len(s) >= 12 {
			n /= 1000
		}
		t := time.Unix(n, 0).UTC()
		if t.Year() >= 1995 && t.Year() < 2200 {
			return parsedDate{Year: t.Year(), Month: int(t.Month()), Day: t.Day(), Hour: t.Hour(), Minute: t.Minute(), HasTime: true, Match: s}, true
		}
		return parsedDate{}, false
	}
	if len(s) == 8 && isDigits(s) { // 20240403
		y, _ := strconv.Atoi(s[:4])
		m, _ := strconv.Atoi(s[4:6])
		d, _ := strconv.Atoi(s[6:])
		if validYMD(y, m, d) {
			return parsedDate{Year: y, Month: m, Day: d, Match: s}, true
		}
	}
	return parseDateText(s, false)
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
