package crawl

// The date shapes a calendar or day archive path ends in. Each matcher
// reads what a regular expression anchored at the end of the path reads
// (the fuzz test holds them to it), without running one per link:
//
//	yearFirst(p, '/')  (?:^|/)(\d{4})/(\d{1,2})(?:/(\d{1,2}))?/?$   /2024/03/15/, /2024/03/
//	yearFirst(p, '-')  (?:^|/)(\d{4})-(\d{1,2})(?:-(\d{1,2}))?/?$   2024-03-15, 2024-03
//	dayFirst(p)        (?:^|/)(\d{1,2})\.(\d{1,2})\.(\d{4})/?$       15.03.2024
//
// They return the year, month and day as written ("" for a day the shape
// does not name) and whether the path ends in the shape.

// maxDateTail is the longest text a date shape matches after its leading
// "/" (2024/03/15/, 15.03.2024/).
const maxDateTail = 11

// yearFirst matches a path ending in year, month and optionally day,
// separated by sep.
func yearFirst(p string, sep byte) (y, m, d string, ok bool) {
	ok = dateTail(p, func(s string) bool {
		y, m, d, ok = yearFirstTail(s, sep)
		return ok
	})
	return y, m, d, ok
}

// dayFirst matches a path ending in day.month.year.
func dayFirst(p string) (d, m, y string, ok bool) {
	ok = dateTail(p, func(s string) bool {
		d, m, y, ok = dayFirstTail(s)
		return ok
	})
	return d, m, y, ok
}

// dateTail offers match the tails of p where a date shape may begin, in
// the order a regular expression's leftmost match tries them: the whole
// of p, then the text after each "/"; only the tails short enough for a
// date are offered. It reports whether one matched.
func dateTail(p string, match func(string) bool) bool {
	if len(p) <= maxDateTail && match(p) {
		return true
	}
	for i := max(0, len(p)-maxDateTail-1); i < len(p); i++ {
		if p[i] == '/' && match(p[i+1:]) {
			return true
		}
	}
	return false
}

// yearFirstTail matches all of s against \d{4}<sep>\d{1,2}(<sep>\d{1,2})?/?.
func yearFirstTail(s string, sep byte) (y, m, d string, ok bool) {
	if len(s) < 6 || !isDigits(s[:4]) || s[4] != sep {
		return "", "", "", false
	}
	y = s[:4]
	m, s = upToTwoDigits(s[5:])
	if m == "" {
		return "", "", "", false
	}
	if len(s) > 1 && s[0] == sep && isDigit(s[1]) {
		d, s = upToTwoDigits(s[1:])
	}
	if s != "" && s != "/" {
		return "", "", "", false
	}
	return y, m, d, true
}

// dayFirstTail matches all of s against \d{1,2}\.\d{1,2}\.\d{4}/?.
func dayFirstTail(s string) (d, m, y string, ok bool) {
	d, s = upToTwoDigits(s)
	if d == "" || s == "" || s[0] != '.' {
		return "", "", "", false
	}
	m, s = upToTwoDigits(s[1:])
	if m == "" || s == "" || s[0] != '.' {
		return "", "", "", false
	}
	s = s[1:]
	if len(s) < 4 || !isDigits(s[:4]) || (s[4:] != "" && s[4:] != "/") {
		return "", "", "", false
	}
	return d, m, s[:4], true
}

// upToTwoDigits splits the ASCII digits s starts with, two at most, from
// the rest. More digits are left in the rest, where no shape accepts them.
func upToTwoDigits(s string) (digits, rest string) {
	n := 0
	for n < 2 && n < len(s) && isDigit(s[n]) {
		n++
	}
	return s[:n], s[n:]
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isDigits reports whether s is all ASCII digits.
func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}
