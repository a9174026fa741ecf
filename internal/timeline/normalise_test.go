package timeline_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/archiver-dev/archiver/internal/timeline"
	"golang.org/x/text/encoding/charmap"
)

const pageTmpl = `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Minister meets delegation | Portal</title>
<meta name="csrf-token" content="{{csrf}}"></head><body>
<div id="today">Today is {{today}}</div>
<nav><a href="/en/">Home</a></nav>
<h1>Minister meets delegation</h1>
<p>MINSK, 3 April (BelTA) - The minister met the delegation.</p>
<span id="visit-counter">{{count}}</span> <span class="views">{{count}} views</span>
<form><input type="hidden" name="csrf_token" value="{{csrf}}"></form>
<div class="promo" data-promo="{{promo}}">Promo {{promo}}</div>
<a href="/en/news/next.html?csrf={{csrf}}">Next</a>
</body></html>`

func page(csrf, today, count, promo string, edit func(string) string) []byte {
	s := strings.NewReplacer("{{csrf}}", csrf, "{{today}}", today, "{{count}}", count, "{{promo}}", promo).Replace(pageTmpl)
	if edit != nil {
		s = edit(s)
	}
	return []byte(s)
}

func TestNormaliseVolatile(t *testing.T) {
	n, err := timeline.NewNormaliser(timeline.DefaultVolatile())
	if err != nil {
		t.Fatal(err)
	}
	base, err := n.Normalise(page("a1b2", "3 April 2024", "17", "1", nil), "text/html; charset=utf-8")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		body []byte
		same bool
	}{
		{"volatile parts only", page("ffee99", "4 April 2024", "18342", "3", nil), true},
		{"white space only", page("a1b2", "3 April 2024", "17", "1", func(s string) string { return strings.ReplaceAll(s, "met the", "met   the\n") }), true},
		{"body edited", page("a1b2", "3 April 2024", "17", "1", func(s string) string { return strings.Replace(s, "met the delegation", "met two delegations", 1) }), false},
		{"headline edited", page("a1b2", "3 April 2024", "17", "1", func(s string) string { return strings.Replace(s, "<h1>Minister meets", "<h1>Minister snubs", 1) }), false},
		{"link target changed", page("a1b2", "3 April 2024", "17", "1", func(s string) string { return strings.Replace(s, `href="/en/"`, `href="/ru/"`, 1) }), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := n.Normalise(tc.body, "text/html; charset=utf-8")
			if err != nil {
				t.Fatal(err)
			}
			if (got.Hash == base.Hash) != tc.same {
				t.Errorf("same hash = %v, want %v", got.Hash == base.Hash, tc.same)
			}
			if !strings.HasPrefix(string(got.HTML), "\uFEFF") {
				t.Error("normalised HTML does not start with a UTF-8 byte order mark")
			}
		})
	}
	if base.Title != "Minister meets delegation | Portal" {
		t.Errorf("title %q", base.Title)
	}
	for _, gone := range []string{"visit-counter", "csrf_token", "promo", "Today is"} {
		if strings.Contains(string(base.HTML), gone) {
			t.Errorf("normalised HTML still holds %q", gone)
		}
	}
}

func TestNormaliseConfigured(t *testing.T) {
	body := []byte(`<html><body><h1>Report</h1><p class="rotating">Quote of the day: X</p><p>Generated in 0.034 s</p></body></html>`)
	other := []byte(`<html><body><h1>Report</h1><p class="rotating">Quote of the day: Y</p><p>Generated in 0.122 s</p></body></html>`)
	none, err := timeline.NewNormaliser(timeline.Volatile{})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := none.Normalise(body, "")
	b, _ := none.Normalise(other, "")
	if a.Hash == b.Hash {
		t.Fatal("without volatile parts configured, the two pages hash the same")
	}
	n, err := timeline.NewNormaliser(timeline.Volatile{Selectors: []string{".rotating"}, Patterns: []string{`Generated in [\d.]+ s`}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ = n.Normalise(body, "")
	b, _ = n.Normalise(other, "")
	if a.Hash != b.Hash {
		t.Error("with the rotating block and the timing configured, the pages still differ")
	}
	if _, err := timeline.NewNormaliser(timeline.Volatile{Selectors: []string{"div[["}}); err == nil {
		t.Error("a broken selector is accepted")
	}
	if _, err := timeline.NewNormaliser(timeline.Volatile{Patterns: []string{"(("}}); err == nil {
		t.Error("a broken pattern is accepted")
	}
}

func TestNormaliseCharset(t *testing.T) {
	n, _ := timeline.NewNormaliser(timeline.DefaultVolatile())
	text := `<html><head><title>Новости</title></head><body><h1>Беларусь и Вьетнам</h1></body></html>`
	utf, _ := n.Normalise([]byte(text), "text/html; charset=utf-8")
	cp, err := charmap.Windows1251.NewEncoder().String(strings.Replace(text, "<head>", `<head><meta charset="windows-1251">`, 1))
	if err != nil {
		t.Fatal(err)
	}
	// Declared only in the meta tag, and in the header only.
	meta, _ := n.Normalise([]byte(cp), "text/html")
	header, _ := n.Normalise([]byte(cp), "text/html; charset=windows-1251")
	if meta.Hash != utf.Hash || header.Hash != utf.Hash {
		t.Errorf("the windows-1251 page hashes differently from its UTF-8 twin: %s %s %s", utf.Hash[:8], meta.Hash[:8], header.Hash[:8])
	}
	if meta.Title != "Новости" {
		t.Errorf("title %q", meta.Title)
	}
}

func TestLines(t *testing.T) {
	n, _ := timeline.NewNormaliser(timeline.DefaultVolatile())
	got := n.Lines("  First   paragraph.\n\n\tSecond, 1 234 views here.\n \n")
	want := []string{"First paragraph.", "Second, here."}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("Lines = %q, want %q", got, want)
	}
}

func FuzzNormalise(f *testing.F) {
	f.Add([]byte(pageTmpl), "text/html")
	f.Add([]byte("<html><head><meta charset=windows-1251></head><body>\xcd\xee\xe2\xee\xf1\xf2\xe8</body></html>"), "")
	f.Add([]byte("\xef\xbb\xbf<p>bom</p>"), "text/html; charset=iso-8859-1")
	f.Add([]byte("<table><tr><td><a href='x'>unclosed"), "text/html; charset=utf-16")
	f.Add([]byte{0, 1, 2, 0xff, 0xfe}, "application/octet-stream")
	n, err := timeline.NewNormaliser(timeline.DefaultVolatile())
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, body []byte, ct string) {
		a, err := n.Normalise(body, ct)
		if err != nil {
			return // refused cleanly
		}
		if len(a.Hash) != 64 || !utf8.Valid(a.HTML) {
			t.Fatalf("hash %q, valid UTF-8 %v", a.Hash, utf8.Valid(a.HTML))
		}
		b, err := n.Normalise(body, ct)
		if err != nil || b.Hash != a.Hash {
			t.Fatal("normalising the same bytes twice gives different hashes")
		}
	})
}
