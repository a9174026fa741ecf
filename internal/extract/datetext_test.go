package extract

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, value, time, match string
		dayFirst               bool
	}{
		{"3 Apr 2024", "2024-04-03", "", "3 Apr 2024", false},
		{"Published: April 3, 2024 at 10:15", "2024-04-03", "10:15", "April 3, 2024 at 10:15", false},
		{"08 января 2026, 19:51", "2026-01-08", "19:51", "08 января 2026, 19:51", false},
		{"12 августа 2026 года", "2026-08-12", "", "12 августа 2026 года", false},
		{"3 апреля 2019 года, 16:30", "2019-04-03", "16:30", "3 апреля 2019 года, 16:30", false},
		{"Нд 14 сакавіка 2015", "2015-03-14", "", "14 сакавіка 2015", false},
		{"12\u00a0студзеня 2024, 11:36", "2024-01-12", "11:36", "12\u00a0студзеня 2024, 11:36", false},
		{"03.04.2024", "2024-04-03", "", "03.04.2024", false},
		{"Stand 27.01.2022", "2022-01-27", "", "27.01.2022", false},
		{"27. Januar 2022", "2022-01-27", "", "27. Januar 2022", false},
		{"2024-04-03T19:51:00+03:00", "2024-04-03", "19:51", "2024-04-03T19:51", false},
		{"2020. 06. 04. 11:15", "2020-06-04", "11:15", "2020. 06. 04. 11:15", false},
		{"10/12/20", "2020-10-12", "", "10/12/20", false},
		{"10/12/20", "2020-12-10", "", "10/12/20", true},
		{"Wednesday, 3rd April 2024", "2024-04-03", "", "3rd April 2024", false},
	}
	for _, tt := range tests {
		p, ok := parseDate(tt.in, false, tt.dayFirst)
		if !ok {
			t.Errorf("%q: no date", tt.in)
			continue
		}
		if p.Value() != tt.value || p.TimeText() != tt.time || p.Match != tt.match {
			t.Errorf("%q: got %s %q %q, want %s %q %q", tt.in, p.Value(), p.TimeText(), p.Match, tt.value, tt.time, tt.match)
		}
	}
	for _, in := range []string{"", "no date here", "31.02.2024", "2024-13-01", "version 1.2.3", "call 555-1234"} {
		if p, ok := parseDate(in, false, false); ok {
			t.Errorf("%q: got %s, want no date", in, p.Value())
		}
	}
	if p, ok := parseDate("3 April", true, false); !ok || p.Year != 0 || p.Month != 4 || p.Day != 3 {
		t.Errorf("day and month without a year: got %+v %v", p, ok)
	}
}

func TestISODatePartKeepsLocalDate(t *testing.T) {
	// The date as written, not converted to UTC (tass.ru: 00:16 Moscow time).
	p, ok := isoDatePart("2020-06-29T00:16:15+03:00")
	if !ok || p.Value() != "2020-06-29" {
		t.Fatalf("got %s %v", p.Value(), ok)
	}
	if p, ok := isoDatePart("1711000000"); !ok || p.Year != 2024 {
		t.Errorf("unix seconds: got %+v %v", p, ok)
	}
}

// FuzzParseDate checks that any text parses without panicking and that a
// found date is a valid calendar day whose match is part of the input.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"3 Apr 2024", "08 января 2026, 19:51", "12\u00a0августа 2026 года", "03.04.2024", "2024-04-03T10:00Z", "İ 3 april 2024", "10/12/20"} {
		f.Add(s, false)
	}
	f.Fuzz(func(t *testing.T, s string, dayFirst bool) {
		p, ok := parseDate(s, true, dayFirst)
		if !ok {
			return
		}
		if !validYMD(p.Year, p.Month, p.Day) {
			t.Errorf("%q: invalid date %+v", s, p)
		}
		if p.Match == "" {
			t.Errorf("%q: empty match", s)
		}
	})
}

// FuzzDecode checks that decoding never panics and always yields UTF-8.
func FuzzDecode(f *testing.F) {
	f.Add([]byte("<meta charset=windows-1251>\xcf\xf0\xe8"), "text/html")
	f.Add([]byte{0xFF, 0xFE, 'a'}, "")
	f.Add([]byte("caf\xe9"), "text/html; charset=\"utf-8\"")
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		d := Decode(body, ct)
		if !utf8ValidString(d.Text) {
			t.Errorf("not UTF-8: %q", d.Text)
		}
		if d.Charset == "" || d.From == "" {
			t.Errorf("no charset or origin: %+v", d)
		}
	})
}

// FuzzDatePrefilters checks the conditions parseDate tests before its
// expressions: without an ASCII digit in the text none of them matches its
// lower-cased copy; each slashed, dotted or hyphenated one needs its
// separator; the two with month names need monthWordIn; and text without
// the bytes 0xC2 and 0xE2 holds no space that spaceReplacer replaces.
func FuzzDatePrefilters(f *testing.F) {
	for _, s := range []string{"3 apr 2024", "2024-04-03", "2024/04/03", "2020. 06. 04.", "03.04.2024", "10/12/20", "３ apr ２０２４", "12\u00a0августа 2026",
		"3rdapril", "3-гоапреля 2024", "1емая. 2024", "5 de marzo de 2024", "march 3, 2024", "xapril 3", "3 aprilx", "Mär 3", "3 ſep 2024"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.IndexByte(s, 0xC2) < 0 && strings.IndexByte(s, 0xE2) < 0 && spaceReplacer.Replace(s) != s {
			t.Fatalf("%q: spaceReplacer changes a text without 0xC2 or 0xE2", s)
		}
		low := strings.ToLower(spaceReplacer.Replace(s))
		if !hasASCIIDigit(s) {
			for _, re := range []*regexp.Regexp{reISO, reYMDSlash, reDMY, reMDYSlash, reDayMonth, reMonthDay} {
				if re.MatchString(low) {
					t.Fatalf("%q: %v matches without an ASCII digit", s, re)
				}
			}
		}
		if !monthWordIn(low) && (reDayMonth.MatchString(low) || reMonthDay.MatchString(low)) {
			t.Fatalf("%q: a month expression matches without monthWordIn", s)
		}
		for _, n := range []struct {
			re  *regexp.Regexp
			sep string
		}{{reISO, "-"}, {reYMDSlash, "/."}, {reDMY, "."}, {reMDYSlash, "/"}} {
			if !strings.ContainsAny(low, n.sep) && n.re.MatchString(low) {
				t.Fatalf("%q: %v matches without any of %q", s, n.re, n.sep)
			}
		}
	})
}

// TestMonthWordIn checks, on texts built of month names, ordinal
// suffixes, digits, letters and separators, that reDayMonth and
// reMonthDay never match where monthWordIn says no month name stands.
func TestMonthWordIn(t *testing.T) {
	pieces := []string{"3", "12", "2024", " ", ".", ",", "-", "de ", "st", "rd", "го", "е", "x", "я", "april", "apr", "мая", "мая.", "марта", "mär", "janv", "sept", "é", "\xff"}
	r := rand.New(rand.NewSource(1))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(8); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		low := b.String()
		if !monthWordIn(low) && (reDayMonth.MatchString(low) || reMonthDay.MatchString(low)) {
			t.Fatalf("%q: a month expression matches without monthWordIn", low)
		}
	}
}
