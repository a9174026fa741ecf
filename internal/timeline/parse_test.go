package timeline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/archiver-dev/archiver/internal/timeline"
)

func TestDayOfURL(t *testing.T) {
	cases := []struct{ url, want string }{
		{"https://portal.test/en/archive/?day=03&month=04&year=24/", "2024-04-03"},
		{"https://portal.test/all_news/page/9/?day=01&month=08&year=24/", "2024-08-01"},
		{"https://portal.test/en/archive/?day=30&month=02&year=2024", "2024-02-30"}, // asked for, though it does not exist
		{"https://kremlin.test/events/president/news/by-date/12.08.2026", "2026-08-12"},
		{"https://portal.test/news/2024/04/03/", "2024-04-03"},
		{"https://portal.test/archive/2024-04-03", "2024-04-03"},
		{"https://portal.test/en/government/events/slug_i_0000169780.html", ""},
		{"https://portal.test/en/archive/?month=04&year=24", ""},
		{"::not a url", ""},
	}
	for _, tc := range cases {
		if got := timeline.DayOfURL(tc.url); got != tc.want {
			t.Errorf("DayOfURL(%q) = %q, want %q", tc.url, got, tc.want)
		}
	}
}

func TestParseDuration(t *testing.T) {
	cases := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"7d", 7 * 24 * time.Hour, false},
		{"36h", 36 * time.Hour, false},
		{"", 0, false},
		{"1.5d", 0, true},
		{"-2h", 0, true},
		{"soon", 0, true},
	}
	for _, tc := range cases {
		got, err := timeline.ParseDuration(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("ParseDuration(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestParseCadence(t *testing.T) {
	for _, ok := range []string{"daily", "Weekdays", " irregular ", "auto", ""} {
		if _, err := timeline.ParseCadence(ok); err != nil {
			t.Errorf("ParseCadence(%q): %v", ok, err)
		}
	}
	if _, err := timeline.ParseCadence("hourly"); err == nil {
		t.Error("ParseCadence(hourly): no error")
	}
}

func FuzzDayOfURL(f *testing.F) {
	for _, s := range []string{"https://p.test/?day=03&month=04&year=24/", "https://p.test/by-date/12.08.2026", "https://p.test/2024/04/03/", "?day=x&month=%&year=9999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d := timeline.DayOfURL(s)
		if d != "" && (len(d) < 10 || d[4] != '-' || strings.Count(d, "-") < 2) {
			t.Fatalf("DayOfURL(%q) = %q, not YYYY-MM-DD", s, d)
		}
	})
}

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"7d", "36h", "", "-1d", "99999999999999999999d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := timeline.ParseDuration(s)
		if err == nil && d < 0 {
			t.Fatalf("ParseDuration(%q) = %v, negative", s, d)
		}
	})
}
