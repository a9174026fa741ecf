package crawl

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// traps bounds crawler traps. Its learned state (the calendar range, the
// same-content counters) lives for one process of a run.
type traps struct {
	opts TrapOptions
	now  func() time.Time

	volatile []*regexp.Regexp

	mu      sync.Mutex
	minDate time.Time // the earliest date of the site's own content seen
	maxDate time.Time
	shapes  map[string]*shapeCount
}

type shapeCount struct {
	fetched, dups int
}

func newTraps(opts TrapOptions, now func() time.Time) *traps {
	t := &traps{opts: opts, now: now, shapes: map[string]*shapeCount{}}
	for _, v := range opts.Volatile {
		if re, err := regexp.Compile(v); err == nil {
			t.volatile = append(t.volatile, re)
		}
	}
	return t
}

// keys returns the two keys of a body, masking its volatile parts once
// for both. collapse is the key under which bodies collapse into one
// capture: the SHA-256 of the body with the configured volatile parts
// masked, or of the body itself when none is configured. trap is the
// looser key of the same-content trap: the volatile parts and runs of 16
// or more hex digits (session ids, CSRF tokens) masked.
func (t *traps) keys(body []byte) (collapse, trap string) {
	b := t.mask(body)
	if len(t.volatile) == 0 {
		collapse = sha256Hex(body)
	} else {
		collapse = "masked:" + sha256Hex(b)
	}
	return collapse, hexMaskedSHA256(b)
}

// hexMaskedSHA256 is the SHA-256 of b with every run of 16 or more hex
// digits replaced by "x".
//
// A run of 16 covers the 16th byte from wherever it begins, so the scan
// looks at every 16th byte only: when that byte is not a hex digit, no run
// of 16 begins at or before it; when it is, the run around it is measured
// and masked if it is long enough.
func hexMaskedSHA256(b []byte) string {
	h := sha256.New()
	start := 0 // of the bytes not yet hashed
	// No run of 16 that is not masked yet begins before i, and b[i-1] is
	// not a hex digit.
	for i := 0; i+16 <= len(b); {
		p := i + 15
		if hexDigit[b[p]] == 0 {
			i = p + 1
			continue
		}
		lo, hi := p, p+1
		for lo > i && hexDigit[b[lo-1]] != 0 {
			lo--
		}
		for hi < len(b) && hexDigit[b[hi]] != 0 {
			hi++
		}
		if hi-lo >= 16 {
			h.Write(b[start:lo])
			h.Write([]byte{'x'})
			start = hi
		}
		i = hi + 1
	}
	h.Write(b[start:])
	return hex.EncodeToString(h.Sum(nil))
}

// hexDigit is 1 at the index of each ASCII hex digit (0-9, a-f, A-F): one
// load per byte looked at, for hexMaskedSHA256.
const hexDigit = "" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x01\x01\x01\x01\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00" + // 0-9
	"\x00\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // A-F
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x01\x01\x01\x01\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00" + // a-f
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00" +
	"\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"

func (t *traps) mask(body []byte) []byte {
	for _, re := range t.volatile {
		body = re.ReplaceAll(body, nil)
	}
	return body
}

// check returns "" or the trap reason that keeps canonical URL c (parsed
// as u) from being fetched.
func (t *traps) check(u *url.URL, c string) string {
	if len(c) > t.opts.MaxURLLength {
		return SkipURLLength
	}
	if repeatedSegment(u.EscapedPath(), t.opts.MaxSegmentRepeat) {
		return SkipRepeatedSegment
	}
	if repeatedParam(u.RawQuery, t.opts.MaxParamRepeat) {
		return SkipRepeatedParam
	}
	if d, ok, valid := calendarDate(u); ok {
		if !valid {
			return SkipCalendarInvalid
		}
		end := d
		if monthOnly(u) {
			// A month page is in range if any of its days is.
			end = d.AddDate(0, 1, -1)
		}
		r1, r2 := t.calendarVerdict(d), t.calendarVerdict(end)
		switch {
		case r1 == "" || r2 == "":
		case r1 == parkCalendar || r2 == parkCalendar:
			return parkCalendar
		default:
			return SkipCalendarRange
		}
	}
	if t.opts.SameContentLimit > 0 {
		t.mu.Lock()
		sc := t.shapes[urlShape(u)]
		trapped := sc != nil && sc.dups >= t.opts.SameContentLimit && sc.dups*2 > sc.fetched
		t.mu.Unlock()
		if trapped {
			return SkipSameContent
		}
	}
	return ""
}

