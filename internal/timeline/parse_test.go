package timeline_test

import (
	"slices"
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

func TestSitemapLocs(t *testing.T) {
	cases := []struct {
		name string
		body string
		want []string
		ok   bool
	}{
		{"urlset", `<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc> https://portal.test/en/a.html </loc><lastmod>2024-04-03</lastmod></url>
<url><loc>https://portal.test/en/b.html</loc></url><url><loc>javascript:alert(1)</loc></url></urlset>`,
			[]string{"https://portal.test/en/a.html", "https://portal.test/en/b.html"}, true},
		{"index", `<sitemapindex><sitemap><loc>https://portal.test/sitemap-1.xml</loc></sitemap></sitemapindex>`, []string{"https://portal.test/sitemap-1.xml"}, true},
		{"rss is not a sitemap", `<rss><channel><item><link>https://portal.test/x</link></item></channel></rss>`, nil, false},
		{"truncated", `<urlset><url><loc>https://portal.test/a</loc></url><url><loc>https://por`, []string{"https://portal.test/a"}, true},
		{"windows-1251 declared", `<?xml version="1.0" encoding="windows-1251"?><urlset><url><loc>https://portal.test/ru/</loc></url></urlset>`, []string{"https://portal.test/ru/"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := timeline.SitemapLocs([]byte(tc.body))
			if ok != tc.ok || !slices.Equal(got, tc.want) {
				t.Errorf("got %q %v, want %q %v", got, ok, tc.want, tc.ok)
			}
		})
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

func FuzzSitemapLocs(f *testing.F) {
	f.Add([]byte(`<urlset><url><loc>https://p.test/a</loc></url></urlset>`))
	f.Add([]byte(`<sitemapindex><sitemap><loc>https://p.test/s.xml</loc></sitemap></sitemapindex>`))
	f.Add([]byte(`<?xml version="1.0" encoding="utf-16"?><urlset><loc>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "&a;&a;">]><urlset><url><loc>&a;</loc></url></urlset>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		locs, ok := timeline.SitemapLocs(b)
		if !ok && len(locs) > 0 {
			t.Fatal("locations from a document that is not a sitemap")
		}
		for _, l := range locs {
			if !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") {
				t.Fatalf("location %q is not an http(s) URL", l)
			}
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
