package links_test

import (
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/links"
)

func TestScanHTML(t *testing.T) {
	tests := []struct {
		name, in, title, ids string
	}{
		{"ids and names", `<title>A</title><div id="x"><a name="y"></a><span id="x"></span><p name="z">`, "A", "[x y]"},
		{"unclosed title", `<title>Half`, "Half", "[]"},
		{"empty id ignored", `<b id="">`, "", "[]"},
		{"malformed", `<<<div id="ok" <p id='q'>>`, "", "[ok]"}, // as browsers read it: "<p" is an attribute of the div
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := links.ScanHTML(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if d.Title != tc.title || fmtIDs(d.IDs) != tc.ids {
				t.Fatalf("title %q ids %v, want %q %s", d.Title, d.IDs, tc.title, tc.ids)
			}
		})
	}
}

func TestScanHTMLNoNews(t *testing.T) {
	long := strings.Repeat("The minister met the delegation and discussed trade. ", 60)
	tests := []struct {
		name, in string
		want     bool
	}{
		{"empty day archive", `<title>Archive: 1 May</title><nav><a href="/">Home</a></nav><main><p class="no_news">There is no news for this day.</p></main>`, true},
		{"in Russian", `<main><p>Новостей за этот день нет</p></main>`, true},
		{"a page with news", `<main><h1>News</h1><p>The minister met the delegation.</p></main>`, false},
		{"the phrase only in the navigation", `<header><p>No news found? Try the search.</p></header><main><p>The minister met the delegation.</p></main>`, false},
		{"a long article quoting the phrase", `<main><p>` + long + ` He said: "there is no news for this day yet".</p></main>`, false},
		{"the phrase in a script", `<script>var msg = "no news for this day";</script><main><p>Story.</p></main>`, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, err := links.ScanHTML(strings.NewReader(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if d.NoNews != tc.want {
				t.Fatalf("NoNews %v, want %v", d.NoNews, tc.want)
			}
		})
	}
}

func fmtIDs(ids []string) string { return "[" + strings.Join(ids, " ") + "]" }

func FuzzScanHTML(f *testing.F) {
	for _, s := range []string{"", "<title>x</title>", `<a name="a" id="b">`, "<title><title>", "<div id=\"\x00\">", "<!--", "<script>id=\"x\"</script>"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := links.ScanHTML(strings.NewReader(s))
		if err != nil {
			t.Fatalf("error on in-memory input: %v", err)
		}
		seen := map[string]bool{}
		for _, id := range d.IDs {
			if id == "" || seen[id] {
				t.Fatalf("empty or duplicate id %q in %v", id, d.IDs)
			}
			seen[id] = true
		}
	})
}
