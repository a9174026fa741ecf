package extract

import (
	"math/rand"
	"slices"
	"strings"
	"testing"

	"github.com/archiver-dev/archiver/internal/archive"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// linksPages are pages with anchors in menus, asides, hidden and nested
// places, repeated hrefs, anchors without href and ids.
var linksPages = []string{
	`<html><head><link rel="next" href="/p/2"></head><body id="top"><nav class="menu"><a href="/a">Home page of the site</a><a href="/b" id="b">B</a></nav>
<main><a href="/n/1">One long title of an item</a> <a href="/n/1">One long title of an item</a><a name="x">anchor</a><a>no target</a>
<div hidden><a href="/h">hidden link with four words</a></div><aside><a href="/s">side link with four words</a></aside>
<a href="/n/2"><b>Two</b> <i>long</i> title of an item</a><span id="b">dup id</span><a href="/n/3"><img alt="picture"></a></main>
<footer><a href="/f">footer link with four words</a></footer><svg><a href="/svg">svg link text four words</a></svg></body></html>`,
	`<body><table><tr><td><a href="/x">x y z w</a></td></tr></table><noscript><a href="/ns">no script link four words</a></noscript><a href="">empty href with four words</a>
<a href="javascript:void(0)" onclick="location.href='/js'">a javascript link four words</a><div onclick="window.open('/w')">open</div></body>`,
}

// TestLinkWords compares linkWords, after extractLinks, with textWords for
// every anchor, in document order (as listingLinks asks) and in reverse
// order (where the cursor misses and counts), and the IDs that extractLinks
// records with those of a walk of their own.
func TestLinkWords(t *testing.T) {
	for _, page := range linksPages {
		root, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		anchors := findAll(root, func(n *html.Node) bool { return n.DataAtom == atom.A })
		for _, order := range [][]*html.Node{anchors, reversed(anchors)} {
			d := &doc{x: New(Options{}), page: &archive.Page{}, root: root, meta: map[string][]string{}, contentWords: -1}
			d.body = findFirst(root, func(n *html.Node) bool { return n.DataAtom == atom.Body })
			d.findRegions()
			d.findMain()
			d.extractLinks()
			for _, a := range order {
				if got, want := d.linkWords(a), textWords(a); got != want {
					t.Errorf("linkWords(<a href=%q>) = %d, textWords = %d", attr(a, "href"), got, want)
				}
			}
			var ids []string
			seen := map[string]bool{}
			walk(root, func(n *html.Node) bool {
				for _, k := range []string{"id", "name"} {
					if v := attr(n, k); v != "" && (k == "id" || n.DataAtom == atom.A) && !seen[v] {
						seen[v] = true
						ids = append(ids, v)
					}
				}
				return true
			})
			if !slices.Equal(d.page.IDs, ids) {
				t.Errorf("IDs = %q, want %q", d.page.IDs, ids)
			}
		}
	}
}

func reversed(ns []*html.Node) []*html.Node {
	out := slices.Clone(ns)
	slices.Reverse(out)
	return out
}

func checkLowerHasPrefix(t *testing.T, s string) {
	t.Helper()
	for _, prefix := range []string{"javascript:", "file:", "", "a"} {
		if got, want := lowerHasPrefix(s, prefix), strings.HasPrefix(strings.ToLower(s), prefix); got != want {
			t.Fatalf("lowerHasPrefix(%q, %q) = %v, strings.HasPrefix(strings.ToLower) says %v", s, prefix, got, want)
		}
	}
}

// TestLowerHasPrefix compares lowerHasPrefix with strings.HasPrefix of
// strings.ToLower on strings built of the prefixes' letters in both cases,
// the runes that lower-case to ASCII letters, a control character one
// case step from ':', and invalid UTF-8.
func TestLowerHasPrefix(t *testing.T) {
	pieces := []string{"java", "JAVA", "Script", "scrİpt", "script", ":", "\x1a", "file", "FILE", "fİle", "\u212a", "K", "/", " ", "\xff", "é", "É", "x"}
	r := rand.New(rand.NewSource(4))
	for range 20000 {
		var b strings.Builder
		for k := r.Intn(5); k >= 0; k-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		checkLowerHasPrefix(t, b.String())
	}
}

// FuzzLowerHasPrefix compares lowerHasPrefix with its reference on
// arbitrary strings.
func FuzzLowerHasPrefix(f *testing.F) {
	f.Add("JavaScrİpt:void(0)")
	f.Fuzz(checkLowerHasPrefix)
}
