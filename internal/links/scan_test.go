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
