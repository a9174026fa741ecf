package check

import (
	"testing"
)

// TestBetterRepresentative checks the order of the signals that pick the
// URL a page is reported under.
func TestBetterRepresentative(t *testing.T) {
	tests := []struct {
		name string
		a, b member
	}{
		{"self-canonical over listed", member{url: "https://e.gov/b/x", selfCanonical: true, crumbs: 2}, member{url: "https://e.gov/a/x", listed: true}},
		{"listed over breadcrumbs", member{url: "https://e.gov/b/x", listed: true, crumbs: 2}, member{url: "https://e.gov/a/x"}},
		{"breadcrumbs over no query", member{url: "https://e.gov/a/x?page=2", query: true}, member{url: "https://e.gov/b/x", crumbs: 2}},
		{"no query over depth", member{url: "https://e.gov/a/x", depth: 5}, member{url: "https://e.gov/a/x?page=2", query: true, depth: 1}},
		{"depth over length", member{url: "https://e.gov/long/path/x", depth: 1}, member{url: "https://e.gov/x", depth: 2}},
		{"shorter", member{url: "https://e.gov/x", captureID: 9}, member{url: "https://e.gov/xy", captureID: 1}},
		{"first captured", member{url: "https://e.gov/x", captureID: 1}, member{url: "https://e.gov/y", captureID: 2}},
	}
	for _, tt := range tests {
		if !betterRepresentative(&tt.a, &tt.b) || betterRepresentative(&tt.b, &tt.a) {
			t.Errorf("%s: %s should win over %s, and not the other way round", tt.name, tt.a.url, tt.b.url)
		}
	}
}
