package links

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/net/html"
)

// Doc is what the live checker reads from an HTML body: its title and the
// ids that #fragment links can point to.
type Doc struct {
	Title string
	IDs   []string // id attributes of any element and name attributes of <a>, in order, without duplicates
}

// ScanHTML reads an HTML document with the tokenizer (no tree is built) and
// returns its title and fragment targets. Malformed HTML is read as far as
// the tokenizer can; only a read error is returned.
func ScanHTML(r io.Reader) (Doc, error) {
	var d Doc
	seen := map[string]bool{}
	z := html.NewTokenizer(r)
	inTitle := false
	var title strings.Builder
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			d.Title = strings.Join(strings.Fields(title.String()), " ")
			if err := z.Err(); !errors.Is(err, io.EOF) {
				return d, fmt.Errorf("scan html: %w", err)
			}
			return d, nil
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			tag := string(name)
			if tag == "title" && tt == html.StartTagToken && title.Len() == 0 {
				inTitle = true
			}
			for hasAttr {
				var k, v []byte
				k, v, hasAttr = z.TagAttr()
				key := string(k)
				if key == "id" || (key == "name" && tag == "a") {
					id := string(v)
					if id != "" && !seen[id] {
						seen[id] = true
						d.IDs = append(d.IDs, id)
					}
				}
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "title" {
				inTitle = false
			}
		case html.TextToken:
			if inTitle {
				title.Write(z.Text())
			}
		}
	}
}
