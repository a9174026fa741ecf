package crawl_test

import (
	"net/url"
	"slices"
	"testing"

	"github.com/archiver-dev/archiver/internal/crawl"
)

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func TestCanonical(t *testing.T) {
	seed := mustURL(t, "https://www.portal.example/")
	c := crawl.NewCanonicalizer(crawl.DefaultConfig().Canon, []*url.URL{seed})
	tests := []struct {
		in, want string
		reasons  []string
	}{
		{"https://www.portal.example/a#frag", "https://www.portal.example/a", nil},
		{"https://www.portal.example", "https://www.portal.example/", nil},
		{"HTTPS://WWW.Portal.Example:443/A", "https://www.portal.example/A", nil},
		{"https://www.portal.example/?b=2&a=1&a=0", "https://www.portal.example/?a=0&a=1&b=2", nil},
		{"https://www.portal.example/x?utm_source=tw&utm_medium=s&id=3&fbclid=z", "https://www.portal.example/x?id=3", []string{"tracking-param"}},
		{"https://www.portal.example/x;jsessionid=ABCDEF?id=3", "https://www.portal.example/x?id=3", []string{"session-id"}},
		{"https://www.portal.example/x?sid=123&id=3", "https://www.portal.example/x?id=3", []string{"session-id"}},
		{"https://www.portal.example/x;JSESSIONID=A;v=2", "https://www.portal.example/x;v=2", []string{"session-id"}},
		{"http://portal.example/en/", "https://www.portal.example/en/", []string{"host-variant"}},
		{"http://www.portal.example/en/", "https://www.portal.example/en/", []string{"host-variant"}},
		{"https://portal.example:8443/en/", "https://portal.example:8443/en/", nil},
		{"https://other.example/en/", "https://other.example/en/", nil},
		{"https://www.portal.example/a/./b/../c/", "https://www.portal.example/a/c/", nil},
		{"https://www.portal.example/%7Euser/%2f%e2%82%ac", "https://www.portal.example/~user/%2F%E2%82%AC", nil},
		{"https://www.portal.example/?&&a=1&", "https://www.portal.example/?a=1", nil},
		{"https://user:pw@www.portal.example/", "https://www.portal.example/", nil},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, reasons := c.Canonical(mustURL(t, tc.in))
			if got != tc.want {
				t.Errorf("Canonical(%s) = %s, want %s", tc.in, got, tc.want)
			}
			if !slices.Equal(reasons, tc.reasons) {
				t.Errorf("reasons %v, want %v", reasons, tc.reasons)
			}
			again, _ := c.Canonical(mustURL(t, got))
			if again != got {
				t.Errorf("not idempotent: %s → %s", got, again)
			}
		})
	}
}

func TestCanonicalOptions(t *testing.T) {
	seed := mustURL(t, "https://www.portal.example/")
	opts := crawl.DefaultConfig().Canon
	opts.KeepFragment = true
	opts.KeepQueryOrder = true
	opts.SeparateHostVariants = true
	opts.SessionParams = nil
	c := crawl.NewCanonicalizer(opts, []*url.URL{seed})
	for in, want := range map[string]string{
		"https://www.portal.example/a?b=1&a=2#f": "https://www.portal.example/a?b=1&a=2#f",
		"http://portal.example/a":                "http://portal.example/a",
		"https://www.portal.example/a?sid=1":     "https://www.portal.example/a?sid=1",
	} {
		if got, _ := c.Canonical(mustURL(t, in)); got != want {
			t.Errorf("Canonical(%s) = %s, want %s", in, got, want)
		}
	}
	if c.SameSite(mustURL(t, "http://portal.example/")) {
		t.Error("a host variant is the same site although variants are separate")
	}
}

func FuzzCanonical(f *testing.F) {
	for _, s := range []string{"https://www.portal.example/a?b=1#c", "http://portal.example/x;jsessionid=1?utm_a=2", "https://h/%zz/../%2e%2e/", "http://[::1]:80/a?&=&"} {
		f.Add(s)
	}
	seed, _ := url.Parse("https://www.portal.example/")
	c := crawl.NewCanonicalizer(crawl.DefaultConfig().Canon, []*url.URL{seed})
	f.Fuzz(func(t *testing.T, s string) {
		u, err := url.Parse(s)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return
		}
		got, _ := c.Canonical(u)
		u2, err := url.Parse(got)
		if err != nil {
			t.Fatalf("canonical %q of %q does not parse: %v", got, s, err)
		}
		if again, _ := c.Canonical(u2); again != got {
			t.Fatalf("not idempotent: %q → %q → %q", s, got, again)
		}
	})
}