// monthOnly reports whether a calendar URL names a month without a day.
func monthOnly(u *url.URL) bool {
	if u.RawQuery != "" {
		hasDay, hasMonth := false, false
		for _, p := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(p, "=")
			switch strings.ToLower(k) {
			case "day", "d":
				hasDay = true
			case "month", "m", "mon":
				hasMonth = true
			}
		}
		if hasMonth {
			return !hasDay
		}
	}
	p := u.EscapedPath()
	if _, _, d, ok := yearFirst(p, '/'); ok {
		return d == ""
	}
	if _, _, d, ok := yearFirst(p, '-'); ok {
		return d == ""
	}
	return false
}

// isCalendar reports whether u is a calendar or day archive URL; dates
// from such pages do not widen the learned range.
func isCalendar(u *url.URL) bool {
	_, ok, _ := calendarDate(u)
	return ok
}

// parkCalendar is the verdict on a calendar URL outside the range learned
// so far: the range may still grow, so the URL is parked in the frontier
// and decided when nothing else is left to crawl.
const parkCalendar = "park:calendar-range"

// calendarVerdict decides a calendar date: "" when it is within the
// configured range, or else within the learned range widened by the slack;
// SkipCalendarRange when it is outside the configured range or after Now
// plus the slack; parkCalendar when it is outside the range learned so far.
func (t *traps) calendarVerdict(d time.Time) string {
	if !t.opts.CalendarFrom.IsZero() || !t.opts.CalendarTo.IsZero() {
		if !t.opts.CalendarFrom.IsZero() && d.Before(dayOf(t.opts.CalendarFrom)) {
			return SkipCalendarRange
		}
		if !t.opts.CalendarTo.IsZero() && d.After(dayOf(t.opts.CalendarTo)) {
			return SkipCalendarRange
		}
		return ""
	}
	slack := t.opts.CalendarSlack
	if d.After(t.now().Add(slack)) {
		return SkipCalendarRange
	}
	t.mu.Lock()
	lo, hi := t.minDate, t.maxDate
	t.mu.Unlock()
	if lo.IsZero() || (!d.Before(lo.Add(-slack)) && !d.After(hi.Add(slack))) {
		return ""
	}
	return parkCalendar
}

