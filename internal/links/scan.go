package links

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode"

	"golang.org/x/net/html"
)

// Doc is what the live checker reads from an HTML body: its title, the
// ids that #fragment links can point to, and whether it is an empty day
// archive.
type Doc struct {
	Title string
	IDs   []string // id attributes of any element and name attributes of <a>, in order, without duplicates
	// NoNews reports a soft 404 of news portals: the page's text outside
	// its navigation (nav, header, footer, aside) is short (under 400
	// words) and says there is no news, as an empty day archive does.
	NoNews bool
}

// skipsText reports the elements whose text is not the page's content,
// for Doc.NoNews.
func skipsText(tag []byte) bool {
	switch string(tag) {
	case "script", "style", "title", "noscript", "template", "select", "nav", "header", "footer", "aside":
		return true
	}
	return false
}

// maxNoNewsText bounds the text kept for the no-news test.
const maxNoNewsText = 64 << 10

// ScanHTML reads an HTML document with the tokenizer (no tree is built) and
// returns its title and fragment targets. Malformed HTML is read as far as
// the tokenizer can; only a read error is returned.
func ScanHTML(r io.Reader) (Doc, error) {
	var d Doc
	seen := map[string]bool{}
	z := html.NewTokenizer(r)
	inTitle := false
	var title, text strings.Builder
	skip := 0 // depth inside elements that skipsText
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			d.Title = strings.Join(strings.Fields(title.String()), " ")
			if t := text.String(); fewerWords(t, 400) && noNewsText.MatchString(t) {
				d.NoNews = true
			}
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return d, fmt.Errorf("scan html: %w", err)
			}
			return d, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			if string(name) == "title" && tt == html.StartTagToken && title.Len() == 0 {
				inTitle = true
			}
			if tt == html.StartTagToken && skipsText(name) {
				skip++
			}
			anchor := string(name) == "a"
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				if string(k) == "id" || (anchor && string(k) == "name") {
					if len(v) > 0 && !seen[string(v)] {
						id := string(v)
						seen[id] = true
						d.IDs = append(d.IDs, id)
					}
				}
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			if string(name) == "title" {
				inTitle = false
			}
			if skip > 0 && skipsText(name) {
				skip--
			}
		case html.TextToken:
			if inTitle {
				title.Write(z.Text())
			}
			if skip == 0 && text.Len() < maxNoNewsText {
				text.Write(z.Text())
				text.WriteByte(' ')
			}
		}
	}
}

// fewerWords reports whether text has fewer than n words, as
// len(strings.Fields(text)) < n does, without making the list of words:
// it stops counting at n.
func fewerWords(text string, n int) bool {
	if n <= 0 {
		return false
	}
	words, in := 0, false
	for _, r := range text {
		space := unicode.IsSpace(r)
		if !space && !in {
			if words++; words >= n {
				return false
			}
		}
		in = !space
	}
	return true
}
