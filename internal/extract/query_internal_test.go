package extract

import (
	"fmt"
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// The regular expressions that dayQ, monthQ and yearQ replace.
var queryNumberRefs = []struct {
	name string
	find func(string) (string, bool)
	re   *regexp.Regexp
}{
	{"day", dayQ, regexp.MustCompile(`(?i)[?&;]day=(\d{1,2})`)},
	{"month", monthQ, regexp.MustCompile(`(?i)[?&;]month=(\d{1,2})`)},
	{"year", yearQ, regexp.MustCompile(`(?i)[?&;]year=(\d{2,4})`)},
}

func checkQueryNumbers(t *testing.T, s string) {
	t.Helper()
	for _, q := range queryNumberRefs {
		got, ok := q.find(s)
		m := q.re.FindStringSubmatch(s)
		if ok != (m != nil) || ok && got != m[1] {
			t.Errorf("%sQ(%q) = %q, %v; the regular expression finds %q", q.name, s, got, ok, m)
		}
	}
}

// TestQueryNumber compares dayQ, monthQ and yearQ with their regular
// expressions on URLs built of query pieces.
func TestQueryNumber(t *testing.T) {
	for _, s := range []string{"", "?day=1", "?day=", "?DAY=12&Month=3&YEAR=2024", "/news?day=123&month=04&year=24", "&year=2", "&year=20245",
		";day=7", "?dayx=1&day=2", "?d=1", "?month=1?month=22", "?yeaR=1999;", "?year=1\u212a", "?year=\uff11\uff12", "/by-date/1.2.2024?day=x&day=5"} {
		checkQueryNumbers(t, s)
	}
	pieces := []string{"?", "&", ";", "day", "DAY", "Day", "month", "MONTH", "year", "YeAr", "=", "1", "12", "123", "2024", "x", "/", "é", "\xff", "mont", "dayy"}
	r := rand.New(rand.NewSource(1))
	for range 50000 {
		var b strings.Builder
		for k := r.Intn(10); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkQueryNumbers(t, b.String())
	}
}

// FuzzQueryNumber compares dayQ, monthQ and yearQ with their regular
// expressions on arbitrary strings.
func FuzzQueryNumber(f *testing.F) {
	for _, s := range []string{"?day=3&month=4&year=2024", "&YEAR=24", ";Month=123"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkQueryNumbers(t, s)
	})
}

// TestPathPrechecks checks the cheap tests that stand before regular
// expressions: no day or month path expression matches a path that
// endsInDigit turns away, and smallNumber is ^\d{1,5}$.
func TestPathPrechecks(t *testing.T) {
	reNumber := regexp.MustCompile(`^\d{1,5}$`)
	pieces := []string{"/", "by-date", "archive", "2024", "19", "20", "1", "12", "123456", ".", "-", "/2024/4/3", "/archive/2024-04-03", "x", "\n", "٣", "\xff"}
	r := rand.New(rand.NewSource(3))
	for range 50000 {
		var b strings.Builder
		for k := r.Intn(8); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		if !endsInDigit(s) && (reDayPath.MatchString(s) || reMonthPath.MatchString(s)) {
			t.Fatalf("endsInDigit(%q) is false, but a day or month path expression matches", s)
		}
		if got, want := smallNumber(s), reNumber.MatchString(s); got != want {
			t.Fatalf("smallNumber(%q) = %v, want %v", s, got, want)
		}
	}
	for d := 1; d <= 31; d++ {
		if got, want := twoDigits(d), fmt.Sprintf("%02d", d); got != want {
			t.Errorf("twoDigits(%d) = %q, want %q", d, got, want)
		}
	}
}

// smallNumber, the reference of numberText, reports whether s is one to five ASCII digits, as the
// regular expression ^\d{1,5}$ does.
func smallNumber(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// reYearNum is the regular expression that yearNumber replaces.
var reYearNum = regexp.MustCompile(`(?:^|[^\d])((?:19|20|21)\d\d)(?:[^\d]|$)`)

func checkYearNumber(t *testing.T, s string) {
	t.Helper()
	got, ok := yearNumber(s)
	m := reYearNum.FindStringSubmatch(s)
	if ok != (m != nil) || ok && got != m[1] {
		t.Errorf("yearNumber(%q) = %q, %v; the regular expression finds %q", s, got, ok, m)
	}
}

// TestYearNumber compares yearNumber with its regular expression on
// calendar headings and on strings built of digits and separators.
func TestYearNumber(t *testing.T) {
	for _, s := range []string{"", "2024", "March 2024", "Сакавік 2024 « »", "12024", "20245", "x1999y", "2100", "2200", "1899 1900 2001",
		"Mo Tu 2024", "٢٠٢٤ 2023", "\xff2024\xff", "202", "19 99", "2020-03", "a2019"} {
		checkYearNumber(t, s)
	}
	pieces := []string{"1", "2", "9", "0", "19", "20", "21", "2024", " ", "-", "é", "\xff", "x"}
	r := rand.New(rand.NewSource(1))
	for range 50000 {
		var b strings.Builder
		for k := r.Intn(10); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkYearNumber(t, b.String())
	}
}

// FuzzYearNumber compares yearNumber with its regular expression on
// arbitrary strings.
func FuzzYearNumber(f *testing.F) {
	for _, s := range []string{"March 2024", "12024", "x2100y", "1999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkYearNumber(t, s)
	})
}