func dayOf(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// learnDate widens the range of the site's own dated content.
func (t *traps) learnDate(d time.Time) {
	if d.Year() < 1900 || d.After(t.now().Add(t.opts.CalendarSlack)) {
		return
	}
	d = dayOf(d)
	t.mu.Lock()
	if t.minDate.IsZero() || d.Before(t.minDate) {
		t.minDate = d
	}
	if t.maxDate.IsZero() || d.After(t.maxDate) {
		t.maxDate = d
	}
	t.mu.Unlock()
}

// sawContent counts one fetch of a URL of u's shape, and whether its body
// had already been seen under another URL.
func (t *traps) sawContent(u *url.URL, dup bool) {
	t.mu.Lock()
	key := urlShape(u)
	sc := t.shapes[key]
	if sc == nil {
		sc = &shapeCount{}
		t.shapes[key] = sc
	}
	sc.fetched++
	if dup {
		sc.dups++
	}
	t.mu.Unlock()
}

// urlShape is the host and path with every run of digits masked, and the
// sorted set of parameter names: /archive/?day=01&month=08 and
// /archive/?day=02&month=08 have one shape.
func urlShape(u *url.URL) string {
	var b strings.Builder
	b.WriteString(u.Host)
	digits := false
	for _, r := range u.EscapedPath() {
		if r >= '0' && r <= '9' {
			if !digits {
				b.WriteByte('#')
			}
			digits = true
			continue
		}
		digits = false
		b.WriteRune(r)
	}
	if u.RawQuery != "" {
		var names []string
		for _, p := range strings.Split(u.RawQuery, "&") {
			n, _, _ := strings.Cut(p, "=")
			names = appendOnce(names, n)
		}
		b.WriteByte('?')
		b.WriteString(strings.Join(sortedCopy(names), "&"))
	}
	return b.String()
}

func sortedCopy(s []string) []string {
	out := append([]string(nil), s...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// repeatedSegment reports whether one non-empty path segment appears more
// than max times.
func repeatedSegment(p string, max int) bool {
	segs := strings.Split(p, "/")
	if len(segs) <= max {
		return false
	}
	counts := make(map[string]int, len(segs))
	for _, s := range segs {
		if s == "" {
			continue
		}
		counts[s]++
		if counts[s] > max {
			return true
		}
	}
	return false
}

// repeatedParam reports whether one query parameter appears more than max
// times.
func repeatedParam(q string, max int) bool {
	if q == "" {
		return false
	}
	counts := map[string]int{}
	for _, p := range strings.Split(q, "&") {
		if p == "" {
			continue
		}
		n, _, _ := strings.Cut(p, "=")
		n = strings.ToLower(n)
		counts[n]++
		if counts[n] > max {
			return true
		}
	}
	return false
}

// endsInDigit reports whether a path ends in an ASCII digit, but for a
// trailing slash: every date path (see yearFirst and dayFirst) does, so the
// others need not be searched.
func endsInDigit(p string) bool {
	p = strings.TrimSuffix(p, "/")
	return p != "" && p[len(p)-1] >= '0' && p[len(p)-1] <= '9'
}

// leadingDigits returns the ASCII digits s starts with.
func leadingDigits(s string) string {
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return s[:i]
}

// calendarDate finds the date of a calendar or day archive URL: query
// parameters day/month/year (or d/m/y, date=YYYY-MM-DD), or a date as the
// last path segments. ok says a date was found; valid that it exists
// (February 30 does not).
func calendarDate(u *url.URL) (d time.Time, ok, valid bool) {
	if u.RawQuery == "" && !strings.ContainsAny(u.Path, "0123456789") {
		return time.Time{}, false, false
	}
	if u.RawQuery != "" {
		var y, m, day string
		for _, p := range strings.Split(u.RawQuery, "&") {
			k, rawV, _ := strings.Cut(p, "=")
			v := leadingDigits(strings.TrimSpace(rawV))
			switch strings.ToLower(k) {
			case "year", "y", "yr":
				y = v
			case "month", "m", "mon":
				m = v
			case "day", "d":
				day = v
			case "date":
				raw, _ := url.QueryUnescape(rawV)
				if t, found, good := parseDateText(raw); found {
					return t, true, good
				}
			}
		}
		if y != "" && m != "" {
			if day == "" {
				day = "1"
			}
			return makeDate(y, m, day)
		}
	}
	p := u.EscapedPath()
	if !endsInDigit(p) {
		return time.Time{}, false, false // an article's .html: no date shape can match
	}
	if y, m, day, ok := yearFirst(p, '/'); ok {
		return makeDate(y, m, cmp.Or(day, "1"))
	}
	if day, m, y, ok := dayFirst(p); ok {
		return makeDate(y, m, day)
	}
	if y, m, day, ok := yearFirst(p, '-'); ok {
		return makeDate(y, m, cmp.Or(day, "1"))
	}
	return time.Time{}, false, false
}

// parseDateText reads YYYY-MM-DD, YYYY-MM or DD.MM.YYYY.
func parseDateText(s string) (time.Time, bool, bool) {
	s = strings.TrimSuffix(strings.TrimSpace(s), "/")
	if y, m, day, ok := yearFirst("/"+s, '-'); ok {
		return makeDate(y, m, cmp.Or(day, "1"))
	}
	if day, m, y, ok := dayFirst("/" + s); ok {
		return makeDate(y, m, day)
	}
	return time.Time{}, false, false
}

// makeDate builds a date from decimal strings; a two-digit year is in the
// 2000s.
func makeDate(ys, ms, ds string) (time.Time, bool, bool) {
	y, err1 := strconv.Atoi(ys)
	m, err2 := strconv.Atoi(ms)
	d, err3 := strconv.Atoi(ds)
	if err1 != nil || err2 != nil || err3 != nil {
		return time.Time{}, true, false
	}
	if len(ys) <= 2 {
		y += 2000
	}
	if y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > 31 {
		return time.Time{}, true, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return time.Time{}, true, false
	}
	return t, true, true
}

// parseContentDate reads the date of a <time datetime> or a
// published_time meta value: RFC 3339, or a leading YYYY-MM-DD.
func parseContentDate(s string) (time.Time, bool) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, true
	}
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}
