package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// VisibleSaysNoNews reports whether the visible text of the page in holds
// one of the "no news" phrases of a links-level extraction, read the
// reference way: the raw text of its body collapsed (textOfReference),
// lower-cased and searched phrase by phrase. It is the test's own answer
// to whether a links-level page carries the body, independent of the
// visible text and the phrase matcher the extraction uses.
func VisibleSaysNoNews(in Input) bool {
	if len(in.Body) == 0 || looksBinary(in.Body) {
		return false
	}
	ct := ""
	if in.Header != nil {
		ct = in.Header.Get("Content-Type")
	}
	text := Decode(in.Body, ct).Text
	if max := New(Options{}).opts.MaxBytes; len(text) > max {
		text = strings.ToValidUTF8(text[:max], "")
	}
	root, _ := parseBounded(text)
	if root == nil {
		return false
	}
	body := findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Body })
	if body == nil {
		body = root
	}
	low := strings.ToLower(textOfReference(body))
	for _, p := range noNewsList {
		if strings.Contains(low, p) {
			return true
		}
	}
	return false
}
