package extract_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/extract"
)

// TestEditorialSignals checks the signals the editorial rules read besides
// the article fields: the number of <h1>, a byline printed without a name,
// and the charsets the header and the <meta> tag declare.
func TestEditorialSignals(t *testing.T) {
	const article = `<html lang="en"><head>%META%<title>T</title></head><body>%LOGO%<main><article><h1>Minister meets delegation</h1>
<p class="date">3 April 2024</p>%BYLINE%<p>The minister met the delegation to discuss trade and logistics, and the sides agreed on a roadmap for cooperation in agriculture and education.</p></article>%EXTRA%</main></body></html>`
	page := func(meta, logo, byline, extra string) string {
		return strings.NewReplacer("%META%", meta, "%LOGO%", logo, "%BYLINE%", byline, "%EXTRA%", extra).Replace(article)
	}
	tests := []struct {
		name         string
		contentType  string
		body         string
		h1           int
		emptyByline  string
		header, meta string
	}{
		{"one h1, named byline", "text/html; charset=utf-8", page(`<meta charset="utf-8">`, "", `<p class="author">Written by: Anna Ivanova</p>`, ""), 1, "", "utf-8", "utf-8"},
		{"three h1", "text/html", page("", `<h1 class="logo"><a href="/">Portal</a></h1>`, "", "<h1>Top news</h1>"), 3, "", "", ""},
		{"hidden h1 not counted", "text/html", page("", `<template><h1>x</h1></template><div hidden><h1>y</h1></div>`, "", ""), 1, "", "", ""},
		{"empty byline", "text/html; charset=UTF8", page(`<meta http-equiv="Content-Type" content="text/html; charset=cp1251">`, "", `<p class="author">Written by: </p>`, ""), 1, "Written by:", "utf-8", "windows-1251"},
		{"empty Russian byline", "", page("", "", `<p>Автор:</p>`, ""), 1, "Автор:", "", ""},
		{"no byline at all", "text/html; charset=x-unknown", page("", "", "", ""), 1, "", "x-unknown", ""},
		{"a By label with the name beside it", "", page("", "", `<p><span class="byline">By</span> <a href="/authors/anna-ivanova/" class="author">Anna Ivanova</a></p>`, ""), 1, "", "", ""},
	}
	x := extract.New(extract.Options{Now: fixedNow})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := x.Page(extract.Input{URL: "https://www.example.gov/news/a.html", Header: http.Header{"Content-Type": {tt.contentType}}, Body: []byte(tt.body)})
			if err != nil {
				t.Fatal(err)
			}
			if p.H1Count != tt.h1 {
				t.Errorf("H1Count = %d, want %d", p.H1Count, tt.h1)
			}
			if p.EmptyByline != tt.emptyByline {
				t.Errorf("EmptyByline = %q, want %q (authors %q)", p.EmptyByline, tt.emptyByline, p.Authors)
			}
			if p.CharsetHeader != tt.header || p.CharsetMeta != tt.meta {
				t.Errorf("declared charsets header %q meta %q, want %q %q", p.CharsetHeader, p.CharsetMeta, tt.header, tt.meta)
			}
		})
	}
}
