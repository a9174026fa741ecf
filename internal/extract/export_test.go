package extract

import (
	"strings"
	"time"

	"github.com/archiver-dev/archiver/internal/archive"
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

// PublishedBothWays runs the date step on the page in as the kind of a
// links-level extraction asks for it (without go-htmldate), once with the
// search of visible dates that stops at the first near the headline
// (links, as Options.LinksOnly runs it) and once with the whole search
// (all), and returns the two publication dates.
func PublishedBothWays(in Input) (links, all archive.Date) {
	for _, linksOnly := range []bool{true, false} {
		x := New(Options{Now: func() time.Time { return time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC) }, LinksOnly: linksOnly})
		d := x.prepare(in, &archive.Page{URL: in.URL})
		if d == nil {
			continue
		}
		d.needDates(false)
		if linksOnly {
			links = d.page.Published
		} else {
			all = d.page.Published
		}
	}
	return links, all
}
